"""Every lint rule's cases, in one format with one loader (as sqlfluff's rule cases).

Each file under cases/ is named after its rule and holds that rule's cases:

    rule: E201
    cases:
      - name: what the case shows
        config: |              # written to ecrrepl.yaml; or `files:` {name: text, ...}
          version: 1
          ...
        findings:              # exactly this rule's findings, in order ([] = passes)
          - {line: 4, column: 15, message: "a part of the message", file: ecrrepl.yaml}
        also: [W204]           # other rules this config may trigger (default: none at all)

`file` defaults to ecrrepl.yaml and `message` is optional. Files whose name ends in
.yaml are the configuration, linted together in the order given; other files (JSON
policies) are only written next to them. `${x*N}` in a text stands for the character x
repeated N times, for size limits. Adding a rule means adding its file here: the rules
come from the registry, and each needs a failing and a passing case.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecrrepl.lint.registry import all_rules
from ecrrepl.validation import validate_files

CASES_DIR = Path(__file__).parent / "cases"
REPEAT = re.compile(r"\$\{(.)\*(\d+)\}")
DEFAULT_FILE = "ecrrepl.yaml"
# The rules with a check function; E001..E007 come from the loader (tests/config).
CHECKED_RULES = sorted(registered.id for registered in all_rules() if registered.check)


def _expand(text: str) -> str:
    return REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)


def _load_cases() -> list[Any]:
    params = []
    for case_file in sorted(CASES_DIR.glob("*.yaml")):
        table = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        assert table["rule"] == case_file.stem, f"{case_file.name} holds {table['rule']}'s cases"
        for case in table["cases"]:
            params.append(pytest.param(table["rule"], case, id=f"{table['rule']}: {case['name']}"))
    return params


CASES = _load_cases()


def test_every_checked_rule_has_failing_and_passing_cases() -> None:
    assert sorted({param.values[0] for param in CASES}) == CHECKED_RULES
    for rule_id in CHECKED_RULES:
        outcomes = {bool(p.values[1]["findings"]) for p in CASES if p.values[0] == rule_id}
        assert outcomes == {True, False}, f"{rule_id} needs failing and passing cases"


@pytest.mark.parametrize(("rule_id", "case"), CASES)
def test_rule_case(rule_id: str, case: dict[str, Any], tmp_path: Path) -> None:
    files: dict[str, str] = case.get("files") or {DEFAULT_FILE: case["config"]}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(_expand(text), encoding="utf-8")
    configs = [str(tmp_path / name) for name in files if name.endswith(".yaml")]

    result = validate_files(configs)

    found = [f for f in result.findings if f.rule == rule_id]
    expected = case["findings"]
    positions = [(Path(f.location.file).name, f.location.line, f.location.column) for f in found]
    wanted = [(e.get("file", DEFAULT_FILE), e["line"], e["column"]) for e in expected]
    assert positions == wanted, [f"{f.location}: {f.message}" for f in found]
    for finding, expectation in zip(found, expected, strict=True):
        # A message that names another file names it as the case does: `ecrrepl.yaml:3`.
        message = finding.message.replace(f"{tmp_path}{os.sep}", "")
        assert expectation.get("message", "") in message
        assert "\n" not in message
    allowed = {rule_id, *case.get("also", [])}
    others = [
        f"{f.rule} {f.location}: {f.message}" for f in result.findings if f.rule not in allowed
    ]
    assert others == []
