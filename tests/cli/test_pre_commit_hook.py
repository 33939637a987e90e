"""The pre-commit hook this repository offers runs `ecrrepl validate` on the whole
configuration when a commit changes a part of it."""

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


def test_hook_lints_the_whole_configuration_not_the_changed_files() -> None:
    # A changed file alone is not a configuration: without pass_filenames: false,
    # pre-commit would append the changed files to the entry and validate only those.
    validate_hook = hook()
    assert validate_hook["pass_filenames"] is False
    assert "args" not in validate_hook  # no file: the default, ecrrepl.yaml or ecrrepl/


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("ecrrepl.yaml", True),
        # Not what the default reads: the hook would lint ecrrepl.yaml or ecrrepl/, not
        # them (a project names its own with args and files).
        ("ecrrepl.yml", False),
        ("deploy/ecrrepl-prod.yaml", False),
        ("ecrrepl.json", False),
        ("not-ecrrepl.yaml", False),
        ("ecrrepl/values.yaml", True),
        ("deploy/ecrrepl/registries.yml", False),
        ("ecrrepl/policies/lifecycle.json", True),
        ("myecrrepl/values.yaml", False),
        ("ecrrepl", False),
        ("docker-compose.yaml", False),
    ],
)
def test_hook_selects_ecrrepl_yaml_files(path: str, matches: bool) -> None:
    assert bool(re.search(str(hook()["files"]), path)) is matches
