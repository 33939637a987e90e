"""Shared by the findings-rendering tests: run `ecrrepl` in-process on the case files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecrrepl.cli import cli

CASES = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class Outcome:
    """Everything a run shows: exit code, stdout and stderr (as yamllint's RunContext)."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_in_cases(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run the CLI from the cases folder, so that file names in the output are short."""
    monkeypatch.chdir(CASES)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args: str) -> Outcome:
        result = CliRunner().invoke(cli, list(args))
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run
