"""What ecrrepl relies on AWS to do, asserted the same way against the emulator and,
with ECRREPL_AWS_ACCEPTANCE=1, against real AWS. Each assertion cites its source
(checked 2026-12-02); where the sources are silent, the test says so and asserts nothing
about it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from contract.target import TAG_KEY, RegistryGuard, Target, calls, push
from ecrrepl.aws.backfill import list_running_backfills, refresh_backfill, start_backfill
from ecrrepl.aws.images import image_digests, list_repository_names, read_image_replication_status
from ecrrepl.aws.reader import read_immutable_repositories, read_replication
from ecrrepl.aws.writer import put_replication_rules
from ecrrepl.backfill import Backfill, BackfillTarget
from ecrrepl.replication_status import COMPLETE, FAILED, IN_PROGRESS, ImageRef

# botocore ECR model, shape ReplicationRuleList: "max": 25; API reference,
# ReplicationConfiguration: "Maximum number of 25 items".
MAX_RULES = 25
# botocore ECR model, shape ReplicationStatus.
REPLICATION_STATUSES = {IN_PROGRESS, COMPLETE, FAILED}


def api_rule(target: Target, prefix: str) -> dict[str, Any]:
    return {
        "destinations": [
            {"registryId": target.destination.account, "region": target.destination.region}
        ],
        "repositoryFilters": [{"filter": prefix, "filterType": "PREFIX_MATCH"}],
    }


def replicate_run(target: Target, guard: RegistryGuard, prefix: str) -> None:
    """The live state `ecrrepl apply` would leave for one rule sending `prefix` to the
    destination: its registry policy allows the source (kept statements of others), and
    the source's rules gain one."""
    if target.destination.account != target.source.account:
        statement = {
            "Sid": "EcrreplContract" + target.run_id.rsplit("-", 1)[1],
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{target.source.account}:root"},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": (
                f"arn:aws:ecr:{target.destination.region}:{target.destination.account}:repository/*"
            ),
        }
        policy = {"Version": "2012-10-17", "Statement": [*guard.original_statements, statement]}
        target.destination_ecr.put_registry_policy(policyText=json.dumps(policy))
    target.source_ecr.put_replication_configuration(
        replicationConfiguration={"rules": [*guard.original_rules, api_rule(target, prefix)]}
    )


def template_for_run(target: Target, prefix: str, mutability: str) -> None:
    target.destination_ecr.create_repository_creation_template(
        prefix=prefix,
        appliedFor=["REPLICATION"],
        description="ecrrepl contract test",
        imageTagMutability=mutability,
        resourceTags=target.tags,
    )


def destination_repository(target: Target, name: str) -> dict[str, Any] | None:
    client = target.destination_ecr
    try:
        [repository] = client.describe_repositories(repositoryNames=[name])["repositories"]
    except client.exceptions.RepositoryNotFoundException:
        return None
    images = client.describe_images(repositoryName=name)["imageDetails"]
    return dict(repository) if images else None


# (a) ------------------------------------------------------------------------------------


def test_a_replication_configuration_takes_25_rules_and_refuses_26(
    target: Target, guard: RegistryGuard
) -> None:
    original = guard.original_rules
    if len(original) >= MAX_RULES:
        pytest.skip("the source registry already has 25 rules of its own")
    fillers = [
        api_rule(target, f"{target.run_id}/r{n:02d}/") for n in range(MAX_RULES - len(original))
    ]
    rules = read_replication_rules_from(fillers)

    put_replication_rules(
        target.sessions, target.source, [*read_replication_rules_from(original), *rules]
    )
    accepted = read_replication(target.sessions, target.source)
    with pytest.raises(ClientError):
        # botocore would refuse 26 itself: this client lets AWS answer.
        target.unvalidated_source_ecr.put_replication_configuration(
            replicationConfiguration={
                "rules": [*original, *fillers, api_rule(target, f"{target.run_id}/r99/")]
            }
        )
    after = read_replication(target.sessions, target.source)

    assert len(accepted) == MAX_RULES
    assert after == accepted


def read_replication_rules_from(api_rules: list[dict[str, Any]]) -> list[Any]:
    from ecrrepl.aws.convert import rules_from_api

    return list(rules_from_api({"rules": api_rules}))


# (b) ------------------------------------------------------------------------------------


def test_updating_a_template_keeps_what_is_not_sent_but_tag_mutability(
    target: Target, guard: RegistryGuard
) -> None:
    """botocore ECR model, UpdateRepositoryCreationTemplateRequest.imageTagMutability:
    "If this parameter is omitted, the default setting of MUTABLE will be used".
    The other settings: the API reference does not say; Terraform's AWS provider
    (internal/service/ecr/repository_creation_template.go, Update) sends only the
    attributes that changed, which its acceptance tests against AWS show keeps the others."""
    template_for_run(target, target.run_id, "IMMUTABLE")

    target.destination_ecr.update_repository_creation_template(
        prefix=target.run_id, description="only the description is sent"
    )
    [live] = target.destination_ecr.describe_repository_creation_templates(
        prefixes=[target.run_id]
    )["repositoryCreationTemplates"]

    assert live["description"] == "only the description is sent"
    assert live["appliedFor"] == ["REPLICATION"]
    assert live["resourceTags"] == target.tags
    assert live["imageTagMutability"] == "MUTABLE"


# (c) and (d) ----------------------------------------------------------------------------


def test_replication_status_right_after_a_push(target: Target, guard: RegistryGuard) -> None:
    """API reference, DescribeImageReplicationStatus: a status per destination, one of
    IN_PROGRESS, COMPLETE, FAILED. It does not say when a destination is first listed
    after a push, so right after it only what is listed is checked: no destination the
    configuration does not send to, no other status. Then, in time, COMPLETE."""
    replicate_run(target, guard, f"{target.run_id}/")
    template_for_run(target, target.run_id, "MUTABLE")
    repository = f"{target.run_id}/app"
    digest = push(target, repository, "1.0")
    image = ImageRef(repository, tag="1.0")

    first = read_image_replication_status(target.sessions, target.source, image)

    assert first.digest == digest
    assert {status.destination for status in first.statuses} <= {target.destination}
    assert {status.status for status in first.statuses} <= REPLICATION_STATUSES

    def complete() -> bool | None:
        listed = read_image_replication_status(target.sessions, target.source, image)
        statuses = {s.destination: s.status for s in listed.statuses}
        assert statuses.get(target.destination) != FAILED, listed
        return True if statuses.get(target.destination) == COMPLETE else None

    target.wait_for(f"{repository} to replicate to {target.destination}", complete)
    assert repository in list_repository_names(target.sessions, target.destination)
    # The copy keeps the digest: `backfill --dry-run` compares images by it.
    assert image_digests(target.sessions, target.destination, repository) == {digest}
    assert (
        read_immutable_repositories(
            target.sessions, target.destination, frozenset({f"{target.run_id}/"})
        )
        == ()
    )
    assert calls(target) >= {
        "DescribeImageReplicationStatus",
        "DescribeRepositories",
        "DescribeImages",
    }


def test_a_template_prefix_covers_its_namespace_only(target: Target, guard: RegistryGuard) -> None:
    """API reference, CreateRepositoryCreationTemplate, prefix: "a prefix of prod would
    apply to all repositories beginning with prod/ ... There is always an assumed /
    applied to the end of the prefix". So `<run>` covers `<run>/app` and not `<run>x/app`.
    Whether `<run>/` and `<run>` are one template, and which form Describe returns, the
    sources do not say: not asserted."""
    replicate_run(target, guard, target.run_id)
    template_for_run(target, target.run_id, "IMMUTABLE")
    inside, outside = f"{target.run_id}/app", f"{target.run_id}x/app"
    push(target, inside, "1.0")
    push(target, outside, "1.0")

    covered = target.wait_for(inside, lambda: destination_repository(target, inside))
    not_covered = target.wait_for(outside, lambda: destination_repository(target, outside))

    assert covered["imageTagMutability"] == "IMMUTABLE"
    assert not_covered["imageTagMutability"] == "MUTABLE"
    tags = target.destination_ecr.list_tags_for_resource(resourceArn=covered["repositoryArn"])
    assert {"Key": TAG_KEY, "Value": target.run_id} in tags["tags"]


# backfill ---------------------------------------------------------------------------------


def test_a_backfill_copies_an_image_pushed_before_the_rule(
    target: Target, guard: RegistryGuard
) -> None:
    destination = {"registryId": target.destination.account, "region": target.destination.region}
    if target.real and any(destination in rule["destinations"] for rule in guard.original_rules):
        pytest.skip(
            "a rule of the source registry already sends to the destination: a backfill "
            "would copy images the contract test does not own"
        )
    repository = f"{target.run_id}/old"
    digest = push(target, repository, "1.0")
    template_for_run(target, target.run_id, "MUTABLE")
    replicate_run(target, guard, f"{target.run_id}/")

    started = start_backfill(target.sessions, BackfillTarget(target.source, target.destination))
    assert isinstance(started, Backfill), started
    running = list_running_backfills(target.sessions, target.source)
    assert all(backfill.target.source == target.source for backfill in running)

    def ended() -> Backfill | None:
        now = refresh_backfill(target.sessions, started, with_failures=False)
        return None if now.active else now

    target.wait_for("the backfill to end", ended)
    result = refresh_backfill(target.sessions, started)

    assert (result.status, result.failed_images) == ("COMPLETE", ())
    assert image_digests(target.sessions, target.destination, repository) == {digest}
    assert calls(target) >= {
        "StartReplicationBackfill",
        "ListReplicationBackfills",
        "DescribeReplicationBackfillResults",
    }
