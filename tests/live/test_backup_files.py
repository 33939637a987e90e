"""Backup files: written atomically, named so that they sort in the order taken, and read
back to the same backup."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ecrrepl.backup import Backup, backup_from_json, backup_to_json, read_backup, write_backup
from ecrrepl.config.model import (
    AccountAccess,
    CreationTemplate,
    Destination,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.errors import UserError
from harness import models

SOURCE = RegistryAddress("123456789012", "us-west-2")
EU = models.IRELAND

BACKUP = Backup(
    taken_by="apply",
    created_at="2025-01-01T00:00:00Z",
    replication={
        SOURCE: (
            ReplicationRule(
                filters=None,
                destinations=(Destination(account="222222222222", region="eu-west-1"),),
            ),
        )
    },
    registry_policies={EU: None},
    accounts={
        "222222222222": AccountAccess(
            account="222222222222", role_arn="arn:aws:iam::222222222222:role/ecrrepl"
        )
    },
    owned_sids=frozenset({"Ecrrepl123456789012uswest2"}),
    sources=(SOURCE,),
    replication_written={SOURCE: ()},
    statements_written={
        EU: (
            {
                "Sid": "Ecrrepl123456789012uswest2",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
                "Resource": ["arn:aws:ecr:eu-west-1:222222222222:repository/*"],
            },
        )
    },
)


def test_backups_taken_in_one_second_sort_in_the_order_taken(tmp_path: Path) -> None:
    names = [write_backup(BACKUP, str(tmp_path)).name for _ in range(3)]

    assert names == [
        "20250101T000000Z-apply.json",
        "20250101T000000Z.02-apply.json",
        "20250101T000000Z.03-apply.json",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == names


def test_a_backup_reads_back_equal(tmp_path: Path) -> None:
    path = write_backup(BACKUP, str(tmp_path / "new" / "folder"))

    assert read_backup(str(path)) == BACKUP


def test_a_backup_with_templates_reads_back_equal(tmp_path: Path) -> None:
    written = CreationTemplate(account=EU.account, region=EU.region, prefix="prod")
    older = CreationTemplate(
        account=EU.account, region=EU.region, prefix="prod", description="before apply"
    )
    backup = dataclasses.replace(
        BACKUP,
        templates={(EU, "prod"): older, (EU, "team"): None},
        templates_written={(EU, "prod"): written, (EU, "team"): None},
    )

    assert read_backup(str(write_backup(backup, str(tmp_path)))) == backup


def test_without_a_list_of_owned_sids_ecrrepl_owns_the_sids_of_its_naming_scheme() -> None:
    backup = dataclasses.replace(BACKUP, owned_sids=None)

    assert backup.owns_sid("Ecrrepl123456789012uswest2")
    assert backup.owns_sid("Ecrrepl999999999999apsoutheast1")
    assert not backup.owns_sid("EcrreplTeamStatement")
    assert not backup.owns_sid(None)
    assert not BACKUP.owns_sid("Ecrrepl999999999999apsoutheast1")


def test_a_backup_file_without_a_list_of_owned_sids_is_refused() -> None:
    # Every backup ecrrepl writes lists them; without the list, restore could not tell
    # which registries the backup's apply wrote.
    data = backup_to_json(BACKUP)
    del data["owned_sids"]

    with pytest.raises(UserError) as raised:
        backup_from_json(data, "backup.json")

    assert raised.value.message == (
        "backup.json is not a usable backup: it has no owned_sids (every backup ecrrepl writes "
        "lists the statements it owns)"
    )
