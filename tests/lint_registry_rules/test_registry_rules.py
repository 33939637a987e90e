"""Registry and replication rules E101..I116, driven by one case file per rule.

Each file under cases/ is named after its rule and holds `fails` and `passes` lists.
A case gives its config as `yaml` (written to ecrrepl.yaml) or as `files` (name ->
text, linted together in that order). A failing case lists in `expect` every finding
of the rule: its `line` and `column` (1-based, as in the file), optionally its `file`
(default ecrrepl.yaml) and a `message` fragment. A passing case must produce no
finding of the rule. Every case must be structurally valid (no E001..E007), so that
what it exercises is the rule and not a typo in the case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ecrrepl.findings import Finding
from ecrrepl.lint.registry import get_rule
from ecrrepl.validation import load_files, validate_files

CASES = Path(__file__).parent / "cases"
RULE_IDS = [
    *("E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E109", "E110"),
    *("W111", "W112", "W113", "W114", "W115", "I116", "E117"),
]
DEFAULT_FILE = "ecrrepl.yaml"


def _case_file(rule_id: str) -> dict[str, Any]:
    data = yaml.safe_load((CASES / f"{rule_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _cases(kind: str) -> list[Any]:
    params = []
    for rule_id in RULE_IDS:
        for number, case in enumerate(_case_file(rule_id)[kind]):
            params.append(pytest.param(rule_id, case, id=f"{rule_id}-{kind}-{number}"))
    return params


def _lint(case: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    files = case["files"] if "files" in case else {DEFAULT_FILE: case["yaml"]}
    monkeypatch.chdir(folder)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    findings = validate_files(list(files)).findings
    structural = [f for f in findings if f.rule.startswith("E0")]
    assert structural == [], "the case itself is malformed"
    return findings


def test_every_rule_has_a_case_file() -> None:
    assert sorted(p.stem for p in CASES.glob("*.yaml")) == sorted(RULE_IDS)


@pytest.mark.parametrize(("rule_id", "case"), _cases("fails"))
def test_failing_case_reports_exactly_the_expected_findings(
    rule_id: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = [f for f in _lint(case, tmp_path, monkeypatch) if f.rule == rule_id]
    expected = case["expect"]
    assert [(f.location.file, f.location.line, f.location.column) for f in found] == [
        (e.get("file", DEFAULT_FILE), e["line"], e["column"]) for e in expected
    ]
    for finding, expectation in zip(found, expected, strict=True):
        assert expectation.get("message", "") in finding.message
        assert finding.message.count("\n") == 0


@pytest.mark.parametrize(("rule_id", "case"), _cases("passes"))
def test_passing_case_reports_nothing_of_the_rule(
    rule_id: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = [f for f in _lint(case, tmp_path, monkeypatch) if f.rule == rule_id]
    assert found == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_docstring_examples_fail_and_pass(
    rule_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = get_rule(rule_id)
    failing = registered.example("Fails")
    passing = registered.example("Passes")
    assert failing is not None and passing is not None
    assert registered.description and registered.source.count("https://") >= 1

    fails_with = _lint({"yaml": failing}, tmp_path, monkeypatch)
    assert rule_id in {f.rule for f in fails_with}
    # The passing example is clean of every rule, not just its own: it shows the fix.
    assert _lint({"yaml": passing}, tmp_path, monkeypatch) == []


def _generated_config(registries: int, rules: int, filters: int) -> str:
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"]
    lines = ["version: 1", "registries:"]
    for number in range(registries):
        region = regions[number % len(regions)]
        account = f"{100000000000 + number}"
        lines += [f'  - account: "{account}"', f"    region: {region}", "    rules:"]
        for rule_number in range(rules):
            prefixes = ", ".join(f"team{rule_number}-svc{f}/" for f in range(filters))
            target = regions[(number + 1 + rule_number % 2) % len(regions)]
            lines += [
                f"      - filters: [{prefixes}]",
                f"        destinations: [{{region: {target}}}]",
            ]
    return "\n".join(lines) + "\n"


def test_rules_are_clean_on_a_large_configuration(tmp_path: Path) -> None:
    """The generated file of the benchmark is clean (its speed is `make bench`'s job)."""
    path = tmp_path / "large.yaml"
    path.write_text(_generated_config(200, 10, 20), encoding="utf-8")
    config = load_files([str(path)]).config
    assert len(config.registries) == 200

    checks = [get_rule(rule_id).check for rule_id in RULE_IDS]
    findings = [finding for check in checks if check is not None for finding in check(config)]

    assert len(checks) == len(RULE_IDS) and None not in checks
    # A clean file is the slow path: every rule sweeps everything, none stops early.
    assert findings == []
