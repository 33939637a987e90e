"""Every rule documents itself, and the examples its documentation shows behave: the
failing one reports the rule, the passing one (which shows the fix) is clean. The rules
come from the registry; docs/rules.md renders the same docstrings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.findings import Severity
from ecrrepl.lint.registry import all_rules, get_rule
from ecrrepl.validation import validate_files

RULE_IDS = [registered.id for registered in all_rules()]


def _lint(example: str | None, path: Path) -> list[str]:
    assert example is not None, "the docstring shows a failing and a passing example"
    path.write_text(example, encoding="utf-8")
    return [f"{f.rule} {f.message}" for f in validate_files([str(path)]).findings]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_documents_itself(rule_id: str) -> None:
    documented = get_rule(rule_id)
    assert documented.summary and documented.source
    assert len(documented.description) > 40, "say what the rule catches and why"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_failing_example_reports_the_rule(rule_id: str, tmp_path: Path) -> None:
    found = _lint(get_rule(rule_id).example("Fails"), tmp_path / "ecrrepl.yaml")
    assert rule_id in {finding.split()[0] for finding in found}, found


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_passing_example_is_clean(rule_id: str, tmp_path: Path) -> None:
    path = tmp_path / "ecrrepl.yaml"
    example = get_rule(rule_id).example("Passes")
    assert example is not None
    path.write_text(example, encoding="utf-8")
    findings = validate_files([str(path)]).findings
    assert [f"{f.rule} {f.message}" for f in findings if f.severity != Severity.INFO] == []
    assert rule_id not in {f.rule for f in findings}
