"""YAML in and out, with errors that name the file, line and field a user must fix.

Shared by the clause library, bids and templates, so a typo reads the same everywhere.
"""
from __future__ import annotations

from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
# libyaml's loader is ten times faster than the pure-Python one; same safe subset of YAML.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Problem(tuple):
    """(line, message): one thing wrong in a YAML text."""

    def __new__(cls, line: int | None, message: str):
        return super().__new__(cls, (line, message))

    @property
    def line(self) -> int | None:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]


def line_of(text: str, loc: tuple) -> int | None:
    """The line of the YAML node at a pydantic error location; computed only when needed."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
            continue
        if not isinstance(node, yaml.MappingNode):
            break
        pair = next(((k, v) for k, v in node.value if k.value == str(key)), None)
        if pair is None:
            break
        line = pair[0].start_mark.line + 1
        node = pair[1]
    return line


def _explain(err: dict) -> str:
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        message = "unknown field (a typo?)"
    elif err["type"] == "missing":
        message = "is required"
    else:
        message = err["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def validation_problems(text: str, exc: ValidationError) -> list[Problem]:
    return [Problem(line_of(text, tuple(err["loc"])), _explain(err)) for err in exc.errors()]


def load_mapping(text: str) -> tuple[dict | None, list[Problem]]:
    """Parse YAML that must be a mapping; never raises."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(mark.line + 1 if mark else None, f"YAML does not parse: {problem}")]
    if not isinstance(data, dict):
        return None, [Problem(1, "expected a mapping of fields (key: value)")]
    return data, []


def parse_model(text: str, model: type[M]) -> tuple[M | None, list[Problem]]:
    """YAML text -> validated model, or the problems with their lines."""
    data, problems = load_mapping(text)
    if data is None:
        return None, problems
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(text, exc)


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, so clause text reads as written."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> bytes:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")
