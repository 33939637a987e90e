"""Table-driven tests for the account, registry policy and template rules (E201..W315).

Each file under cases/ holds one rule's cases:

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
.yaml are the configuration; other files (JSON policies) are only written next to it.
`${x*N}` in a text stands for the character x repeated N times, for size limits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecrrepl.validation import validate_files

CASES_DIR = Path(__file__).parent / "cases"
REPEAT = re.compile(r"\$\{(.)\*(\d+)\}")


def _expand(text: str) -> str:
    return REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)


def _load_cases() -> list[Any]:
    params = []
    for case_file in sorted(CASES_DIR.glob("*.yaml")):
        table = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        for case in table["cases"]:
            params.append(pytest.param(table["rule"], case, id=f"{table['rule']}: {case['name']}"))
    return params


CASES = _load_cases()


def test_every_rule_of_this_family_has_cases() -> None:
    ruled = {param.values[0] for param in CASES}
    assert ruled == {
        "E201", "E202", "E203", "W204",
        "E301", "E302", "E303", "E304", "E305", "W306", "W307", "E308", "E309", "I310", "E311",
        "E312", "E313", "E314", "W315",
    }  # fmt: skip
    for rule_id in ruled:
        outcomes = [bool(p.values[1]["findings"]) for p in CASES if p.values[0] == rule_id]
        assert True in outcomes and False in outcomes, f"{rule_id} needs failing and passing cases"


@pytest.mark.parametrize(("rule_id", "case"), CASES)
def test_rule_case(rule_id: str, case: dict[str, Any], tmp_path: Path) -> None:
    files: dict[str, str] = case.get("files") or {"ecrrepl.yaml": case["config"]}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(_expand(text), encoding="utf-8")
    configs = [str(tmp_path / name) for name in files if name.endswith(".yaml")]

    result = validate_files(configs)

    found = [f for f in result.findings if f.rule == rule_id]
    expected = case["findings"]
    positions = [(Path(f.location.file).name, f.location.line, f.location.column) for f in found]
    wanted = [(e.get("file", "ecrrepl.yaml"), e["line"], e["column"]) for e in expected]
    assert positions == wanted, [f"{f.location}: {f.message}" for f in found]
    for finding, expectation in zip(found, expected, strict=True):
        assert expectation.get("message", "") in finding.message
    allowed = {rule_id, *case.get("also", [])}
    others = [
        f"{f.rule} {f.location}: {f.message}" for f in result.findings if f.rule not in allowed
    ]
    assert others == []
