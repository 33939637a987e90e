"""The documented examples of the account, registry policy and template rules hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.findings import Severity
from ecrrepl.lint.registry import get_rule
from ecrrepl.validation import validate_files

RULE_IDS = [
    "E201", "E202", "E203", "W204",
    "E301", "E302", "E303", "E304", "E305", "W306", "W307", "E308", "E309", "I310", "E311",
]  # fmt: skip


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_failing_example_reports_the_rule(rule_id: str, tmp_path: Path) -> None:
    example = get_rule(rule_id).example("Fails")
    assert example is not None
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(example, encoding="utf-8")

    findings = validate_files([str(path)]).findings

    assert [f.rule for f in findings] == [rule_id], [f"{f.rule} {f.message}" for f in findings]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_passing_example_is_clean(rule_id: str, tmp_path: Path) -> None:
    example = get_rule(rule_id).example("Passes")
    assert example is not None
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(example, encoding="utf-8")

    findings = validate_files([str(path)]).findings

    assert [f"{f.rule} {f.message}" for f in findings if f.severity != Severity.INFO] == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_is_documented(rule_id: str) -> None:
    registered = get_rule(rule_id)
    assert registered.check is not None
    assert registered.summary
    assert "https://docs.aws.amazon.com/" in registered.source
    assert len(registered.description) > 80
