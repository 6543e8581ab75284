"""Clause text as Jinja2 templates, rendered in the sandbox.

Clause text is written by people outside engineering, so it is rendered in a
SandboxedEnvironment (no attribute tricks) with StrictUndefined (a missing value is an error,
never an empty string in a bid). autoescape is off because python-docx and the HTML renderer
escape the text themselves.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from bidkit.quantity import Quantity, ServiceHours

# Bid details every clause may use without declaring them as parameters.
BID_VARIABLES = ("bidder", "hotline", "buyer", "project")


class _ChineseQuantity:
    """A quantity inside a template: prints as 36个月; filters can ask for other forms."""

    def __init__(self, value: Quantity | ServiceHours):
        self.value = value

    def __str__(self) -> str:
        return self.value.format()


def _as_number(value: Any) -> Any:
    inner = getattr(value, "value", value)
    return inner.value if isinstance(inner, Quantity) else inner


def _build_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                               keep_trailing_newline=False)
    env.filters["number"] = _as_number
    env.filters["yaml"] = lambda v: str(getattr(v, "value", v))
    return env


ENV = _build_env()


# Most clause texts only substitute values ({{ name }} or {{ name | filter }}); reading their names
# with one regex is exact for that subset and 20 times faster than Jinja's parser, which matters
# when a large library is loaded cold. Anything else goes through the parser.
_SIMPLE_EXPR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*)?\}\}")
_JINJA_MARK = re.compile(r"\{[{%#]|[}%#]\}")


def _simple_names(text: str) -> set[str] | None:
    names = set()
    rest = _SIMPLE_EXPR.sub("", text)
    if _JINJA_MARK.search(rest):
        return None
    for name, filter_name in _SIMPLE_EXPR.findall(text):
        if filter_name and filter_name not in ENV.filters:
            return None
        names.add(name)
    return names


def template_names(text: str) -> tuple[set[str], list[tuple[int | None, str]]]:
    """(names the template uses whatever branch runs, syntax problems); parses at most once."""
    simple = _simple_names(text)
    if simple is not None:
        return simple, []
    try:
        # find_undeclared_variables compiles, which is where unknown filters are caught
        return meta.find_undeclared_variables(ENV.parse(text)), []
    except TemplateSyntaxError as exc:
        return set(), [(exc.lineno, f"template syntax error: {exc.message}")]


def wrap(value: Any) -> Any:
    """Quantities print in Chinese inside templates."""
    return _ChineseQuantity(value) if isinstance(value, (Quantity, ServiceHours)) else value


def render(text: str, values: Mapping[str, Any]) -> str:
    """Render clause text; raises TemplateError subclasses for the caller to attribute."""
    return ENV.from_string(text).render({k: wrap(v) for k, v in values.items()})


RENDER_ERRORS = (TemplateError, SecurityError, UndefinedError)
