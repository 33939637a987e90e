"""Backups of a configuration with `owner:`: `owned_sids` holds its registries' Sids and
the owner's marker (the backup records `sources` and `owner`, format 3), and restore
accepts a merged statement only as ecrrepl writes it: the backup's source accounts as
principals, the two actions, that destination's repositories, and the Sid its owner and
content give."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from ecrrepl.backup import backup_from_json
from ecrrepl.errors import UserError
from ecrrepl.policy import merged_sid, owns_statement
from harness.live_steps import backup_by_apply
from harness.policies import statement

ROOTS = ["arn:aws:iam::123456789012:root", "arn:aws:iam::444444444444:root"]
RESOURCES = ["arn:aws:ecr:eu-west-1:222222222222:repository/prod/*"]
SID = merged_sid("platform", ROOTS, RESOURCES)
MERGED = statement(SID, ROOTS, ["ecr:CreateRepository", "ecr:ReplicateImage"], RESOURCES)
OWNED = ["Ecrrepl123456789012uswest2", "Ecrrepl444444444444uswest2", "EcrreplPlatformG*"]
GOOD: dict[str, Any] = backup_by_apply(
    accounts={},
    replication={},
    registry_policies={"222222222222/eu-west-1": {"Version": "2012-10-17", "Statement": [MERGED]}},
    templates={},
    templates_written={},
    owned_sids=OWNED,
    sources=["123456789012/us-west-2", "444444444444/us-west-2"],
    owner="platform",
    replication_written={},
    statements_written={"222222222222/eu-west-1": [dict(MERGED)]},
)


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


def _record(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = value

    return change


def _only_the_first_source(data: dict[str, Any]) -> None:
    data["sources"] = ["123456789012/us-west-2"]
    data["owned_sids"] = ["Ecrrepl123456789012uswest2", "EcrreplPlatformG*"]


def _widen_the_written_statement(data: dict[str, Any]) -> None:
    data["statements_written"]["222222222222/eu-west-1"][0]["Principal"] = {"AWS": "*"}


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
            "owned_sids: 'EcrreplOtherG*' is not the Sid of a source registry of the backup "
            "(sources) nor the marker of its owner (owner)",
        ),
        (
            _owned([*OWNED, "EcrreplplatformG*"]),
            "owned_sids: 'EcrreplplatformG*' is not the Sid of a source registry",
        ),
        (
            _owned(["Ecrrepl123456789012uswest2", "Ecrrepl444444444444uswest2"]),
            "owned_sids: 'EcrreplPlatformG*', which its sources and owner own, is missing",
        ),
        (
            _record("owner", "other"),
            "owned_sids: 'EcrreplOtherG*', which its sources and owner own, is missing",
        ),
        (
            _record("owner", None),
            "owned_sids: 'EcrreplPlatformG*' is not the Sid of a source registry of the backup "
            "(sources) nor the marker of its owner (owner)",
        ),
        (
            _record("owner", "Platform"),
            "owner is not a configuration owner",
        ),
        (
            _only_the_first_source,
            f"{WHERE}: the principals must be the roots of source accounts of the backup",
        ),
        (
            _widen_the_written_statement,
            f"written statement {SID} of 222222222222/eu-west-1: the principals must be",
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
