"""Backups are private files that never go through a symlink, and the confirmation of a
restore shows every document it will write, from the backup and the live state."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecrrepl.backup import Backup, write_backup

BACKUP = Backup(taken_by="apply", created_at="2026-12-01T00:00:00Z", owned_sids=frozenset())


def test_a_backup_is_private(tmp_path: Path) -> None:
    path = write_backup(BACKUP, str(tmp_path / "backups"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "backups").st_mode) == 0o700


def test_a_symlink_planted_at_the_backup_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "20261201T000000Z-apply.json").symlink_to(victim)

    path = write_backup(BACKUP, str(tmp_path))

    assert path.name == "20261201T000000Z.02-apply.json"
    assert victim.read_text() == "keep me"
    assert (tmp_path / "20261201T000000Z-apply.json").is_symlink()


def test_a_backup_folder_may_be_a_symlink_to_a_folder(tmp_path: Path) -> None:
    # Chosen, not incidental: the user names the folder (a backup disk mounted elsewhere,
    # say); the file in it is still created new and private.
    (tmp_path / "disk").mkdir()
    (tmp_path / "backups").symlink_to(tmp_path / "disk")

    path = write_backup(BACKUP, str(tmp_path / "backups"))

    stored = tmp_path / "disk" / path.name
    assert stored.is_file() and not stored.is_symlink()
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    for _ in range(3):
        write_backup(BACKUP, str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "20261201T000000Z-apply.json",
        "20261201T000000Z.02-apply.json",
        "20261201T000000Z.03-apply.json",
    ]


def test_the_restore_confirmation_shows_what_is_written(
    aws: None, config_file: str, reduced_config_file: str, run: Callable[..., Any]
) -> None:
    assert run("apply", "--yes", config_file).exit_code == 0
    reduced = run("apply", "--yes", reduced_config_file)
    found = re.search(r"^Backup of the previous state: (\S+)", reduced.stdout, re.MULTILINE)
    assert found is not None

    outcome = run("restore", "--yes", found.group(1))

    assert outcome.exit_code == 0, outcome.stderr
    shown = outcome.stdout.split("What will be written:\n", 1)[1].split("Backup of")[0]
    assert shown == (
        "  replication configuration of 123456789012/us-west-2:\n"
        '      rule #1: repositories starting with "prod/", "base-" → us-east-1 '
        "(123456789012), eu-west-1 (222222222222)\n"
        "      rule #2: every repository → us-east-2 (333333333333)\n"
        "  ecrrepl's statements in the registry policy of 222222222222/eu-west-1:\n"
        "      + Ecrrepl123456789012uswest2: Allow arn:aws:iam::123456789012:root to "
        "ecr:CreateRepository, ecr:ReplicateImage on "
        "arn:aws:ecr:eu-west-1:222222222222:repository/base-*, "
        "arn:aws:ecr:eu-west-1:222222222222:repository/prod/*\n"
        "  ecrrepl's statements in the registry policy of 333333333333/us-east-2:\n"
        "      + Ecrrepl123456789012uswest2: Allow arn:aws:iam::123456789012:root to "
        "ecr:CreateRepository, ecr:ReplicateImage on "
        "arn:aws:ecr:us-east-2:333333333333:repository/*\n"
    )
