"""`restore` deletes or puts back a creation template only while it is still what the
backup's run wrote: a backup file proves nothing by itself, so an entry added by hand
(`prefix: null`) for someone else's template, or a template someone changed after
apply, is refused with the reason and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import lab
from harness.live_steps import Live, apply_and_backup

EU_KEY = "222222222222/eu-west-1"
WITH_TEMPLATE = (
    lab.CONFIG
    + """\
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    description: Settings for replicated prod repositories
"""
)


@pytest.fixture
def template_config(write_file: Callable[[str, str], str]) -> str:
    return write_file("ecrrepl.yaml", WITH_TEMPLATE)


def templates(ecr: Callable[[tuple[str, str]], Any]) -> dict[str, str | None]:
    """Each template of 222222222222/eu-west-1 by prefix: its description."""
    found = ecr(lab.EU).describe_repository_creation_templates()["repositoryCreationTemplates"]
    return {t["prefix"]: t.get("description") for t in found}


def test_restore_deletes_the_template_apply_created_and_its_backup_puts_it_back(
    aws: None, template_config: str, live: Live
) -> None:
    before = live.live_state()
    backup = apply_and_backup(live.run, template_config)
    assert templates(live.ecr) == {"prod": "Settings for replicated prod repositories"}
    written = json.loads(Path(backup).read_text())
    assert written["format_version"] == 3
    assert written["templates"] == {EU_KEY: {"prod": None}}
    assert written["templates_written"] == {
        EU_KEY: {
            "prod": {
                "prefix": "prod",
                "appliedFor": ["REPLICATION"],
                "description": "Settings for replicated prod repositories",
            }
        }
    }

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert f"  creation template 'prod' in {EU_KEY}: deleted\n" in outcome.stdout
    assert live.live_state() == before
    # The backup restore took records that it deleted the template: restoring that
    # backup creates it again.
    undo = apply_and_backup(live.run, template_config)  # re-applies; a new template
    assert live.run("restore", "--yes", undo).exit_code == 0
    assert templates(live.ecr) == {}
    restore_backup = sorted((Path(".ecrrepl") / "backups").glob("*-restore.json"))[-1]
    data = json.loads(restore_backup.read_text())
    assert data["templates_written"] == {EU_KEY: {"prod": None}}
    again = live.run("restore", "--yes", str(restore_backup))
    assert (again.exit_code, again.stderr) == (0, "")
    assert templates(live.ecr) == {"prod": "Settings for replicated prod repositories"}


def test_a_null_entry_added_by_hand_does_not_delete_someone_elses_template(
    aws: None, template_config: str, live: Live
) -> None:
    live.ecr(lab.EU).create_repository_creation_template(
        prefix="team", appliedFor=["REPLICATION"], description="the team's own"
    )
    backup = apply_and_backup(live.run, template_config)
    data = json.loads(Path(backup).read_text())
    # The tamperer claims apply created 'team' (and guesses what it wrote).
    data["templates"][EU_KEY]["team"] = None
    data["templates_written"][EU_KEY]["team"] = {"prefix": "team", "appliedFor": ["REPLICATION"]}
    Path(backup).write_text(json.dumps(data))
    after_apply, taken = live.live_state(), len(live.backup_files())

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        "ecrrepl: error: restore refused, nothing was written: the creation template 'team' "
        "in account 222222222222, region eu-west-1 was changed (description) since apply "
        "wrote it, so restore does not delete it. Set these templates by hand, or remove "
        'them from the backup\'s "templates" and "templates_written" to restore the rest\n'
    )
    assert live.live_state() == after_apply
    assert templates(live.ecr)["team"] == "the team's own"
    assert len(live.backup_files()) == taken


def test_a_null_entry_without_a_record_of_what_was_written_is_refused_on_reading(
    aws: None, template_config: str, live: Live
) -> None:
    live.ecr(lab.EU).create_repository_creation_template(prefix="team", appliedFor=["REPLICATION"])
    backup = apply_and_backup(live.run, template_config)
    data = json.loads(Path(backup).read_text())
    data["templates"][EU_KEY]["team"] = None
    Path(backup).write_text(json.dumps(data))
    after_apply = live.live_state()

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        f"ecrrepl: error: {backup} is not a usable backup: template 'team' of {EU_KEY} is "
        "missing from templates_written\n"
    )
    assert live.live_state() == after_apply


def _change_description(ecr: Callable[[tuple[str, str]], Any]) -> None:
    ecr(lab.EU).update_repository_creation_template(
        prefix="prod", appliedFor=["REPLICATION"], description="changed by hand"
    )


def _delete(ecr: Callable[[tuple[str, str]], Any]) -> None:
    ecr(lab.EU).delete_repository_creation_template(prefix="prod")


@pytest.mark.parametrize(
    ("existed_before", "change", "reason"),
    [
        (
            False,
            _change_description,
            "was changed (description) since apply wrote it, so restore does not delete it",
        ),
        (
            True,
            _change_description,
            "was changed (description) since apply wrote it, so "
            "restore does not put the backed-up one back",
        ),
        (
            True,
            _delete,
            "was deleted since apply wrote it, so restore does not put the backed-up one back",
        ),
    ],
)
def test_a_template_changed_after_apply_is_left_as_it_is(
    existed_before: bool,
    change: Callable[[Callable[[tuple[str, str]], Any]], None],
    reason: str,
    aws: None,
    template_config: str,
    live: Live,
) -> None:
    if existed_before:
        live.ecr(lab.EU).create_repository_creation_template(
            prefix="prod", appliedFor=["REPLICATION"], description="before apply"
        )
    backup = apply_and_backup(live.run, template_config)
    change(live.ecr)
    changed = live.live_state()

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr.startswith(
        "ecrrepl: error: restore refused, nothing was written: the creation template 'prod' "
        f"in account 222222222222, region eu-west-1 {reason}. "
    )
    # Nothing at all was written: not the template, not the replication rules either.
    assert live.live_state() == changed
