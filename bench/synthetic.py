"""Synthetic inputs for the benchmarks: a large clause library written the way the real one is."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

CATEGORIES = ("warranty", "response", "repair", "staffing", "training", "spare-parts", "complaints",
              "return-visits", "local-service", "upgrades")
METRIC_PARAMS = (
    ("warranty_period", "质保期", "duration", "36 month", "12 month"),
    ("response_time", "响应时间", "duration", "30 minute", None),
    ("onsite_arrival", "到场时间", "duration", "2 hour", None),
    ("staff_count", "售后人员", "count", "6 person", "1 person"),
)


def _version(clause_id: str, category: str, number: int, metric: tuple) -> dict:
    name, label, kind, default, low = metric
    param = {"label": label, "type": kind, "default": default, "metric": name}
    if low:
        param["min"] = low
    return {
        "id": clause_id, "version": number, "category": category, "title": f"承诺条款{clause_id}",
        "author": "基准", "created": f"2026-10-{number:02d}T10:00:00+08:00", "note": f"第{number}版",
        "params": {name: param, "scope": {"label": "范围", "type": "choice", "choices": ["全部货物", "主要设备"],
                                          "default": "全部货物"}},
        "text": f"我公司对{{{{ scope }}}}承诺：{label}为{{{{ {name} }}}}。\n\n第{number}版补充说明。",
    }


def write_library(root: Path, clauses: int, versions: int) -> Path:
    """Write `clauses` clauses of `versions` versions each (every v1 approved) under root."""
    if root.exists():
        shutil.rmtree(root)
    for order, category in enumerate(CATEGORIES):
        (root / category).mkdir(parents=True)
        (root / category / "_category.yaml").write_text(
            yaml.safe_dump({"title": category, "order": order}), encoding="utf-8")
    for i in range(clauses):
        category = CATEGORIES[i % len(CATEGORIES)]
        clause_id = f"clause-{i:05d}"
        folder = root / category / clause_id
        folder.mkdir()
        for n in range(1, versions + 1):
            data = _version(clause_id, category, n, METRIC_PARAMS[i % len(METRIC_PARAMS)])
            (folder / f"v{n}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
        (folder / "v1.approved.yaml").write_text(yaml.safe_dump(
            {"id": clause_id, "version": 1, "event": "approved", "reviewer": "基准",
             "at": "2026-10-20T10:00:00+08:00"}, allow_unicode=True), encoding="utf-8")
    return root
