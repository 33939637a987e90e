"""Run `ecrrepl` in-process and capture everything it shows (as yamllint's RunContext)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecrrepl.cli import cli


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        lines = self.stdout.splitlines()
        return lines[-1] if lines else ""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, and an environment that asks for nothing special."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def run_cli(workdir: Path) -> Callable[..., Outcome]:
    def run(*args: str) -> Outcome:
        result = CliRunner().invoke(cli, list(args))
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run
