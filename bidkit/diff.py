"""What changed between two versions of a clause: its text, character by character, and its parameters.

Chinese has no spaces, so a word diff shows whole sentences as changed; diff-match-patch diffs
characters and then merges trivial fragments so the change reads as a reviewer would mark it.
Parameter changes are listed in plain words (质保期 default 24个月 → 36个月).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

from diff_match_patch import diff_match_patch

from bidkit.compose import Chapter, Heading, Paragraph, Tracked
from bidkit.errors import QuantityError
from bidkit.model import ClauseVersion, ParamSpec
from bidkit.quantity import Quantity, ServiceHours, parse_value

Op = Literal["equal", "insert", "delete"]
_OPS = {diff_match_patch.DIFF_EQUAL: "equal", diff_match_patch.DIFF_INSERT: "insert",
        diff_match_patch.DIFF_DELETE: "delete"}
SPEC_FIELDS = ("label", "type", "default", "min", "max", "choices", "metric", "help")
FIELD_NAMES = {"label": "名称", "type": "类型", "default": "默认值", "min": "下限", "max": "上限",
               "choices": "选项", "metric": "对应指标", "help": "说明"}


@dataclass(frozen=True)
class TextChange:
    op: Op
    text: str


@dataclass(frozen=True)
class ParamChange:
    param: str
    label: str
    kind: Literal["added", "removed", "changed"]
    field: str | None
    before: Any
    after: Any

    @property
    def message(self) -> str:
        if self.kind == "added":
            return f"参数“{self.label}”（{self.param}）新增：{_spec_summary(self.after)}"
        if self.kind == "removed":
            return f"参数“{self.label}”（{self.param}）删除"
        if self.field == "choices":
            added = [c for c in self.after or [] if c not in (self.before or [])]
            removed = [c for c in self.before or [] if c not in (self.after or [])]
            parts = [f"新增选项 {'、'.join(added)}"] if added else []
            parts += [f"删除选项 {'、'.join(removed)}"] if removed else []
            return f"{self.label} 选项：" + ("；".join(parts) or "顺序调整")
        what = f"{self.label} {FIELD_NAMES.get(self.field, self.field)}"
        if self.before is None:
            return f"{what}：新增 {_shown(self.field, self.after)}"
        if self.after is None:
            return f"{what}：删除（原为 {_shown(self.field, self.before)}）"
        return f"{what}：{_shown(self.field, self.before)} → {_shown(self.field, self.after)}"


def _quantity(field_name: str | None, value: Any) -> Quantity | ServiceHours | None:
    if field_name in ("default", "min", "max") and isinstance(value, (str, int, float)):
        try:
            return parse_value(str(value))
        except QuantityError:
            return None
    return None


def _shown(field_name: str | None, value: Any) -> str:
    """Quantities as a reader writes them (36个月), other values as they are."""
    quantity = _quantity(field_name, value)
    return quantity.format() if quantity is not None else str(value)


def _spec_summary(spec: ParamSpec) -> str:
    parts = [spec.type]
    if spec.default is not None:
        parts.append(f"默认 {_shown('default', spec.default)}")
    if spec.metric:
        parts.append(f"指标 {spec.metric}")
    return "，".join(parts)


@dataclass
class VersionDiff:
    clause_id: str
    old: ClauseVersion
    new: ClauseVersion
    text: list[TextChange] = field(default_factory=list)
    title: list[TextChange] = field(default_factory=list)
    params: list[ParamChange] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.clause_id, "from": self.old.version, "to": self.new.version,
                "note": self.new.note,
                "title": [{"op": c.op, "text": c.text} for c in self.title],
                "text": [{"op": c.op, "text": c.text} for c in self.text],
                "params": [{"param": p.param, "kind": p.kind, "field": p.field,
                            "before": _plain(p.before), "after": _plain(p.after), "message": p.message}
                           for p in self.params]}

    def to_text(self) -> str:
        """A terminal-friendly diff: deletions in [-…-], insertions in {+…+}."""
        def marked(changes: list[TextChange]) -> str:
            return "".join(c.text if c.op == "equal" else (f"[-{c.text}-]" if c.op == "delete" else f"{{+{c.text}+}}")
                           for c in changes)
        lines = [f"{self.clause_id} v{self.old.version} → v{self.new.version}"
                 + (f"  ({self.new.note})" if self.new.note else "")]
        if any(c.op != "equal" for c in self.title):
            lines.append(f"标题：{marked(self.title)}")
        lines.append(marked(self.text).rstrip("\n"))
        if self.params:
            lines.append("参数变化：")
            lines += [f"  - {p.message}" for p in self.params]
        elif self.old.params or self.new.params:
            lines.append("参数无变化")
        return "\n".join(lines)

    def to_html(self) -> str:
        """Side by side: the old text with deletions marked, the new with insertions marked."""
        def side(keep: str) -> str:
            out = []
            for c in self.text:
                if c.op == "equal":
                    out.append(escape(c.text))
                elif c.op == keep:
                    tag = "del" if keep == "delete" else "ins"
                    out.append(f"<{tag}>{escape(c.text)}</{tag}>")
            return "".join(out).replace("\n", "<br>")
        params = "".join(f"<li>{escape(p.message)}</li>" for p in self.params) or "<li>参数无变化</li>"
        return (f'<style>{DIFF_CSS}</style><div class="bidkit-diff">'
                f"<h4>“{escape(self.new.title)}” v{self.old.version} → v{self.new.version}"
                f"{' · ' + escape(self.new.note) if self.new.note else ''}</h4>"
                f'<table><thead><tr><th>v{self.old.version} · {escape(self.old.title)}</th>'
                f"<th>v{self.new.version} · {escape(self.new.title)}</th></tr></thead>"
                f'<tbody><tr><td>{side("delete")}</td><td>{side("insert")}</td></tr></tbody></table>'
                f"<ul>{params}</ul></div>")


DIFF_CSS = """
.bidkit-diff table{border-collapse:collapse;width:100%;table-layout:fixed}
.bidkit-diff th,.bidkit-diff td{border:1px solid #bbb;padding:8px;vertical-align:top;line-height:1.7;
  font-family:"Noto Serif CJK SC","SimSun",serif;word-break:break-all}
.bidkit-diff th{background:#f4f4f4;text-align:left}
.bidkit-diff del{background:#ffd7d5;color:#82071e;text-decoration:line-through}
.bidkit-diff ins{background:#ccffd8;color:#055d20;text-decoration:none}
"""


def _plain(value: Any) -> Any:
    return value.model_dump(exclude_none=True) if isinstance(value, ParamSpec) else value


def text_changes(old: str, new: str) -> list[TextChange]:
    """Character-level changes, cleaned up so they read as whole phrases."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    return [TextChange(_OPS[op], text) for op, text in diffs if text]


def param_changes(old: dict[str, ParamSpec], new: dict[str, ParamSpec]) -> list[ParamChange]:
    changes = []
    for name, spec in old.items():
        if name not in new:
            changes.append(ParamChange(name, spec.label, "removed", None, spec, None))
    for name, spec in new.items():
        before = old.get(name)
        if before is None:
            changes.append(ParamChange(name, spec.label, "added", None, None, spec))
            continue
        for field_name in SPEC_FIELDS:
            a, b = getattr(before, field_name), getattr(spec, field_name)
            if _normal(field_name, a) != _normal(field_name, b):
                changes.append(ParamChange(name, spec.label, "changed", field_name, a, b))
    return changes


def _normal(field_name: str, value: Any) -> Any:
    """36 month and 3 year are the same default: compare quantities by what they mean."""
    quantity = _quantity(field_name, value)
    if isinstance(quantity, Quantity):
        return quantity.family(), quantity.magnitude()
    return str(quantity) if quantity is not None else value


def diff_versions(old: ClauseVersion, new: ClauseVersion) -> VersionDiff:
    return VersionDiff(old.id, old, new, text_changes(old.text, new.text), text_changes(old.title, new.title),
                       param_changes(old.params, new.params))


def redline_chapter(diff: VersionDiff) -> Chapter:
    """The change as a document: the new text with Word tracked changes against the old one."""
    new, old = diff.new, diff.old
    blocks: list = [
        Heading(0, "", f"条款修订对照：{new.title}"),
        Paragraph(f"条款 {diff.clause_id}：v{old.version}（{old.author}，{old.created:%Y-%m-%d}）→ "
                  f"v{new.version}（{new.author}，{new.created:%Y-%m-%d}）。"
                  + (f"修订说明：{new.note}" if new.note else "")),
        Heading(1, "一、", "条款正文"),
        Tracked(tuple((c.op, c.text) for c in diff.text), new.author, new.created.isoformat(timespec="seconds")),
        Heading(1, "二、", "参数变化"),
    ]
    blocks += [Paragraph(p.message) for p in diff.params] or [Paragraph("参数无变化。")]
    return Chapter(title=f"{new.title} 修订对照", project=f"{new.title}（{diff.clause_id}）", project_number="",
                   blocks=blocks, running=f"条款修订对照：{new.title}（{diff.clause_id}）  "
                                          f"v{old.version} → v{new.version}")
