"""YAML in and out, with errors that name the file, line and field a user must fix.

Shared by the clause library, bids and templates, so a typo reads the same everywhere.
"""
from __future__ import annotations

import sys
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

# Every YAML text bidkit reads (bids, templates, library files, settings) is held to these before it
# is composed: libyaml's composer recurses in C, so 100,000 nested brackets crash the process, and an
# alias repeats its node without limit, so ten nested aliases make ten billion values downstream.
MAX_YAML_DEPTH = 50  # levels of nesting; the demo bid has 4
MAX_YAML_NODES = 100_000  # values of any kind, each repeat of an alias counted; the demo bid has 700


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: ten times faster, same safe subset
    """The safe loader, where a number or date that cannot be made is a YAML error at its line."""


def _at_its_line(construct, what: str):
    def construct_at_its_line(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, what.format(exc=exc), node.start_mark) from None
    return construct_at_its_line


# A 5,000-digit number passes Python's limit on int(), and 2026-13-01 datetime's, as a ValueError.
_Loader.add_constructor("tag:yaml.org,2002:int", _at_its_line(
    _Loader.yaml_constructors["tag:yaml.org,2002:int"], f"a number over {sys.get_int_max_str_digits()} digits long"))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _at_its_line(
    _Loader.yaml_constructors["tag:yaml.org,2002:timestamp"], "a date or time that does not exist ({exc})"))


class Problem(tuple):
    """(line, message): one thing wrong in a YAML text; `code` and `values` name it for a page to word."""

    def __new__(cls, line: int | None, message: str, code: str | None = None, **values: object):
        problem = super().__new__(cls, (line, message))
        problem.code, problem.values = code, values
        return problem

    @property
    def line(self) -> int | None:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]


# Every collection needs an indicator character of its own, no character makes more than three
# values, and only an anchor (&) lets an alias repeat anything: a text with fewer indicators than
# MAX_YAML_DEPTH, short enough and without "&" is within the limits unread (every library file we ship).
_INDICATORS = "[{-?:"


def _shape_problem(text: str) -> Problem | None:
    """The first limit the text breaks, or None; raises yaml.YAMLError where it does not parse.

    Reads the parser's events, which libyaml makes with a stack of its own, never by recursion.
    """
    if "&" not in text and 4 * len(text) < MAX_YAML_NODES and \
            sum(map(text.count, _INDICATORS)) < MAX_YAML_DEPTH:
        return None
    nodes = 0
    open_: list[list] = []  # the collections being read: [anchor, nodes before it, height of its tallest child]
    named: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, height) of the closed node it names
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
            nodes += 1
            open_.append([event.anchor, nodes - 1, 0])
            height = 0
        elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
            anchor, before, tallest = open_.pop()
            if anchor is not None:
                named[anchor] = (nodes - before, tallest + 1)
            if open_:
                open_[-1][2] = max(open_[-1][2], tallest + 1)
            continue
        elif kind is yaml.ScalarEvent:
            nodes += 1
            if event.anchor is not None:
                named[event.anchor] = (1, 0)
            height = 0
        elif kind is yaml.AliasEvent:
            if event.anchor not in named:
                if any(anchor == event.anchor for anchor, _, _ in open_):
                    return Problem(event.start_mark.line + 1, f"alias *{event.anchor} refers to a node that "
                                   "contains it (a loop)", "yaml-alias-loop", anchor=event.anchor)
                continue  # an undefined alias: the composer says so
            size, height = named[event.anchor]
            nodes += size
            if open_:
                open_[-1][2] = max(open_[-1][2], height)
        else:
            continue
        if len(open_) + height > MAX_YAML_DEPTH:
            return Problem(event.start_mark.line + 1, f"YAML is nested deeper than the {MAX_YAML_DEPTH}-level "
                           "limit", "yaml-too-deep", limit=MAX_YAML_DEPTH)
        if nodes > MAX_YAML_NODES:
            return Problem(event.start_mark.line + 1, f"YAML holds over {MAX_YAML_NODES:,} values, the limit "
                           "(each repeat of an alias counts)", "yaml-too-many-nodes", limit=MAX_YAML_NODES)
    return None


def _compose(text: str) -> yaml.Node | None:
    """The node tree of the text, or None where it does not parse or breaks a limit."""
    try:
        return None if _shape_problem(text) else yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def line_of(text: str, loc: tuple) -> int | None:
    """The line of the YAML node at a pydantic error location; computed only when needed."""
    return _line_in(_compose(text), loc)


def _line_in(node: yaml.Node | None, loc: tuple) -> int | None:
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
    root = _compose(text)  # once for all errors: a file can have thousands
    return [Problem(_line_in(root, tuple(err["loc"])), _explain(err)) for err in exc.errors()]


def load_mapping(text: str) -> tuple[dict | None, list[Problem]]:
    """Parse YAML that must be a mapping, within the limits above; never raises."""
    try:
        if problem := _shape_problem(text):
            return None, [problem]
        data = yaml.load(text, Loader=_Loader)
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

    def ignore_aliases(self, data: Any) -> bool:
        """Write a value met twice in full: bidkit's files never hold anchors or aliases."""
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> bytes:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")
