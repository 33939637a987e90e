"""Backups of a configuration with `owner:`: `owned_sids` holds its registries' Sids and
the owner's marker, and restore accepts a merged statement only as ecrrepl writes it:
the backup's source accounts as principals, the two actions, that destination's
repositories, and the Sid its owner and content give."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from ecrrepl.backup import backup_from_json
from ecrrepl.errors import UserError
from ecrrepl.policy import merged_sid, owns_statement

ROOTS = ["arn:aws:iam::123456789012:root", "arn:aws:iam::444444444444:root"]
RESOURCES = ["arn:aws:ecr:eu-west-1:222222222222:repository/prod/*"]
SID = merged_sid("platform", ROOTS, RESOURCES)
MERGED = {
    "Sid": SID,
    "Effect": "Allow",
    "Principal": {"AWS": ROOTS},
    "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
    "Resource": RESOURCES,
}
OWNED = ["Ecrrepl123456789012uswest2", "Ecrrepl444444444444uswest2", "EcrreplPlatformG*"]
GOOD: dict[str, Any] = {
    "format": "ecrrepl-backup",
    "format_version": 2,
    "taken_by": "apply",
    "created_at": "2026-12-01T00:00:00Z",
    "accounts": {},
    "replication": {},
    "registry_policies": {
        "222222222222/eu-west-1": {"Version": "2012-10-17", "Statement": [MERGED]}
    },
    "templates": {},
    "templates_written": {},
    "owned_sids": OWNED,
}


def test_a_backup_with_an_owners_merged_statement_is_accepted() -> None:
    backup = backup_from_json(copy.deepcopy(GOOD), "backup.json")

    assert backup.owned_sids == frozenset(OWNED)
    assert backup.owns_sid(SID)
    assert not backup.owns_sid(merged_sid("other", ROOTS, RESOURCES))


def _statement(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["registry_policies"]["222222222222/eu-west-1"]["Statement"][0][key] = value

    return change


def _owned(value: list[str]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["owned_sids"] = value

    return change


WHERE = f"registry policy of 222222222222/eu-west-1, statement {SID}"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            _statement("Principal", {"AWS": [*ROOTS, "arn:aws:iam::999999999999:root"]}),
            f"{WHERE}: the principals must be the roots of source accounts of the backup",
        ),
        (
            _statement("Principal", {"AWS": "*"}),
            f"{WHERE}: the principals must be the roots",
        ),
        (
            _statement("Resource", ["arn:aws:ecr:eu-west-1:222222222222:repository/*"]),
            f"{WHERE}: the Sid is not the one ecrrepl gives this statement",
        ),
        (
            _statement("Action", ["ecr:*"]),
            f"{WHERE}: the actions must be",
        ),
        (
            _statement("Condition", {"Bool": {"aws:SecureTransport": "true"}}),
            f"{WHERE}: ecrrepl's statements have no 'Condition'",
        ),
        (
            _owned([*OWNED, "EcrreplOtherG*"]),
            "owned_sids: markers of 2 owners",
        ),
        (
            _owned([*OWNED, "EcrreplplatformG*"]),
            "owned_sids: 'EcrreplplatformG*' is not an ecrrepl Sid",
        ),
        (
            _owned(["Ecrrepl123456789012uswest2", "EcrreplPlatformG*"]),
            f"{WHERE}: the principals must be the roots of source accounts of the backup",
        ),
    ],
)
def test_a_tampered_merged_statement_or_marker_is_refused(
    change: Callable[[dict[str, Any]], None], reason: str
) -> None:
    data = copy.deepcopy(GOOD)
    change(data)

    with pytest.raises(UserError) as refused:
        backup_from_json(data, "backup.json")

    assert reason in str(refused.value)


def test_a_marker_owns_only_its_owners_digests() -> None:
    owned = frozenset(OWNED)

    assert owns_statement(SID, owned)
    assert not owns_statement("EcrreplPlatformGnotadigest", owned)
    assert not owns_statement("EcrreplPlatformgG0123456789", owned)
