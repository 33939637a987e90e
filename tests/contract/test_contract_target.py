"""The contract suite's own safety: against real AWS it must leave every registry as it
found it, so the cleanup is tested here, against the emulator, on failure too."""

from __future__ import annotations

import json

import pytest

from contract.target import (
    ACCEPTANCE,
    PROFILE_DEST,
    PROFILE_SOURCE,
    RUN_PREFIX,
    Target,
    acceptance_enabled,
    emulator_target,
    guarded,
    push,
    real_target,
)
from harness.policies import repositories, root, statement

FOREIGN_RULE = {
    "destinations": [{"registryId": "123456789012", "region": "ap-south-1"}],
    "repositoryFilters": [{"filter": "team/", "filterType": "PREFIX_MATCH"}],
}
FOREIGN_STATEMENT = statement(
    "SomeoneElse",
    root("999999999999"),
    "ecr:ReplicateImage",
    repositories(("222222222222", "eu-west-1")),
)


@pytest.fixture
def emulated(aws: None) -> Target:
    return emulator_target()


def test_the_guard_puts_back_what_it_found_even_when_the_test_fails(emulated: Target) -> None:
    target = emulated
    target.source_ecr.put_replication_configuration(
        replicationConfiguration={"rules": [FOREIGN_RULE]}
    )
    foreign_policy = json.dumps({"Version": "2012-10-17", "Statement": [FOREIGN_STATEMENT]})
    target.destination_ecr.put_registry_policy(policyText=foreign_policy)
    target.source_ecr.create_repository(repositoryName="team/api")
    target.destination_ecr.create_repository_creation_template(
        prefix="team", appliedFor=["REPLICATION"]
    )

    with pytest.raises(RuntimeError, match="the test failed"), guarded(target):
        target.source_ecr.put_replication_configuration(replicationConfiguration={"rules": []})
        target.destination_ecr.delete_registry_policy()
        push(target, target.name("app"), "1.0")
        target.destination_ecr.create_repository(repositoryName=target.name("copy"))
        target.destination_ecr.create_repository_creation_template(
            prefix=target.run_id, appliedFor=["REPLICATION"]
        )
        raise RuntimeError("the test failed")

    assert target.source_ecr.describe_registry()["replicationConfiguration"] == {
        "rules": [FOREIGN_RULE]
    }
    assert target.destination_ecr.get_registry_policy()["policyText"] == foreign_policy
    assert [
        r["repositoryName"] for r in target.source_ecr.describe_repositories()["repositories"]
    ] == ["team/api"]
    assert target.destination_ecr.describe_repositories()["repositories"] == []
    templates = target.destination_ecr.describe_repository_creation_templates()
    assert [t["prefix"] for t in templates["repositoryCreationTemplates"]] == ["team"]


def test_the_guard_deletes_a_policy_the_registry_did_not_have(emulated: Target) -> None:
    target = emulated
    with guarded(target):
        target.destination_ecr.put_registry_policy(
            policyText=json.dumps({"Version": "2012-10-17", "Statement": [FOREIGN_STATEMENT]})
        )

    with pytest.raises(target.destination_ecr.exceptions.RegistryPolicyNotFoundException):
        target.destination_ecr.get_registry_policy()


def test_runs_are_named_uniquely_and_pushed_repositories_tagged(emulated: Target) -> None:
    other = emulator_target()
    assert emulated.run_id.startswith(RUN_PREFIX) and other.run_id != emulated.run_id

    with guarded(emulated):
        push(emulated, emulated.name("app"), "1.0")
        [repository] = emulated.source_ecr.describe_repositories()["repositories"]
        tags = emulated.source_ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])

    assert tags["tags"] == emulated.tags


def test_real_aws_needs_the_flag_and_both_profiles() -> None:
    assert not acceptance_enabled({ACCEPTANCE: "yes"})
    assert acceptance_enabled({ACCEPTANCE: "1"})
    with pytest.raises(ValueError) as raised:
        real_target({ACCEPTANCE: "1", PROFILE_SOURCE: "build"})
    assert str(raised.value) == f"{ACCEPTANCE}=1 needs {PROFILE_DEST}"
