"""Run `ecrrepl` in-process and capture everything it shows (as yamllint's RunContext)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.cli import Outcome, invoke


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (the environment asks for nothing special: tests/conftest.py)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def run_cli(workdir: Path) -> Callable[..., Outcome]:
    return invoke
