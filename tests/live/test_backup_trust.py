"""A backup file restore accepts holds only what ecrrepl itself could have written: its
own statements (the Sids of its source registries, source account root, the two
replication actions, that destination's repositories), the registries its apply wrote
with what it wrote there, nothing nested thousands deep. A tampered backup is refused
with the reason, before anything is read from AWS."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from ecrrepl.backup import backup_from_json
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import UserError
from harness.live_steps import Live, backup_by_apply
from harness.policies import root, statement

SID = "Ecrrepl123456789012uswest2"
STATEMENT = statement(
    SID,
    root("123456789012"),
    ["ecr:CreateRepository", "ecr:ReplicateImage"],
    ["arn:aws:ecr:eu-west-1:222222222222:repository/prod/*"],
)
FOREIGN = statement("PullThroughCacheTeam", root("999999999999"), "ecr:*", "*")
GOOD: dict[str, Any] = backup_by_apply(
    accounts={},
    replication={
        "123456789012/us-west-2": {
            "rules": [{"destinations": [{"region": "eu-west-1", "registryId": "222222222222"}]}]
        }
    },
    registry_policies={
        "222222222222/eu-west-1": {"Version": "2012-10-17", "Statement": [STATEMENT, FOREIGN]}
    },
    templates={"222222222222/eu-west-1": {"prod": None}},
    templates_written={
        "222222222222/eu-west-1": {"prod": {"prefix": "prod", "appliedFor": ["REPLICATION"]}}
    },
    owned_sids=[SID],
    sources=["123456789012/us-west-2"],
    replication_written={
        "123456789012/us-west-2": {
            "rules": [{"destinations": [{"region": "eu-west-2", "registryId": "222222222222"}]}]
        }
    },
    statements_written={
        "222222222222/eu-west-1": [],
    },
)


def tampered(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def statement(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data["registry_policies"]["222222222222/eu-west-1"]["Statement"][0]
    return found


def test_a_backup_as_ecrrepl_writes_it_is_accepted() -> None:
    backup = backup_from_json(copy.deepcopy(GOOD), "backup.json")
    assert backup.owned_sids == frozenset({SID})
    # Other owners' statements may be anything: restore never writes them.
    assert backup.registry_policies[RegistryAddress("222222222222", "eu-west-1")] is not None


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _statement(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        if value is KeyError:
            del statement(data)[key]
        else:
            statement(data)[key] = value

    return change


POLICY = "registry policy of 222222222222/eu-west-1"
IN_STATEMENT = f"{POLICY}, statement {SID}"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            _set(["owned_sids"], [SID, "PullThroughCacheTeam"]),
            "owned_sids: 'PullThroughCacheTeam' is not the Sid of a source registry of the "
            "backup (sources) nor the marker of its owner (owner); apply owns no other",
        ),
        (
            _set(["owned_sids"], [SID, "Ecrrepl123456789012mars1"]),
            "owned_sids: 'Ecrrepl123456789012mars1' is not the Sid of a source registry",
        ),
        (
            _set(["owned_sids"], [SID, "Ecrrepl222222222222useast1"]),
            "owned_sids: 'Ecrrepl222222222222useast1' is not the Sid of a source registry",
        ),
        (
            _set(["owned_sids"], []),
            f"owned_sids: {SID!r}, which its sources and owner own, is missing",
        ),
        (
            _set(["replication", "444444444444/us-east-1"], {"rules": []}),
            "444444444444/us-east-1 is in replication but missing from replication_written",
        ),
        (
            _set(["replication_written", "444444444444/us-east-1"], {"rules": []}),
            "444444444444/us-east-1 is in replication_written but missing from replication",
        ),
        (
            lambda data: (
                _set(["replication", "444444444444/us-east-1"], {"rules": []})(data),
                _set(["replication_written", "444444444444/us-east-1"], {"rules": []})(data),
            ),
            "replication of 444444444444/us-east-1: not a source registry of the backup "
            "(sources); apply writes no other",
        ),
        (
            _set(["statements_written"], {}),
            "222222222222/eu-west-1 is in registry_policies but missing from statements_written",
        ),
        (
            _set(["statements_written", "222222222222/eu-west-1"], [FOREIGN]),
            "written statements of 222222222222/eu-west-1: 'PullThroughCacheTeam' is not one "
            "of owned_sids",
        ),
        (
            _set(["statements_written", "222222222222/eu-west-1"], [dict(STATEMENT, Resource="*")]),
            f"written statement {SID} of 222222222222/eu-west-1: every resource must be a "
            "repository of 222222222222/eu-west-1",
        ),
        (
            _set(["sources"], ["123456789012/us-west-2", "444444444444"]),
            "'444444444444' is not ACCOUNT/REGION",
        ),
        (
            _statement("Principal", {"AWS": "arn:aws:iam::999999999999:root"}),
            f"{IN_STATEMENT}: the principal must be arn:aws:iam::123456789012:root, the source "
            "account",
        ),
        (_statement("Principal", "*"), f"{IN_STATEMENT}: the principal must be"),
        (
            _statement("Principal", {"AWS": "arn:aws:iam::123456789012:root", "Service": "x"}),
            f"{IN_STATEMENT}: the principal must be",
        ),
        (
            _statement("Action", ["ecr:*"]),
            f"{IN_STATEMENT}: the actions must be ecr:CreateRepository and ecr:ReplicateImage",
        ),
        (
            _statement("Action", ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:*"]),
            f"{IN_STATEMENT}: the actions must be",
        ),
        (
            _statement("Resource", "*"),
            f"{IN_STATEMENT}: every resource must be a repository of 222222222222/eu-west-1",
        ),
        (
            _statement("Resource", ["arn:aws:ecr:eu-west-1:333333333333:repository/*"]),
            f"{IN_STATEMENT}: every resource must be a repository of",
        ),
        (_statement("Effect", "Deny"), f"{IN_STATEMENT}: Effect must be Allow"),
        (
            _statement("Condition", {"Bool": {"aws:SecureTransport": "true"}}),
            f"{IN_STATEMENT}: ecrrepl's statements have no 'Condition'",
        ),
        (
            _set(["registry_policies", "222222222222/eu-west-1", "Version"], "2030-01-01"),
            f"{POLICY}: Version '2030-01-01' is not an IAM policy version",
        ),
        (
            _set(["registry_policies", "222222222222/eu-west-1", "Condition"], {}),
            f"{POLICY}: unexpected top-level key 'Condition'",
        ),
        (
            lambda data: (
                _set(["registry_policies", "123456789012/us-east-1"], None)(data),
                _set(["statements_written", "123456789012/us-east-1"], [])(data),
            ),
            "registry policy of 123456789012/us-east-1: no source registry of the backup "
            "(sources) is in another account",
        ),
        (
            _set(["taken_by"], "apply; nothing will be written"),
            "taken_by 'apply; nothing will be written' is not apply or restore",
        ),
        (
            _set(["created_at"], "yesterday"),
            "created_at 'yesterday' is not a UTC time such as 2026-12-02T08:05:10Z",
        ),
        (
            _set(["templates", "222222222222/eu-west-1", "prod"], {"prefix": "other"}),
            "template 'prod' of 222222222222/eu-west-1: it is filed under 'prod' but its "
            "prefix is 'other'",
        ),
        (
            _set(["templates_written", "222222222222/eu-west-1", "prod"], {"prefix": "other"}),
            "written template 'prod' of 222222222222/eu-west-1: it is filed under 'prod' but "
            "its prefix is 'other'",
        ),
        (
            _set(["templates", "222222222222/eu-west-1", "team"], None),
            "template 'team' of 222222222222/eu-west-1 is missing from templates_written",
        ),
        (
            _set(["templates_written", "222222222222/eu-west-1", "team"], None),
            "template 'team' of 222222222222/eu-west-1 is missing from templates",
        ),
        (
            _set(["templates_written"], None),
            "templates_written is not a JSON object",
        ),
        (
            _set(["templates_written", "222222222222/eu-west-1", "prod"], {"appliedFor": "x"}),
            "written template 'prod' of 222222222222/eu-west-1: appliedFor 'x' is not a list",
        ),
        (
            _set(["format_version"], 1),
            "it is format_version 1, which does not record the rules and registry policy "
            "statements its run wrote",
        ),
        (
            _set(["format_version"], 2),
            "it is format_version 2, which does not record the rules and registry policy "
            "statements its run wrote, so restore cannot tell them from someone else's",
        ),
        (
            lambda data: (
                _set(["format_version"], 1)(data),
                _set(["replication"], {})(data),
                _set(["registry_policies"], {})(data),
            ),
            "it is format_version 1, which does not record what its apply wrote to creation "
            "templates, so restore cannot tell them from someone else's",
        ),
    ],
)
def test_a_tampered_backup_is_refused_with_the_reason(
    change: Callable[[dict[str, Any]], None], reason: str
) -> None:
    with pytest.raises(UserError) as raised:
        backup_from_json(tampered(change), "backup.json")
    assert raised.value.message.startswith(f"backup.json is not a usable backup: {reason}")


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_backup_of_what_its_format_vouches_for_is_still_read(version: int) -> None:
    def older(data: dict[str, Any]) -> None:
        data["format_version"] = version
        for key in ("replication", "registry_policies", "replication_written"):
            del data[key]
        del data["statements_written"], data["sources"]
        data["owned_sids"] = []
        if version == 1:
            del data["templates"], data["templates_written"]

    backup = backup_from_json(tampered(older), "backup.json")

    assert backup.replication == {} and backup.registry_policies == {}
    assert len(backup.templates) == (0 if version == 1 else 1)


def test_a_statement_in_its_own_account_is_refused() -> None:
    def own_account(data: dict[str, Any]) -> None:
        data["owned_sids"] = [SID, "Ecrrepl222222222222useast1"]
        data["sources"].append("222222222222/us-east-1")
        statement(data)["Sid"] = "Ecrrepl222222222222useast1"
        statement(data)["Principal"] = {"AWS": "arn:aws:iam::222222222222:root"}

    with pytest.raises(UserError, match="needs no grant in its own account"):
        backup_from_json(tampered(own_account), "backup.json")


def test_restore_refuses_a_tampered_backup_before_reading_aws(aws: None, live: Live) -> None:
    before = live.live_state()
    data = tampered(_statement("Principal", {"AWS": "arn:aws:iam::999999999999:root"}))
    backup = live.write_file("backup.json", json.dumps(data))

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr.startswith(
        f"ecrrepl: error: backup.json is not a usable backup: {IN_STATEMENT}: the principal"
    )
    assert live.live_state() == before
    assert live.backup_files() == []


def test_a_5000_deep_backup_is_refused_in_one_sentence(live: Live) -> None:
    backup = live.write_file("backup.json", '{"format": ' + "[" * 5000 + "]" * 5000 + "}")

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        "ecrrepl: error: backup.json is not a usable backup: it nests arrays and objects more "
        "than 100 levels deep\n",
    )
