"""Clause templates restricted to printing values and simple if: every hostile template is refused at
save with its reason, is an issue of its file on load and a finding at check, in bounded time; the
texts real clauses use keep working; a value with template markup is a finding naming it."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidkit import library, templating
from bidkit.check import check
from bidkit.errors import LibraryError
from bidkit.model import Bid, ClauseChoice, ClauseVersion, NewVersion
from bidkit.quantity import parse_quantity
import test_app_review as review

ROOT = Path(__file__).resolve().parent.parent
lib_root = review.lib_root  # the library page's fixture: a copy of the shipped library

# (case, clause text, error code, what the reason names)
HOSTILE = [
    ("string times a power", "{{ 'a' * 10**9 }}", "template-construct", "'*'"),
    ("bid value times a power", "{{ bidder * 10**9 }}", "template-construct", "'*'"),
    ("list times a power", "{{ ([1] * 10**9) }}", "template-construct", "'*'"),
    ("namespace doubling", "{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
                           "{% endfor %}{{ ns.s }}", "template-construct", "'{% set %}'"),
    ("nested range loops", "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
     "template-construct", "'{% for %}'"),
    ("lipsum", "{{ lipsum(10**6) }}", "template-construct", "'lipsum()'"),
    ("macro recursion", "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "template-construct", "'{% macro %}'"),
    ("huge power", "{{ 10**5000 }}", "template-construct", "'**'"),
    ("division by zero", "{{ 1/0 }}", "template-construct", "'/'"),
    ("include", "{% include 'other.txt' %}", "template-construct", "'{% include %}'"),
    ("extends", "{% extends 'base.txt' %}", "template-construct", "'{% extends %}'"),
    ("import", "{% import 'macros.txt' as m %}", "template-construct", "'{% import %}'"),
    ("method call", "{{ bidder.ljust(999999999) }}", "template-construct", "'.ljust()'"),
    ("filter with an argument", "{{ bidder | center(999999999) }}", "template-construct", "'| center(…)'"),
    ("number of 5,000 digits", "{{ 1" + "0" * 5000 + " }}", "template-number", "15-character limit"),
    ("3,000 nested parentheses", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "template-nesting",
     "10-level limit"),
    ("500 nested ifs", "{% if a %}" * 500 + "x" + "{% endif %}" * 500, "template-nesting", "10-level limit"),
    ("chain of 3,000 nots", "{{ " + "not " * 3000 + "a }}", "template-tokens", "60-token limit"),
]

PARAMS = {"a": {"label": "甲", "type": "bool", "default": True}}

# Saves each text as a new version, writes it as a version file and loads the library, and checks a
# bid choosing a clause with that text (a library object that does not validate, as a forged cache
# would be); prints what each step said, as JSON.
_RUN = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from bidkit import library, yamlio
    from bidkit.check import check
    from bidkit.errors import LibraryError
    from bidkit.model import Bid, ClauseChoice, NewVersion
    sys.path.insert(0, "tests")
    from test_sandbox import _OneClause, _version

    cases, params, root = json.load(sys.stdin)
    root = Path(root)
    (root / "warranty").mkdir(parents=True)
    (root / "warranty/_category.yaml").write_text("title: 质保\\norder: 1\\n", encoding="utf-8")
    out = {}
    for i, (case, text) in enumerate(cases):
        cid = f"hostile-{i}"
        draft = NewVersion(id=cid, category="warranty", based_on=0, title="t", params=params, text=text)
        try:
            library.new_version(root, draft, author="王芳", note="n")
            saved = None
        except LibraryError as exc:
            saved = {"str": str(exc), "code": exc.code, "field": exc.field, "line": exc.line}
        written = (root / "warranty" / cid / "v1.yaml").exists()
        version = _version(text, cid, **params)
        (root / "warranty" / cid).mkdir(exist_ok=True)
        (root / "warranty" / cid / "v1.yaml").write_bytes(yamlio.dump(version.to_file()))
        issues = [(i.line, i.message) for i in library.load(root, use_cache=False).issues if cid in i.file]
        bid = Bid(project="p", clauses=[ClauseChoice(id=cid, version=1)])
        findings = [f.message for f in check(bid, _OneClause(version)).blocking]
        out[case] = {"saved": saved, "written": written, "issues": issues, "findings": findings}
    print(json.dumps(out, ensure_ascii=False))
""")


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


@pytest.fixture(scope="module")
def hostile_results(tmp_path_factory) -> dict:
    """Every hostile case through save, load and check, in one subprocess under 1 GB and 60 s of CPU."""
    root = tmp_path_factory.mktemp("sandbox") / "lib"
    proc = subprocess.run([sys.executable, "-c", _RUN], cwd=ROOT, preexec_fn=_limits, capture_output=True,
                          text=True, timeout=180,
                          input=json.dumps([[[c[0], c[1]] for c in HOSTILE], PARAMS, str(root)]))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("case,text,code,named", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_template_refused_everywhere(hostile_results, case, text, code, named):
    """Refused at save with its reason and nothing written; an issue of its file with its line on load;
    a blocking finding naming the clause at check."""
    result = hostile_results[case]
    saved = result["saved"]
    assert saved is not None and saved["code"] == code and named in saved["str"], saved
    assert saved["field"] == "text" and saved["line"] and "text: text:" not in saved["str"]
    assert not result["written"]
    [(line, message)] = result["issues"][:1]
    assert line and message.startswith("text: ") and named in message and "text: text:" not in message
    assert any(f.startswith("“t” v1") and named in f for f in result["findings"]), result["findings"]


# Texts a clause may use: what the shipped library does, and a little more of the same kind.
ALLOWED = [
    ("value", "质保期{{ period }}。", "质保期36个月。"),
    ("number filter", "{{ period | number }}", "36"),
    ("yaml filter", "{{ period | yaml }}", "36 month"),
    ("whitespace control", "甲 {{- period -}} 乙", "甲36个月乙"),
    ("if else", "{% if onsite %}上门{% else %}寄修{% endif %}", "上门"),
    ("elif with a comparison", "{% if period | number > 60 %}长{% elif scope == '主要设备' %}主{% else %}全{% endif %}",
     "全"),
    ("and, or, not, in a list", "{% if not onsite or period | number >= 36 and scope in ['全部货物', 'x'] %}是{% endif %}",
     "是"),
    ("inline if", "{{ '上门' if onsite else '寄修' }}", "上门"),
    ("bid details", "{{ bidder }}承诺", "（投标人）承诺"),
    ("comment and raw", "{# 备注 #}{% raw %}原文{% endraw %}", "原文"),
]
ALLOWED_PARAMS = {"period": {"label": "质保期", "type": "duration", "default": "36 month", "min": "12 month"},
                  "onsite": {"label": "上门", "type": "bool", "default": True},
                  "scope": {"label": "范围", "type": "choice", "choices": ["全部货物", "主要设备"], "default": "全部货物"}}


@pytest.mark.parametrize("case,text,rendered", ALLOWED, ids=[a[0] for a in ALLOWED])
def test_allowed_texts_render_and_save(case, text, rendered):
    """Substitution, the quantity filters and if keep working, at save and in the preview."""
    version = NewVersion(id="warranty-period", category="warranty", based_on=0, title="t", params=ALLOWED_PARAMS,
                         text=text)
    assert templating.clause_problems(text, version.params, render_samples=True) == []
    values, _others = templating.sample_values(version.params)
    assert templating.render(text, {**templating.SAMPLE_BID, **values}) == rendered


SAVE_REFUSED = [
    ("fails with the defaults", "{% if staff > 3 %}多{% endif %}",
     {"staff": {"label": "人数", "type": "count", "default": "6 person"}},
     "template-render", "cannot be rendered: '>' not supported"),
    ("fails only with another allowed value", "{% if onsite %}{% if period > 3 %}长{% endif %}{% endif %}",
     {"onsite": {"label": "上门", "type": "bool", "default": False},
      "period": {"label": "质保期", "type": "duration", "default": "36 month"}},
     "template-render-with", "cannot be rendered with onsite = True: '>' not supported"),
    ("fails only at the minimum", "{% if period | number < 12 %}{% if period > 1 %}短{% endif %}{% endif %}",
     {"period": {"label": "质保期", "type": "duration", "default": "36 month", "min": "6 month"}},
     "template-render-with", "cannot be rendered with period = 6个月: '>' not supported"),
    ("text too long", "x" * (templating.MAX_TEXT_CHARS + 1), {}, "template-text-too-long",
     "is over the 20,000-character limit"),
    ("renders too long", "{{ note }}", {"note": {"label": "说明", "type": "text", "default": "长" * 50_001}},
     "template-too-long", "renders to over the 50,000-character limit"),
    ("undeclared name", "{{ years }}", {}, "template-undeclared", "no parameter 'years' is declared"),
    ("markup in a default", "{{ note }}", {"note": {"label": "说明", "type": "text", "default": "{{ bidder }}"}},
     "template-mark", "contains template markup '{{'"),
    ("markup in a choice", "{{ mode }}",
     {"mode": {"label": "方式", "type": "choice", "choices": ["上门", "{% if x %}"], "default": "上门"}},
     "template-mark", "contains template markup '{%'"),
]


@pytest.mark.parametrize("case,text,params,code,said", SAVE_REFUSED, ids=[s[0] for s in SAVE_REFUSED])
def test_save_renders_with_defaults_and_extremes(tmp_path, case, text, params, code, said):
    """A new version is rendered with its defaults and each extreme allowed value before it is written;
    the refusal says why, once prefixed with its field."""
    root = tmp_path / "lib"
    (root / "warranty").mkdir(parents=True)
    (root / "warranty/_category.yaml").write_text("title: 质保\norder: 1\n", encoding="utf-8")
    draft = NewVersion(id="warranty-period", category="warranty", based_on=0, title="t", params=params, text=text)
    with pytest.raises(LibraryError) as caught:
        library.new_version(root, draft, author="王芳", note="n")
    exc = caught.value
    assert exc.code == code and said in exc.message, str(exc)
    assert exc.line and str(exc).count(f"{exc.field}:") == 1
    assert not (root / "warranty/warranty-period").exists()


def test_markup_in_a_default_is_an_issue_at_its_line(tmp_path):
    """A library file whose default holds template markup is an issue at the default's line."""
    root = tmp_path / "lib"
    folder = root / "warranty" / "odd"
    folder.mkdir(parents=True)
    (root / "warranty/_category.yaml").write_text("title: 质保\norder: 1\n", encoding="utf-8")
    (folder / "v1.yaml").write_text(textwrap.dedent("""\
        id: odd
        version: 1
        category: warranty
        title: t
        author: 王芳
        created: 2026-11-01T10:00:00+08:00
        params:
          note:
            label: 说明
            type: text
            default: "{% if a %}"
        text: "{{ note }}"
        """), encoding="utf-8")
    [issue] = library.load(root, use_cache=False).issues
    assert issue.line == 11 and issue.message.startswith("params.note.default: ") and "'{%'" in issue.message


class _OneClause:
    """A library of one approved version, as check uses it."""

    def __init__(self, version: ClauseVersion):
        self.v = version

    def version(self, clause_id: str, number: int) -> ClauseVersion:
        return self.v

    def status(self, clause_id: str, number: int) -> str:
        return "approved"


def _version(text: str, clause_id: str = "odd", **params) -> ClauseVersion:
    return ClauseVersion(id=clause_id, version=1, category="warranty", title="t", author="王芳",
                         created="2026-11-01T10:00:00+08:00", params=params, text=text)


def test_rendered_text_is_capped_at_check():
    """A bid value repeated past the cap is a blocking finding on its clause, not a huge document."""
    version = _version("{{ t }}" * 20, t={"label": "说明", "type": "text"})
    bid = Bid(project="p", clauses=[ClauseChoice(id="odd", version=1, params={"t": "长" * 5000})])
    result = check(bid, _OneClause(version))
    assert result.clauses[0].text is None
    assert any("“t” v1: renders to over the 50,000-character limit" in f.message for f in result.blocking)


def test_render_failure_is_a_finding_not_an_exception():
    """A value the text cannot handle (a comparison of text with a number) is a finding on its clause."""
    version = _version("{% if years > 3 %}长{% endif %}", years={"label": "年限", "type": "text", "default": "三"})
    result = check(Bid(project="p", clauses=[ClauseChoice(id="odd", version=1)]), _OneClause(version))
    assert [f.message for f in result.blocking] == [
        "“t” v1: cannot be rendered: '>' not supported between instances of 'str' and 'int'"]


@pytest.mark.parametrize("value,mark", [("{% if a %}上门{% endif %}", "{%"), ("{{ bidder }}", "{{"),
                                        ("到场{# 待定 #}", "{#")])
def test_markup_in_a_bid_value_is_one_finding_naming_it(value, mark):
    """Template markup in a value is printed as written: one blocking finding names the parameter (not
    another for the clause text that repeats it)."""
    version = _version("服务方式：{{ mode }}。", mode={"label": "方式", "type": "text"})
    bid = Bid(project="p", clauses=[ClauseChoice(id="odd", version=1, params={"mode": value})])
    result = check(bid, _OneClause(version))
    marked = [f for f in result.blocking if f.status == "模板标记"]
    assert [f.message for f in marked] == [
        f"“t” v1 方式：含有模板标记“{mark}”；填写的值不会作为模板执行，会原样印进文档，请删除"]


def test_clause_editor_shows_the_reason_and_disables_save(lib_root):
    """The clause editor shows why a hostile text is refused, at once and once prefixed, and cannot save it."""
    at = review.library_page("response-time")
    at.text_area(key="edit:response-time:text").set_value("{{ 'a' * 10**9 }}").run()
    at.text_input(key="edit:response-time:note").set_value("x").run()
    assert not at.exception
    assert any("不能使用“*”" in e.value for e in at.error), [e.value for e in at.error]
    assert not any("text: text:" in e.value for e in at.error)
    assert review.save_button(at, "response-time").disabled


_PIECES = ["{{ a }}", "{{ b | number }}", "{{- a -}}", "{% if a %}", "{%- if b -%}", "{% elif b %}", "{% else %}",
           "{% endif %}", "{{ true }}", "{% if not a %}", "x", "{", "}", "%", "#", "{{ a | center }}",
           "{% endif a %}", "{% else b %}", "{% if %}", "{{", "文", "\n", "{% for i in a %}", "{{ a * 2 }}",
           "{{ a > 1 }}", "{# c #}", "{{ a.b }}", "(", ")", "{{ (a) }}"]


_FUZZ_PARAMS = NewVersion(id="x", category="warranty", based_on=0, title="t", text="x", params={
    "a": {"label": "甲", "type": "bool", "default": True},
    "b": {"label": "乙", "type": "duration", "default": "3 month"}}).params


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map("".join))
def test_validator_raises_only_its_own_errors_and_fast_path_is_exact(text):
    """Any text: the validator returns problems, never raises; the regex fast path, where it answers,
    agrees with the parser; an accepted text renders or fails with a LibraryError."""
    found = templating.clause_problems(text, _FUZZ_PARAMS, render_samples=True)
    assert all(isinstance(p, LibraryError) and p.code for p in found)
    simple = templating._simple_names(text)
    if simple is not None:
        names, refused = templating._walk(templating.ENV.parse(text))
        assert (names, refused) == (simple, [])


def test_fast_path_refuses_what_jinja_reads_otherwise():
    """"{{{ x }}", an unclosed if and constants like true are left to the parser."""
    for text in ("{{{ x }}", "{% if a %}{% if b %}{% endif %}", "{{ true }}", "{% else %}", "{% if a %}{% else %}"
                 "{% else %}{% endif %}"):
        assert templating._simple_names(text) is None, text


@pytest.mark.parametrize("value,printed", [("3年", "3"), ("36个月", "36"), ("1.5小时", "1.5"), ("半小时", "0.5")])
def test_the_number_filter_prints_a_number_as_a_bid_writes_it(value, printed):
    """3年 | number is 3 (a bid reads "3年", never "3.0年"); a half stays a decimal."""
    assert templating.render("{{ v | number }}", {"v": parse_quantity(value)}) == printed
