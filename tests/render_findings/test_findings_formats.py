"""`ecrrepl validate` in every format, on one config with an error, a warning and an info.

The text and json outputs are compared whole with golden files in golden/. When a
change of output is intended (a renderer, or a rule's message), refresh them with

    ECRREPL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/render_findings

and read the diff of golden/ before committing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]  # the run_in_cases fixture: args -> Outcome
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ECRREPL_UPDATE_GOLDEN") == "1"


def assert_matches_golden(actual: str, name: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {name}; run with ECRREPL_UPDATE_GOLDEN=1"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from golden/{name}; if the change is intended, "
        "refresh with ECRREPL_UPDATE_GOLDEN=1 and review the diff"
    )


def test_text_output_matches_golden(run_in_cases: Run) -> None:
    outcome = run_in_cases("validate", "ecrrepl.yaml")
    assert (outcome.exit_code, outcome.stderr) == (1, "")
    assert_matches_golden(outcome.stdout, "validate.txt")


def test_text_output_is_plain_when_not_a_terminal_even_without_no_color(run_in_cases: Run) -> None:
    outcome = run_in_cases("validate", "ecrrepl.yaml")
    assert "\x1b[" not in outcome.stdout


def test_json_output_matches_golden(run_in_cases: Run) -> None:
    outcome = run_in_cases("validate", "--format", "json", "ecrrepl.yaml")
    assert (outcome.exit_code, outcome.stderr) == (1, "")
    assert_matches_golden(outcome.stdout, "validate.json")
    document = json.loads(outcome.stdout)
    assert document["summary"] == {
        "files": 1, "errors": 1, "warnings": 1, "infos": 1, "suppressed": 0,
    }  # fmt: skip


def test_github_output_annotates_each_finding(run_in_cases: Run) -> None:
    outcome = run_in_cases("validate", "--format", "github", "ecrrepl.yaml")
    assert (outcome.exit_code, outcome.stderr) == (1, "")
    commands = [line.split("::")[1] for line in outcome.stdout.splitlines()]
    assert commands == [
        "warning file=ecrrepl.yaml,line=8,col=26,title=W112",
        "error file=ecrrepl.yaml,line=10,col=21,title=E105",
        "notice file=ecrrepl.yaml,line=11,col=9,title=I116",
    ]


def test_every_format_reports_the_same_findings(run_in_cases: Run) -> None:
    document = json.loads(run_in_cases("validate", "--format", "json", "ecrrepl.yaml").stdout)
    from_json = [(f["rule"], f["line"], f["column"]) for f in document["findings"]]
    sarif = json.loads(run_in_cases("validate", "--format", "sarif", "ecrrepl.yaml").stdout)
    from_sarif = [
        (
            result["ruleId"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for result in sarif["runs"][0]["results"]
    ]
    text = run_in_cases("validate", "ecrrepl.yaml").stdout
    from_text = [
        (line.split()[1], *map(int, line.split()[0].split(":")[1:3]))
        for line in text.splitlines()
        if line.startswith("ecrrepl.yaml:")
    ]
    expected = [("W112", 8, 26), ("E105", 10, 21), ("I116", 11, 9)]
    assert from_json == from_sarif == from_text == expected


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_clean_config_in_every_format_exits_0(run_in_cases: Run, output_format: str) -> None:
    outcome = run_in_cases("validate", "--format", output_format, "clean.yaml")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    expected_stdout = {
        "text": "ok: no findings in 1 file\n",
        "github": "",
    }
    if output_format in expected_stdout:
        assert outcome.stdout == expected_stdout[output_format]
    elif output_format == "json":
        assert json.loads(outcome.stdout) == {
            "findings": [],
            "summary": {"files": 1, "errors": 0, "warnings": 0, "infos": 0, "suppressed": 0},
        }
    else:
        assert json.loads(outcome.stdout)["runs"][0]["results"] == []
