"""Clause text as Jinja2 templates, restricted to what a clause needs and rendered in the sandbox.

Clause text is written by people outside engineering and by anyone who can write the library
folder, so the sandbox alone is not enough: Jinja folds constants while it compiles and loops,
macros and `'a' * 10**9` run without limits. A clause may only print values ({{ name }},
{{ name | number }}) and choose text with {% if %}; every other construct is refused from the
token stream and the parsed tree, before anything is compiled. What is left renders in time
linear in its text and the values, and the output is capped.

StrictUndefined makes a missing value an error, never an empty string in a bid. autoescape is
off because python-docx and the HTML renderer escape the text themselves.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from bidkit.errors import LibraryError
from bidkit.quantity import Quantity, ServiceHours

if TYPE_CHECKING:
    from bidkit.model import ParamSpec

# Bid details every clause may use without declaring them as parameters.
BID_VARIABLES = ("bidder", "hotline", "buyer", "project")
# Stand-ins for the bid details wherever a clause is rendered without a bid (preview, save check).
SAMPLE_BID = {"bidder": "（投标人）", "hotline": "（服务热线）", "buyer": "（采购人）", "project": "（项目名称）"}

# A real clause is a few hundred characters; a long pasted list of parts stays far below these.
MAX_TEXT_CHARS = 20_000
MAX_RENDERED_CHARS = 50_000
# {% if %} blocks and brackets; real clauses nest one deep.
MAX_NESTING = 10
# Tokens in one {{ }} or {% %}: bounds the parser's recursion on chains like `not not not ...`.
MAX_TAG_TOKENS = 60
# Digits of a number literal: Python refuses to print integers of over 4,300 digits.
MAX_NUMBER_CHARS = 15
# Problems told of one clause: a text refused for thousands of reasons is told its first ones.
MAX_PROBLEMS_TOLD = 20

ALLOWED_TAGS = ("if", "elif", "else", "endif")
_ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Name, nodes.Const,
                  nodes.Filter, nodes.Not, nodes.Neg, nodes.Pos, nodes.And, nodes.Or, nodes.Compare,
                  nodes.Operand, nodes.CondExpr, nodes.List, nodes.Tuple)
_OPERATORS = {nodes.Pow: "**", nodes.Mul: "*", nodes.Div: "/", nodes.FloorDiv: "//", nodes.Mod: "%",
              nodes.Add: "+", nodes.Sub: "-", nodes.Concat: "~"}
_ALLOWED_HELP = ("a clause may only print values ({{ name }}, {{ name | number }}) "
                 "and choose text with {% if %} ... {% endif %}")
# Template markup: in a parameter value it is printed as written, never run.
TEMPLATE_MARK = re.compile(r"\{[{%#]|[}%#]\}")
# Values for a parameter that has no default, to render a clause before saving it.
_STAND_IN = {"duration": "1 month", "count": "1", "service_hours": "7×24"}


class _ChineseQuantity:
    """A quantity inside a template: prints as 36个月; filters can ask for other forms."""

    def __init__(self, value: Quantity | ServiceHours):
        self.value = value

    def __str__(self) -> str:
        return self.value.format()


def _as_number(value: Any) -> Any:
    """A value's bare number, still a number (clause text may compare it: period | number > 60), and
    printed as a bid writes it: 3 for 3年, not Python's 3.0."""
    inner = getattr(value, "value", value)
    number = inner.value if isinstance(inner, Quantity) else inner
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _build_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                               keep_trailing_newline=False)
    # Only bidkit's filters and no globals: range, lipsum, namespace and the rest do not exist.
    env.filters = {"number": _as_number, "yaml": lambda v: str(getattr(v, "value", v))}
    env.globals.clear()
    return env


ENV = _build_env()


def _problem(code: str, message: str, line: int | None = None, field: str = "text",
             **values: object) -> LibraryError:
    return LibraryError(message, line=line, field=field, code=code, **values)


def _refused(construct: str, line: int | None) -> LibraryError:
    return _problem("template-construct", f"{construct!r} is not allowed in clause text: {_ALLOWED_HELP}",
                    line, construct=construct)


# Most clause texts only print values ({{ name }}, {{ name | number }}) and choose text with
# {% if name %} ... {% else %} ... {% endif %}; reading them with one regex is exact for that subset
# and many times faster than Jinja's lexer and parser, which matters when a large library is loaded
# cold. Anything else, or anything the regex is unsure of, goes through both.
_SIMPLE_MARK = re.compile(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*)?-?\}\}"
                          r"|\{%-?\s*(if|elif|else|endif)\b\s*([A-Za-z_][A-Za-z0-9_]*)?\s*-?%\}")
# Words Jinja's parser reads as constants or operators, not as names.
_KEYWORDS = frozenset(("true", "false", "none", "True", "False", "None", "not", "and", "or", "in", "is",
                       "if", "else", "elif", "endif"))


def _simple_names(text: str) -> set[str] | None:
    # a "{" just before a match would make Jinja read "{{{" differently
    rest = _SIMPLE_MARK.sub("\0", text)
    if TEMPLATE_MARK.search(rest) or "{\0" in rest:
        return None
    names = set()
    open_ifs: list[bool] = []  # one per open {% if %}: whether its {% else %} has come
    for name, filter_name, tag, test in _SIMPLE_MARK.findall(text):
        if not tag:
            if name in _KEYWORDS or (filter_name and filter_name not in ENV.filters):
                return None
            names.add(name)
        elif (tag in ("if", "elif")) != bool(test and test not in _KEYWORDS):
            return None
        elif tag == "if":
            open_ifs.append(False)
            if len(open_ifs) > MAX_NESTING:
                return None
        elif not open_ifs:
            return None
        elif tag == "endif":
            open_ifs.pop()
        elif open_ifs[-1]:  # elif or else after the else
            return None
        elif tag == "else":
            open_ifs[-1] = True
        if test:
            names.add(test)
    return None if open_ifs else names


def _scan(text: str) -> list[LibraryError]:
    """Refused tags, nesting, long expressions and long numbers, from the tokens: before the parser,
    whose recursion they would otherwise exhaust."""
    problems = []
    depth = tokens = 0
    tag_next = False
    for line, kind, value in ENV.lex(text):
        if kind in ("variable_begin", "block_begin"):
            tokens, tag_next = 0, kind == "block_begin"
            continue
        if kind in ("whitespace", "data", "variable_end", "block_end") or kind.startswith(("comment", "raw")):
            continue
        tokens += 1
        if tokens > MAX_TAG_TOKENS:
            return [_problem("template-tokens", f"an expression is longer than the {MAX_TAG_TOKENS}-token limit",
                             line, limit=MAX_TAG_TOKENS)]
        if tag_next:
            tag_next = False
            if value not in ALLOWED_TAGS and not value.startswith("end"):  # the opening tag is reported
                problems.append(_refused(f"{{% {value} %}}", line))
            depth += {"if": 1, "endif": -1}.get(value, 0)
        elif kind == "operator" and value in "([{":
            depth += 1
        elif kind == "operator" and value in ")]}":
            depth -= 1
        elif kind in ("integer", "float") and len(value) > MAX_NUMBER_CHARS:
            problems.append(_problem("template-number", f"the number {value[:MAX_NUMBER_CHARS]}… is longer "
                                     f"than the {MAX_NUMBER_CHARS}-character limit", line,
                                     limit=MAX_NUMBER_CHARS, number=value[:MAX_NUMBER_CHARS]))
        if depth > MAX_NESTING:
            return [_problem("template-nesting", f"nested deeper than the {MAX_NESTING}-level limit",
                             line, limit=MAX_NESTING)]
    return problems


def _construct(node: nodes.Node) -> str:
    """How the clause author wrote a refused construct."""
    if type(node) in _OPERATORS:
        return _OPERATORS[type(node)]
    if isinstance(node, nodes.Call):
        callee = node.node
        if isinstance(callee, nodes.Name):
            return f"{callee.name}()"
        return f".{callee.attr}()" if isinstance(callee, nodes.Getattr) else "()"
    if isinstance(node, nodes.Getattr):
        return f".{node.attr}"
    if isinstance(node, (nodes.Getitem, nodes.Slice)):
        return "[ ]"
    if isinstance(node, nodes.Filter):
        return f"| {node.name}" + ("(…)" if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs else "")
    if isinstance(node, nodes.Test):
        return f"is {node.name}"
    return "{ }" if isinstance(node, nodes.Dict) else type(node).__name__


def _walk(tree: nodes.Template) -> tuple[set[str], list[LibraryError]]:
    """The names the tree reads, and every construct outside the allowed subset (iteratively: the
    tree may be as deep as the limits allow)."""
    names, problems = set(), []
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        allowed = isinstance(node, _ALLOWED_NODES)
        if isinstance(node, nodes.Filter):
            allowed = (node.name in ENV.filters and not node.args and not node.kwargs
                       and node.dyn_args is None and node.dyn_kwargs is None)
        if not allowed:
            problems.append(_refused(_construct(node), node.lineno))
            continue
        if isinstance(node, nodes.Name):
            names.add(node.name)
        stack.extend(node.iter_child_nodes())
    problems.sort(key=lambda p: p.line or 0)
    return names, problems


def template_names(text: str) -> tuple[set[str], list[LibraryError]]:
    """(names the text uses whatever branch runs, why it is refused): nothing is compiled."""
    if len(text) > MAX_TEXT_CHARS:
        return set(), [_problem("template-text-too-long", f"is over the {MAX_TEXT_CHARS:,}-character limit",
                                limit=MAX_TEXT_CHARS)]
    simple = _simple_names(text)
    if simple is not None:
        return simple, []
    try:
        problems = _scan(text)
        if problems:
            return set(), problems
        return _walk(ENV.parse(text))
    except TemplateSyntaxError as exc:
        return set(), [_problem("template-syntax", f"template syntax error: {exc.message}", exc.lineno,
                                problem=exc.message)]


def _mark_problem(name: str, where: str, value: str, mark: str) -> LibraryError:
    return _problem("template-mark", f"{value!r} contains template markup {mark!r}: a value is printed as written, "
                    "never run as a template", field=f"params.{name}.{where}", mark=mark, value=value)


def _mark_problems(params: Mapping[str, ParamSpec]) -> list[LibraryError]:
    problems = []
    # every mark holds a brace, and looking for one first is what keeps a cold library load fast
    for name, spec in params.items():
        default = spec.default
        if isinstance(default, str) and ("{" in default or "}" in default) and (m := TEMPLATE_MARK.search(default)):
            problems.append(_mark_problem(name, "default", default, m.group(0)))
        for choice in spec.choices or ():
            if ("{" in choice or "}" in choice) and (m := TEMPLATE_MARK.search(choice)):
                problems.append(_mark_problem(name, "choices", choice, m.group(0)))
    return problems


def clause_problems(text: str, params: Mapping[str, ParamSpec], render_samples: bool = False) -> list[LibraryError]:
    """Why a clause text with these parameters is refused: constructs outside the allowed subset,
    names no parameter declares, template markup in a default or choice, and with `render_samples`
    (before saving) a failure to render with the defaults and with each extreme allowed value.

    Each problem is a LibraryError whose `line` is the line within the text and whose `field` is
    `text` or the parameter's; the caller places it in its file."""
    names, found = template_names(text)
    if unknown := names.difference(params, BID_VARIABLES):
        found += [_problem("template-undeclared", f"uses {{{{ {name} }}}} but no parameter {name!r} is declared",
                           _line_with(text, name), name=name) for name in sorted(unknown)]
    found += _mark_problems(params)
    if render_samples and not found:
        found += _sample_problems(text, params)
    return found[:MAX_PROBLEMS_TOLD]


def _line_with(text: str, name: str) -> int:
    return next((i for i, line in enumerate(text.splitlines(), 1) if name in line), 1)


def sample_values(params: Mapping[str, ParamSpec]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """(a value for every parameter: its default or a stand-in, [(parameter, another allowed value)]):
    the extremes a clause must render with, min and max, every choice, yes and no."""
    base: dict[str, Any] = {}
    others: list[tuple[str, Any]] = []
    for name, spec in params.items():
        options: list[Any] = [] if spec.default is None else [spec.parse_value(spec.default)]
        if spec.type in ("duration", "count"):
            options += [b for b in (spec.bound("min"), spec.bound("max")) if b is not None]
        options += spec.choices or ([True, False] if spec.type == "bool" else [])
        if not options:
            options.append(spec.parse_value(_STAND_IN.get(spec.type, f"（{spec.label}）")))
        base[name] = options[0]
        others += [(name, value) for i, value in enumerate(options[1:], 1) if value not in options[:i]]
    return base, others


def sample_context(params: Mapping[str, ParamSpec]) -> dict[str, Any]:
    """What a clause is shown with before any bid: the sample bid details and each parameter's
    default (a stand-in where it has none)."""
    return {**SAMPLE_BID, **sample_values(params)[0]}


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """A rendered clause text's paragraphs: split at blank lines (spaces on them too), stripped."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def _sample_problems(text: str, params: Mapping[str, ParamSpec]) -> list[LibraryError]:
    base, others = sample_values(params)
    try:
        render(text, {**SAMPLE_BID, **base})
    except LibraryError as exc:
        return [exc]
    for name, value in others:
        try:
            render(text, {**SAMPLE_BID, **base, name: value})
        except LibraryError as exc:
            shown, problem = str(wrap(value)), exc.values.get("problem", exc.message)
            return [_problem("template-render-with", f"cannot be rendered with {name} = {shown}: {problem}",
                             exc.line, name=name, value=shown, problem=problem)]
    return []


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    """The compiled template of an allowed text; a clause's text is compiled once per process."""
    _names, refused = template_names(text)
    if refused:
        raise refused[0]
    return ENV.from_string(text)


def wrap(value: Any) -> Any:
    """Quantities print in Chinese inside templates."""
    return _ChineseQuantity(value) if isinstance(value, (Quantity, ServiceHours)) else value


def render(text: str, values: Mapping[str, Any]) -> str:
    """Render clause text: a LibraryError for a refused text or any failure while rendering, so a
    caller can make it a finding on its clause."""
    out: list[str] = []
    size = 0
    try:
        for chunk in _compiled(text).generate({k: wrap(v) for k, v in values.items()}):
            size += len(chunk)
            if size > MAX_RENDERED_CHARS:
                raise _problem("template-too-long", f"renders to over the {MAX_RENDERED_CHARS:,}-character limit",
                               limit=MAX_RENDERED_CHARS)
            out.append(chunk)
    except LibraryError:
        raise
    except Exception as exc:  # whatever an allowed template does wrong with a value (x > 3 on text, ...)
        problem = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise _problem("template-render", f"cannot be rendered: {problem}", getattr(exc, "lineno", None),
                       problem=problem) from None
    return "".join(out)


RENDER_ERRORS = (LibraryError,)
