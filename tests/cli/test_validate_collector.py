"""`validate` pauses the cyclic garbage collector while it works, and only then.

Loading, linting and rendering a file of 100,000 rules makes millions of small objects
in no cycle; the collector would walk them again and again (scripts/bench.py hostile).
"""

from __future__ import annotations

import gc
import io
from collections.abc import Collection, Sequence
from pathlib import Path

import pytest

from ecrrepl.commands import validate as validate_command
from ecrrepl.validation import ValidationResult, validate_files

CONFIG = """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules: [{filters: [prod/], destinations: [{region: us-est-1}]}]
"""


def test_the_collector_is_paused_while_validating_and_running_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(CONFIG)
    seen: list[bool] = []

    def spying(paths: Sequence[str], ignore: Collection[str] = ()) -> ValidationResult:
        seen.append(gc.isenabled())
        return validate_files(paths, ignore)

    monkeypatch.setattr(validate_command, "validate_files", spying)
    out = io.StringIO()
    assert gc.isenabled()
    assert validate_command.validate([str(path)], out=out) == 1
    assert seen == [False]
    assert gc.isenabled()
    assert "E105" in out.getvalue()


def test_the_collector_runs_again_when_validating_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(paths: Sequence[str], ignore: Collection[str] = ()) -> ValidationResult:
        raise OSError("disk gone")

    monkeypatch.setattr(validate_command, "validate_files", failing)
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(CONFIG)
    with pytest.raises(OSError, match="disk gone"):
        validate_command.validate([str(path)], out=io.StringIO())
    assert gc.isenabled()


def test_a_collector_already_paused_stays_paused(tmp_path: Path) -> None:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(CONFIG)
    gc.disable()
    try:
        validate_command.validate([str(path)], out=io.StringIO())
        assert not gc.isenabled()
    finally:
        gc.enable()
