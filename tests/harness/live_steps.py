"""Steps the live-engine tests take against the estate of harness/lab.py, named once: apply
and keep its backup, edit a saved plan by hand, someone else writing while ecrrepl runs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
