"""Property tests: whatever text or nested data a user gives, the YAML guard and the models of bids,
templates and clause versions answer with problems or bidkit's own errors, never anything else."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bidkit import bidfile, yamlio
from bidkit.errors import BidError
from bidkit.model import Bid, Category, ClauseVersion, NewVersion, Review, Template

ROOT = Path(__file__).resolve().parent.parent
MODELS = [Bid, Template, ClauseVersion, NewVersion, Review, Category]
# Modest counts: the suite runs on two cores; derandomized, so a run is the same run every time.
PROPERTY = settings(max_examples=120, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _base(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


VERSION = _base(ROOT / "clause_library" / "warranty" / "warranty-period" / "v2.yaml")
BASES = [(Bid, _base(ROOT / "examples" / "demo-bid.yaml")),
         (Template, _base(sorted((ROOT / "templates").glob("*.yaml"))[0])),
         (ClauseVersion, VERSION),
         (NewVersion, {k: v for k, v in VERSION.items() if k not in ("version", "created", "author", "note")}
          | {"based_on": 2})]

# Pieces of YAML that reach the guard's and the constructor's corners when strung together.
TOKENS = ["[", "]", "{", "}", ", ", ": ", "- ", "? ", "\n", "  ", "&a ", "&b ", "*a", "*b", "<<: ", "'", '"', "|\n",
          ">-\n", "# c", "!!int ", "!!timestamp ", "!!binary ", "!!set ", "!!omap ", "!!python/object:os.system ",
          "!!str ", "1", "-1", "9" * 4400, "0x1F", "1e400", ".nan", "~", "null", "yes", "2026-13-01",
          "2026-02-28T25:61:00+08:00", "12:30:45", "36 month", "项目", "{{ x }}", "---\n", "...\n", "%YAML 1.1\n",
          "\t", "\x00", "\ufeff", "[" * 60, "- " * 60, "project: ", "clauses: ", "params: ", "id: ", "version: ",
          "text: ", "default: ", "requirements: ", "value: ", "unit: "]
yamlish = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | \
    st.sampled_from(["36 month", "3年", "7×24", "XX", "-1 day", "1e308 year", "{{ x }}", "2026-13-01", ""])
nested = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | st.sampled_from(["id", "version", "params", "text"]),
                                        inner, max_size=4), max_leaves=30)


def _depth(data: object) -> int:
    """How deep nested data goes, without recursion (it must not recurse should the guard fail)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        node, level = todo.pop()
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        todo.extend((child, level + 1) for child in children)
    return deepest


def _answers_with_problems(text: str, models: list[type] = MODELS) -> None:
    data, problems = yamlio.load_mapping(text)
    assert (data is None) == bool(problems)
    if data is not None:
        assert isinstance(data, dict) and _depth(data) <= yamlio.MAX_YAML_DEPTH + 1  # + the values in the deepest
    for problem in problems:
        assert isinstance(problem.message, str) and (problem.line is None or problem.line >= 1)
    for model in models:
        result, problems = yamlio.parse_model(text, model)
        assert (result is None) == bool(problems)
        assert result is None or isinstance(result, model)


@PROPERTY
@given(st.text(max_size=300))
def test_any_text(text) -> None:
    _answers_with_problems(text)


@PROPERTY
@given(yamlish)
def test_yaml_like_text(text) -> None:
    _answers_with_problems(text)


@st.composite
def mutated(draw) -> tuple[type, dict]:
    """A valid bid, template or version with one to three places replaced, dropped or added."""
    model, base = draw(st.sampled_from(BASES))
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        node = data
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            if isinstance(node[key], (dict, list)) and node[key] and draw(st.booleans()):
                node = node[key]
                continue
            action = draw(st.sampled_from(["replace", "drop", "add"]))
            if action == "replace":
                node[key] = draw(nested)
            elif action == "drop":
                del node[key]
            elif isinstance(node, dict):
                node[draw(st.text(max_size=8))] = draw(nested)
            else:
                node.append(draw(nested))
            break
    return model, data


@settings(PROPERTY, max_examples=80)  # a whole bid a case
@given(mutated())
def test_models_on_nested_data(case) -> None:
    model, data = case
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True)
    _answers_with_problems(text, [model])
    try:
        assert isinstance(bidfile.parse(text, model, "bid.yaml"), model)
    except BidError as exc:
        assert exc.file == "bid.yaml" and exc.message


@PROPERTY
@given(st.sampled_from(BASES), st.sampled_from(["[", "{a: ", "- "]), st.integers(1, 200))
def test_nesting_anywhere(base, opener, levels) -> None:
    """Nesting as deep as a user likes in any field of any file: accepted within the limit, refused past it."""
    model, data = base
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True)
    key = sorted(data)[levels % len(data)]
    closer = {"[": "]", "{a: ": "}", "- ": ""}[opener]
    value = opener * levels + "1" + closer * levels if opener != "- " else "\n" + "- " * levels + "1"
    text = text.replace(f"\n{key}:", f"\n{key}: {value}\nold_{key}:", 1) if f"\n{key}:" in text \
        else f"{key}: {value}\n{text}"
    data, problems = yamlio.load_mapping(text)
    assert (data is None) == (levels + 1 > yamlio.MAX_YAML_DEPTH)
    try:
        bidfile.parse(text, model, "bid.yaml")
    except BidError as exc:
        assert exc.message
