"""The pre-commit hook this repository offers runs `ecrrepl validate` on ecrrepl configs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

HOOKS = Path(__file__).parents[2] / ".pre-commit-hooks.yaml"


def hook() -> dict[str, object]:
    (validate_hook,) = yaml.safe_load(HOOKS.read_text())
    assert isinstance(validate_hook, dict)
    return validate_hook


def test_hook_runs_validate_in_a_python_environment() -> None:
    validate_hook = hook()
    assert validate_hook["id"] == "ecrrepl-validate"
    assert validate_hook["entry"] == "ecrrepl validate"
    assert validate_hook["language"] == "python"


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("ecrrepl.yaml", True),
        ("ecrrepl.yml", True),
        ("deploy/ecrrepl-prod.yaml", True),
        ("ecrrepl.json", False),
        ("not-ecrrepl.yaml", False),
        ("ecrrepl/values.yaml", False),
        ("docker-compose.yaml", False),
    ],
)
def test_hook_selects_ecrrepl_yaml_files(path: str, matches: bool) -> None:
    assert bool(re.search(str(hook()["files"]), path)) is matches
