"""One reading of a tender gives its requirements, forms and scoring rules; `bidkit extract` prints
the rules after the requirements and forms (`scoring_rules`)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bidkit.extract import extract_scoring, extract_text, text_blocks
from bidkit.extract.forms import extract_tender_text
from bidkit.model import MAX_SCORING_RULES

ROOT = Path(__file__).resolve().parent.parent
PASSAGE = ROOT / "tests" / "extract_passages" / "13.txt"


def test_one_reading_gives_the_requirements_and_the_scoring_rules():
    text = PASSAGE.read_text(encoding="utf-8")
    found = extract_tender_text(text)
    assert found.requirements == extract_text(text)
    assert found.scoring_rules == extract_scoring(text_blocks(text.splitlines()))
    assert [r.factor for r in found.scoring_rules] == ["质保期", "响应时间", "驻场人员"]


def test_a_tender_of_endless_scoring_rows_keeps_the_first_rules_up_to_the_limit():
    part = "\n".join(f"({n})质保期（3分）：免费维护期3年的得1分，每增加1年加1分，最高3分" for n in range(1, 60))
    tender = "\n".join(f"3.{k} 评分细则\n{part}" for k in range(1, 6))  # 295 rules
    assert len(extract_tender_text(tender).scoring_rules) == MAX_SCORING_RULES


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_extract_prints_the_scoring_rules(fmt):
    out = subprocess.run([sys.executable, "-m", "bidkit", "extract", str(PASSAGE), "--format", fmt], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    rules = data["scoring_rules"]
    assert list(data) == ["requirements", "scoring_rules"]
    assert [(r["kind"], r["metric"], r["max_points"]) for r in rules] == [
        ("increment", "warranty_period", 3.0), ("tiers", "response_time", 2.0), ("count", "staff_count", 2.0)]
    assert rules[1]["tiers"][0] == {"op": "<=", "value": 5.0, "unit": "minute", "points": 2.0}
    assert rules[0]["where"] == {"file": "13.txt", "line": 10}
