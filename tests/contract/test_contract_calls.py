"""Every AWS call ecrrepl makes, made through ecrrepl's own code against the target (the
emulator, or real AWS with ECRREPL_AWS_ACCEPTANCE=1), and what each answers read back.
Each test names the calls it covers; `test_every_call_ecrrepl_makes_is_covered` checks
that together they cover every ECR and STS operation in src/ecrrepl."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from contract.target import TAG_KEY, RegistryGuard, Target, acceptance_enabled, calls
from ecrrepl.aws.convert import rules_from_api
from ecrrepl.aws.reader import read_registry_policy, read_replication, read_templates
from ecrrepl.aws.writer import (
    create_template,
    delete_registry_policy,
    delete_template,
    put_registry_policy,
    put_replication_rules,
    update_template,
)
from ecrrepl.config.model import CreationTemplate, Destination, ReplicationRule, RepositoryFilter
from ecrrepl.policy import policy_text

SRC = Path(__file__).resolve().parents[2] / "src" / "ecrrepl"

# Each AWS operation ecrrepl makes, and the contract test that makes it through
# ecrrepl's code (against real AWS some need conditions the test names when it skips).
COVERED_BY = {
    "GetCallerIdentity": "test_identities_are_checked_and_roles_assumed",
    "AssumeRole": "test_identities_are_checked_and_roles_assumed",
    "DescribeRegistry": "test_the_replication_configuration_is_replaced_whole",
    "PutReplicationConfiguration": "test_the_replication_configuration_is_replaced_whole",
    "GetRegistryPolicy": "test_a_registry_policy_is_written_read_and_deleted",
    "PutRegistryPolicy": "test_a_registry_policy_is_written_read_and_deleted",
    "DeleteRegistryPolicy": "test_a_registry_policy_is_written_read_and_deleted",
    "CreateRepositoryCreationTemplate": "test_a_template_is_created_read_updated_and_deleted",
    "DescribeRepositoryCreationTemplates": "test_a_template_is_created_read_updated_and_deleted",
    "UpdateRepositoryCreationTemplate": "test_a_template_is_created_read_updated_and_deleted",
    "DeleteRepositoryCreationTemplate": "test_a_template_is_created_read_updated_and_deleted",
    "DescribeImageReplicationStatus": "test_replication_status_right_after_a_push",
    "DescribeRepositories": "test_replication_status_right_after_a_push",
    "DescribeImages": "test_replication_status_right_after_a_push",
    "StartReplicationBackfill": "test_a_backfill_copies_an_image_pushed_before_the_rule",
    "ListReplicationBackfills": "test_a_backfill_copies_an_image_pushed_before_the_rule",
    "DescribeReplicationBackfillResults": "test_a_backfill_copies_an_image_pushed_before_the_rule",
}


def our_rule(target: Target, prefix: str | None = None) -> ReplicationRule:
    return ReplicationRule(
        filters=(RepositoryFilter(prefix=prefix or f"{target.run_id}/"),),
        destinations=(
            Destination(account=target.destination.account, region=target.destination.region),
        ),
    )


def test_without_the_flag_the_suite_runs_against_the_emulator(target: Target) -> None:
    assert target.real is acceptance_enabled()
    makefile = (SRC.parents[1] / "Makefile").read_text(encoding="utf-8")
    [recipe] = re.findall(r"^test: .*\n\t(.*)$", makefile, flags=re.MULTILINE)
    # `make test` never reaches AWS, whatever the caller's environment says.
    assert recipe.startswith("env -u ECRREPL_AWS_ACCEPTANCE ")


def test_identities_are_checked_and_roles_assumed(target: Target) -> None:
    accounts = {target.source.account, target.destination.account}

    target.sessions.verify_identities(accounts)

    assert target.sessions.base_account(target.source.region) == target.source.account
    counts = target.sessions.counts()
    assert counts["GetCallerIdentity"] == len(accounts) + 1
    if not target.assumes_role:
        pytest.skip("AssumeRole: set ECRREPL_AWS_ROLE_ARN_DEST to a role of another account")
    assert counts["AssumeRole"] == 1


def test_the_replication_configuration_is_replaced_whole(
    target: Target, guard: RegistryGuard
) -> None:
    original = rules_from_api(guard.replication)
    ours = our_rule(target)

    put_replication_rules(target.sessions, target.source, [*original, ours])
    live = read_replication(target.sessions, target.source)
    put_replication_rules(target.sessions, target.source, list(original))
    restored = read_replication(target.sessions, target.source)

    assert ours in live
    assert all(rule in live for rule in original)
    assert len(live) == len(original) + 1
    assert ours not in restored and len(restored) == len(original)
    assert calls(target) >= {"DescribeRegistry", "PutReplicationConfiguration"}


def test_a_registry_policy_is_written_read_and_deleted(
    target: Target, guard: RegistryGuard
) -> None:
    statement = {
        "Sid": f"EcrreplContract{secrets.token_hex(4)}",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{target.source.account}:root"},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": (
            f"arn:aws:ecr:{target.destination.region}:{target.destination.account}"
            f":repository/{target.run_id}/*"
        ),
    }
    policy = {"Version": "2012-10-17", "Statement": [*guard.original_statements, statement]}

    put_registry_policy(target.sessions, target.destination, policy_text(policy))
    live = read_registry_policy(target.sessions, target.destination)

    assert live is not None
    [found] = [s for s in live["Statement"] if s.get("Sid") == statement["Sid"]]
    assert found["Effect"] == "Allow"
    assert sorted(_as_list(found["Action"])) == statement["Action"]
    assert _as_list(found["Resource"]) == [statement["Resource"]]
    assert len(live["Statement"]) == len(guard.original_statements) + 1
    if guard.policy_text is not None:
        pytest.skip("DeleteRegistryPolicy: the destination registry has a policy of its own")
    assert delete_registry_policy(target.sessions, target.destination) is True
    assert read_registry_policy(target.sessions, target.destination) is None
    # Deleting what is not there converges (RegistryPolicyNotFoundException).
    assert delete_registry_policy(target.sessions, target.destination) is False
    assert calls(target) >= {"GetRegistryPolicy", "PutRegistryPolicy", "DeleteRegistryPolicy"}


def test_a_template_is_created_read_updated_and_deleted(
    target: Target, guard: RegistryGuard
) -> None:
    template = CreationTemplate(
        account=target.destination.account,
        region=target.destination.region,
        prefix=target.run_id,
        description="ecrrepl contract test",
        image_tag_mutability="IMMUTABLE",
        resource_tags={TAG_KEY: target.run_id},
    )

    create_template(target.sessions, template)
    created = _template(target, target.run_id)
    update_template(target.sessions, template.replace(description="updated by ecrrepl"))
    updated = _template(target, target.run_id)

    assert (created.description, created.image_tag_mutability) == (
        "ecrrepl contract test",
        "IMMUTABLE",
    )
    assert dict(created.resource_tags) == {TAG_KEY: target.run_id}
    assert created.applied_for == ("REPLICATION",)
    assert (updated.description, updated.image_tag_mutability) == (
        "updated by ecrrepl",
        "IMMUTABLE",
    )
    assert delete_template(target.sessions, target.destination, target.run_id) is True
    assert _template_or_none(target, target.run_id) is None
    # Deleting what is not there converges (TemplateNotFoundException).
    assert delete_template(target.sessions, target.destination, target.run_id) is False
    assert calls(target) >= {
        "CreateRepositoryCreationTemplate",
        "DescribeRepositoryCreationTemplates",
        "UpdateRepositoryCreationTemplate",
        "DeleteRepositoryCreationTemplate",
    }


def test_every_call_ecrrepl_makes_is_covered() -> None:
    made = operations_in_source()
    assert made == set(COVERED_BY)
    contract_tests = "".join(
        path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*.py")
    )
    for test_name in set(COVERED_BY.values()):
        assert f"def {test_name}(" in contract_tests


def operations_in_source() -> set[str]:
    """The ECR and STS operations whose client methods src/ecrrepl calls, directly or
    page by page (`pages(client, "<method>", ...)`, aws/pages.py)."""
    import botocore.session

    session = botocore.session.get_session()
    # The emulator (sandbox/) calls only itself, never AWS: no permission of a user's.
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in SRC.rglob("*.py")
        if "sandbox" not in path.relative_to(SRC).parts
    )
    found = set()
    for service in ("ecr", "sts"):
        model = session.get_service_model(service)
        for operation in model.operation_names:
            method = _snake(operation)
            if re.search(rf"\.{method}\(|(get_paginator|pages)\([^)]*?\"{method}\"", text):
                found.add(operation)
    return found


def _snake(operation: str) -> str:
    from botocore import xform_name

    return str(xform_name(operation))


def _template(target: Target, prefix: str) -> CreationTemplate:
    found = _template_or_none(target, prefix)
    assert found is not None, f"no template {prefix!r} in {target.destination}"
    return found


def _template_or_none(target: Target, prefix: str) -> CreationTemplate | None:
    templates = read_templates(target.sessions, target.destination)
    return next((t for t in templates if t.prefix == prefix), None)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
