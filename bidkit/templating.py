"""Clause text as Jinja2 templates, rendered in the sandbox.

Clause text is written by people outside engineering, so it is rendered in a
SandboxedEnvironment (no attribute tricks) with StrictUndefined (a missing value is an error,
never an empty string in a bid). autoescape is off because python-docx and the HTML renderer
escape the text themselves.
"""
from __future__ import annotations

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


def template_problems(text: str) -> list[tuple[int | None, str]]:
    """Syntax errors and undeclared names are reported by the caller; here: parse or fail."""
    try:
        ENV.parse(text)
    except TemplateSyntaxError as exc:
        return [(exc.lineno, f"template syntax error: {exc.message}")]
    return []


def variables(text: str) -> set[str]:
    """The names a template uses, whatever branch runs (assumes it parses)."""
    return meta.find_undeclared_variables(ENV.parse(text))


def wrap(value: Any) -> Any:
    """Quantities print in Chinese inside templates."""
    return _ChineseQuantity(value) if isinstance(value, (Quantity, ServiceHours)) else value


def render(text: str, values: Mapping[str, Any]) -> str:
    """Render clause text; raises TemplateError subclasses for the caller to attribute."""
    return ENV.from_string(text).render({k: wrap(v) for k, v in values.items()})


RENDER_ERRORS = (TemplateError, SecurityError, UndefinedError)
