"""Shared by the findings-rendering tests: run `ecrrepl` in-process on the case files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.cli import Outcome, invoke

CASES = Path(__file__).parent / "cases"


@pytest.fixture
def run_in_cases(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run the CLI from the cases folder, so that file names in the output are short."""
    monkeypatch.chdir(CASES)
    return invoke
