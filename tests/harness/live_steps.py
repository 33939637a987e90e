"""Steps the live-engine tests take against the estate of harness/lab.py, named once: apply
and keep its backup, edit a saved plan by hand, someone else writing while ecrrepl runs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.cli import Outcome

JsonEdit = Callable[[dict[str, Any]], None]


def apply_and_backup(run: Callable[..., Any], config: str) -> str:
    """Apply `config` (it must succeed); the path of the backup it took."""
    outcome = run("apply", "--yes", config)
    assert outcome.exit_code == 0, outcome.stderr
    found = re.search(r"^Backup of the previous state: (\S+)", outcome.stdout, re.MULTILINE)
    assert found is not None
    return found.group(1)


def edit_json(path: str | Path, change: JsonEdit) -> str:
    """Change a JSON file (a saved plan, a backup) in place, as a person would; its path."""
    data = json.loads(Path(path).read_text())
    change(data)
    Path(path).write_text(json.dumps(data))
    return str(path)


def save_and_edit_plan(run: Callable[..., Any], config: str, change: JsonEdit) -> None:
    """`diff --out plan.json`, then plan.json changed by hand."""
    assert run("diff", "--out", "plan.json", config).exit_code == 0
    edit_json("plan.json", change)


def write_at_the_reread(
    monkeypatch: pytest.MonkeyPatch, module: Any, reader: str, write: Callable[[], None]
) -> list[Any]:
    """Someone else's `write` lands at the second call of `module.reader`: the re-read
    right before ecrrepl writes. The calls so far, to check that it happened."""
    read = getattr(module, reader)
    reads: list[Any] = []

    def read_then_someone_writes(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        if len(reads) == 2:
            write()
        return read(*args, **kwargs)

    monkeypatch.setattr(module, reader, read_then_someone_writes)
    return reads


@dataclass(frozen=True)
class Live:
    """The fixtures of tests/live/conftest.py in one (fixture `live`), for the tests that
    use several: `live.run(...)`, `live.live_state()`, `live.ecr(lab.EU)`, ..."""

    run: Callable[..., Outcome]
    write_file: Callable[[str, str], str]
    ecr: Callable[[tuple[str, str]], Any]
    live_state: Callable[[], dict[tuple[str, str], dict[str, Any]]]
    statements: Callable[[tuple[str, str]], list[dict[str, Any]]]
    backup_files: Callable[[], list[Path]]
    foreign_statement: dict[str, Any]


def backup_by_apply(**sections: Any) -> dict[str, Any]:
    """A backup file as apply writes it (format 3), holding these sections."""
    header = {"format": "ecrrepl-backup", "format_version": 3, "taken_by": "apply"}
    return {**header, "created_at": "2026-12-01T00:00:00Z", **sections}
