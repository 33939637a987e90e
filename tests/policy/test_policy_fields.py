"""The table of a registry policy statement's members (ecrrepl.policy_fields): the builder,
the comparison, backups, restore, the reading of other owners' Deny statements and the
Terraform renderer all follow it, so each test here walks the table."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ecrrepl.backup import Backup, backup_from_json, backup_to_json
from ecrrepl.errors import UserError
from ecrrepl.plan.foreign_deny import foreign_denials
from ecrrepl.plan.policy_merge import merge_statements, restored_policy
from ecrrepl.plan.restore_checks import unwritten_by_the_run, wider_than_needed
from ecrrepl.policy import (
    PolicyStatement,
    owned_sid_list,
    owns_statement,
    repository_arn,
    statement_sid,
)
from ecrrepl.policy_fields import (
    MEMBERS_BY_KEY,
    REPLICATION_ACTIONS,
    STATEMENT_MEMBERS,
    WRITTEN_KEYS,
    Shape,
    Writes,
    as_list,
    aws_principals,
    canonical_statement,
    member_or_negation,
    statement_meaning,
    strings,
    unwritten_members,
    written_statement,
    written_value,
)
from ecrrepl.policy_grants import merged
from ecrrepl.render.policy_terraform import statement_block
from harness import models

SOURCE = models.OREGON
TARGET = models.IRELAND
ROOT = "arn:aws:iam::111111111111:root"
PROD = repository_arn(TARGET, "prod/*")
NEED = PolicyStatement(SOURCE, TARGET, (PROD,))
OWNED = owned_sid_list([SOURCE], None)
# One value of each shape, for a member ecrrepl never writes.
FOREIGN_VALUES: dict[Shape, Any] = {
    Shape.TEXT: "x",
    Shape.STRINGS: ["ecr:BatchGetImage"],
    Shape.PRINCIPAL: {"AWS": "arn:aws:iam::333333333333:root"},
    Shape.CONDITION: {"StringEquals": {"aws:PrincipalOrgID": "o-example"}},
}
NEVER_WRITTEN = [m.key for m in STATEMENT_MEMBERS if m.writes is Writes.NEVER]
CONSTANTS = [m.key for m in STATEMENT_MEMBERS if m.writes is Writes.CONSTANT]


def _owns(sid: object) -> bool:
    return owns_statement(sid, OWNED)


def _backup(statement: dict[str, Any]) -> Backup:
    """A backup whose run wrote `statement` into TARGET's policy, the policy it backed up
    holding the same statement, from a configuration replicating SOURCE into TARGET."""
    rule = models.rule(TARGET, filters=["prod/"], name="prod")
    return Backup(
        taken_by="apply",
        created_at="2026-12-02T08:05:10Z",
        replication={SOURCE: (rule,)},
        replication_written={SOURCE: (rule,)},
        registry_policies={TARGET: {"Version": "2012-10-17", "Statement": [statement]}},
        statements_written={TARGET: (statement,)},
        owned_sids=OWNED,
        sources=(SOURCE,),
    )


def _read_back(statement: dict[str, Any]) -> Backup:
    """The backup of `statement` written to its file format and read with every check."""
    return backup_from_json(json.loads(json.dumps(backup_to_json(_backup(statement)))), "b.json")


def test_the_table_names_every_member_of_the_iam_grammar_once() -> None:
    keys = [m.key for m in STATEMENT_MEMBERS]
    assert sorted(keys) == sorted(
        {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction"}
        | {"Resource", "NotResource", "Condition"}
    )
    assert len(set(keys)) == len(keys)
    # Each Not* member names the complement of a member of the same shape.
    for member in STATEMENT_MEMBERS:
        if member.negates is not None:
            assert member.key == f"Not{member.negates}"
            assert MEMBERS_BY_KEY[member.negates].shape is member.shape
            assert member.writes is Writes.NEVER


def test_the_builder_writes_exactly_the_written_members_in_table_order() -> None:
    statement = written_statement("EcrreplX", [ROOT], [PROD])
    assert list(statement) == [m.key for m in STATEMENT_MEMBERS if m.key in WRITTEN_KEYS]
    for key in CONSTANTS:
        assert statement[key] == written_value(key)
    assert statement["Action"] == list(REPLICATION_ACTIONS)
    assert statement["Effect"] == "Allow"
    # One principal as a string, several as a list (the ECR user guide's examples).
    assert statement["Principal"] == {"AWS": ROOT}
    two = written_statement("EcrreplX", [ROOT, "arn:aws:iam::333333333333:root"], [PROD])
    assert two["Principal"] == {"AWS": [ROOT, "arn:aws:iam::333333333333:root"]}


def test_both_writers_of_statements_build_them_from_the_table() -> None:
    assert NEED.as_json() == written_statement(statement_sid(SOURCE), [ROOT], [PROD])
    (grant,) = merged("platform", TARGET, [NEED])
    assert grant.as_json() == written_statement(grant.sid, [ROOT], [PROD])
    # A fresh list each time: changing one statement changes no other.
    first = NEED.as_json()
    first["Action"].append("ecr:*")
    assert NEED.as_json()["Action"] == list(REPLICATION_ACTIONS)


@pytest.mark.parametrize("key", [m.key for m in STATEMENT_MEMBERS if m.shape is Shape.STRINGS])
def test_a_strings_member_means_the_same_as_one_string_or_a_list_in_any_order(key: str) -> None:
    one = canonical_statement({key: "b"})
    assert one == canonical_statement({key: ["b"]})
    assert canonical_statement({key: ["b", "a"]}) == canonical_statement({key: ["a", "b"]})
    assert statement_meaning({key: "b"}) == statement_meaning({key: ["b"]})
    assert statement_meaning({key: "b"}) != statement_meaning({key: ["a"]})


@pytest.mark.parametrize("key", [m.key for m in STATEMENT_MEMBERS if m.shape is Shape.PRINCIPAL])
def test_a_principal_member_is_compared_per_type_and_keeps_anyone(key: str) -> None:
    assert canonical_statement({key: {"AWS": "b"}}) == canonical_statement({key: {"AWS": ["b"]}})
    assert canonical_statement({key: {"AWS": ["b", "a"]}}) == {key: {"AWS": ["a", "b"]}}
    assert canonical_statement({key: "*"}) == {key: "*"}


def test_the_normalisers_read_one_string_or_a_list() -> None:
    assert as_list(None) == []
    assert as_list("a") == ["a"]
    assert as_list(["a", "b"]) == ["a", "b"]
    assert strings("a") == ["a"]
    assert strings(["a", 1]) == []
    assert strings({"a": 1}) == []
    assert aws_principals({"AWS": "a"}) == ["a"]
    assert aws_principals("*") == ["*"]
    assert aws_principals({"Service": "ecr.amazonaws.com"}) == []


@pytest.mark.parametrize("key", ["Principal", "Action", "Resource"])
def test_a_member_or_its_negation_is_read_from_the_table(key: str) -> None:
    negation = next(m.key for m in STATEMENT_MEMBERS if m.negates == key)
    assert member_or_negation({key: "a"}, key) == ("a", False)
    assert member_or_negation({negation: "b"}, key) == ("b", True)
    assert member_or_negation({}, key) == (None, False)


def test_a_statement_from_the_table_round_trips_through_merge_backup_and_restore() -> None:
    statement = NEED.as_json()
    foreign = {"Sid": "TheirOwn", "Effect": "Allow", "Principal": "*", "Action": "ecr:*"}
    live = {"Version": "2012-10-17", "Statement": [foreign]}
    put = merge_statements(live, [statement], _owns)
    assert put == {"Version": "2012-10-17", "Statement": [foreign, statement]}
    # The same grant written with one-element lists and in another order is already right.
    respelled = {
        **statement,
        "Principal": {"AWS": [ROOT]},
        "Action": list(reversed(REPLICATION_ACTIONS)),
        "Resource": PROD,
    }
    already = {"Version": "2012-10-17", "Statement": [foreign, respelled]}
    assert merge_statements(already, [statement], _owns) == already

    backup = _read_back(statement)
    assert backup.registry_policies[TARGET] == {"Version": "2012-10-17", "Statement": [statement]}
    assert restored_policy(live, backup.registry_policies[TARGET], backup.owns_sid) == put
    current = Backup(
        taken_by="apply",
        created_at="2026-12-02T09:00:00Z",
        replication=dict(backup.replication),
        registry_policies={TARGET: {"Version": "2012-10-17", "Statement": [statement]}},
    )
    assert unwritten_by_the_run(backup, current) == []
    assert wider_than_needed(backup, backup.replication) == []


@pytest.mark.parametrize("key", NEVER_WRITTEN)
def test_a_member_ecrrepl_never_writes_is_refused_in_a_backup(key: str) -> None:
    statement = {**NEED.as_json(), key: FOREIGN_VALUES[MEMBERS_BY_KEY[key].shape]}
    assert unwritten_members(statement) == [key]
    with pytest.raises(UserError, match=f"ecrrepl's statements have no '{key}'"):
        _read_back(statement)


@pytest.mark.parametrize("key", CONSTANTS)
def test_a_constant_member_with_another_value_is_refused_in_a_backup(key: str) -> None:
    statement = copy.deepcopy(NEED.as_json())
    value = written_value(key)
    statement[key] = value[:1] if isinstance(value, list) else "Deny"
    with pytest.raises(UserError, match=rf"(?i)\b{key}s? must be"):
        _read_back(statement)


@pytest.mark.parametrize("key", sorted(WRITTEN_KEYS))
def test_a_statement_without_a_written_member_is_refused_in_a_backup(key: str) -> None:
    statement = {k: v for k, v in NEED.as_json().items() if k != key}
    with pytest.raises(UserError, match="is not a usable backup"):
        _read_back(statement)


@pytest.mark.parametrize("member", STATEMENT_MEMBERS, ids=lambda m: m.key)
def test_the_terraform_block_carries_each_member_under_its_argument(member: Any) -> None:
    statement = {member.key: FOREIGN_VALUES[member.shape]}
    block = "\n".join(statement_block(statement))
    assert f"    {member.terraform} " in block
    if member.shape is Shape.STRINGS:
        assert f'{member.terraform} = ["ecr:BatchGetImage"]' in block


def test_the_terraform_block_lists_members_in_table_order() -> None:
    everything = {m.key: FOREIGN_VALUES[m.shape] for m in reversed(STATEMENT_MEMBERS)}
    block = "\n".join(statement_block(everything))
    places = [block.index(f"    {m.terraform} ") for m in STATEMENT_MEMBERS]
    assert places == sorted(places)


@pytest.mark.parametrize("key", ["Principal", "Action", "Resource"])
def test_a_deny_that_excludes_something_else_through_the_negation_still_denies(key: str) -> None:
    negation = next(m.key for m in STATEMENT_MEMBERS if m.negates == key)
    elsewhere = {
        "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
        "Action": "ecr:BatchGetImage",
        "Resource": repository_arn(TARGET, "dev/*"),
    }
    deny = {
        "Sid": "NoReplication",
        "Effect": "Deny",
        "Principal": {"AWS": ROOT},
        "Action": "ecr:ReplicateImage",
        "Resource": PROD,
    }
    del deny[key]
    policy = {"Version": "2012-10-17", "Statement": [{**deny, negation: elsewhere[key]}]}
    assert len(foreign_denials(TARGET, policy, [NEED]).errors) == 1
    # Excluding what replication needs, the negation denies it nothing.
    needed = {"Principal": {"AWS": ROOT}, "Action": "ecr:*", "Resource": PROD}
    spared = {"Version": "2012-10-17", "Statement": [{**deny, negation: needed[key]}]}
    assert foreign_denials(TARGET, spared, [NEED]).errors == ()
