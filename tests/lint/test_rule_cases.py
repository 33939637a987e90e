"""Every lint rule's cases, in one format with one loader (as sqlfluff's rule cases).

The cases live next to the rules, in src/ecrrepl/lint/cases/<ID>.yaml; their format
is described in src/ecrrepl/lint/rule_cases.py, which loads them for these tests and
for docs/rules.md alike. Adding a rule means adding its file there: the rules come
from the registry, and each needs a failing and a passing case, one of each marked as
the example its documentation shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.findings import Severity
from ecrrepl.lint.registry import all_rules
from ecrrepl.lint.rule_cases import Case, case_file_ids, documented_example, load_cases
from ecrrepl.validation import validate_files

RULE_IDS = [registered.id for registered in all_rules()]


def _load_cases() -> list[Any]:
    return [
        pytest.param(rule_id, case, id=f"{rule_id}: {case.name}")
        for rule_id in case_file_ids()
        for case in load_cases(rule_id)
    ]


CASES = _load_cases()


def test_every_rule_has_one_case_file() -> None:
    assert case_file_ids() == sorted(RULE_IDS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_failing_and_passing_cases(rule_id: str) -> None:
    outcomes = {bool(case.findings) for case in load_cases(rule_id)}
    assert outcomes == {True, False}, f"{rule_id} needs failing and passing cases"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_documented_examples_are_one_failing_and_one_passing_case(rule_id: str) -> None:
    failing = documented_example(rule_id, "fails")
    passing = documented_example(rule_id, "passes")
    assert failing.findings, "the failing example reports the rule"
    assert passing.findings == (), "the passing example shows the fix"
    for example in (failing, passing):
        assert list(example.files) == ["ecrrepl.yaml"], "an example is one configuration"


def test_loader_refuses_two_examples_of_one_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    twice = [case._replace(example="fails") for case in load_cases("E105")]
    monkeypatch.setattr("ecrrepl.lint.rule_cases.load_cases", lambda rule_id: twice)
    with pytest.raises(ValueError, match=r"E105.yaml marks \d+ cases `example: fails`"):
        documented_example("E105", "fails")


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_passing_example_is_clean(rule_id: str, tmp_path: Path) -> None:
    """Beyond its case's `also`: the example a reader copies has no error or warning."""
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(documented_example(rule_id, "passes").config, encoding="utf-8")
    findings = validate_files([str(path)]).findings
    assert [f"{f.rule} {f.message}" for f in findings if f.severity != Severity.INFO] == []
    assert rule_id not in {f.rule for f in findings}


def test_validate_loads_neither_the_cases_nor_the_docs_code() -> None:
    """The cases are for the tests and docs/rules.md: `validate` keeps its start-up
    budget (README "Development")."""
    example = Path(__file__).resolve().parents[2] / "configs" / "example.yaml"
    code = (
        "import sys\n"
        "from ecrrepl.cli import main\n"
        f"code = main(['validate', {str(example)!r}])\n"
        "unwanted = ('ecrrepl.lint.rule_cases', 'ecrrepl.lint.docs', 'importlib.resources')\n"
        "print(code, sorted(m for m in unwanted if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr


@pytest.mark.parametrize(("rule_id", "case"), CASES)
def test_rule_case(rule_id: str, case: Case, tmp_path: Path) -> None:
    for name, text in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    configs = [str(tmp_path / name) for name in case.files if name.endswith(".yaml")]

    result = validate_files(configs)

    found = [f for f in result.findings if f.rule == rule_id]
    positions = [(Path(f.location.file).name, f.location.line, f.location.column) for f in found]
    wanted = [(e.file, e.line, e.column) for e in case.findings]
    assert positions == wanted, [f"{f.location}: {f.message}" for f in found]
    for finding, expectation in zip(found, case.findings, strict=True):
        # A message that names another file names it as the case does: `ecrrepl.yaml:3`.
        message = finding.message.replace(f"{tmp_path}{os.sep}", "")
        assert expectation.message in message
        assert "\n" not in message
    allowed = {rule_id, *case.also}
    others = [
        f"{f.rule} {f.location}: {f.message}" for f in result.findings if f.rule not in allowed
    ]
    assert others == []
