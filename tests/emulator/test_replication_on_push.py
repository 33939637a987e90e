"""Replication on push: which destinations get the image, and with which settings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.support import (
    OTHER_ACCOUNT,
    SOURCE_ACCOUNT,
    grant,
    images_in,
    rule,
)

EAST = ("us-east-1", SOURCE_ACCOUNT)
EU_OTHER = ("eu-west-1", OTHER_ACCOUNT)


def test_a_push_copies_the_image_to_a_same_account_destination(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST))

    digest = push("team/api", tag="v1")

    assert images_in(ecr("us-east-1"), "team/api") == {digest: ["v1"]}
    [repository] = ecr("us-east-1").describe_repositories()["repositories"]
    # Default settings for a repository created by replication.
    assert repository["imageTagMutability"] == "MUTABLE"
    assert repository["encryptionConfiguration"] == {"encryptionType": "AES256"}


def test_a_push_by_digest_arrives_untagged(ecr: Any, push: Any, replicate: Any) -> None:
    replicate(rule(EAST))

    digest = push("team/api", tag=None, seed="untagged")

    assert images_in(ecr("us-east-1"), "team/api") == {digest: []}


def test_only_repositories_matching_a_filter_prefix_replicate(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST, filters=("prod/", "base-")), rule(("us-east-2", SOURCE_ACCOUNT)))

    pushed = {name: push(name) for name in ["prod/api", "base-image", "production/api", "dev/api"]}

    assert sorted(
        r["repositoryName"] for r in ecr("us-east-1").describe_repositories()["repositories"]
    ) == [
        "base-image",
        "prod/api",
    ]
    # A rule without filters replicates every repository.
    assert {name: images_in(ecr("us-east-2"), name) for name in pushed} == {
        name: {digest: ["v1"]} for name, digest in pushed.items()
    }


def test_nothing_replicates_without_a_configuration(ecr: Any, push: Any) -> None:
    push("team/api")

    assert ecr("us-east-1").describe_repositories()["repositories"] == []


def test_images_pushed_before_the_configuration_are_not_replicated(
    ecr: Any, push: Any, replicate: Any
) -> None:
    before = push("team/api", tag="old")
    replicate(rule(EAST))

    after = push("team/api", tag="new")

    assert images_in(ecr("us-east-1"), "team/api") == {after: ["new"]}
    assert before != after


def test_an_image_replicates_one_hop_only(ecr: Any, push: Any, replicate: Any) -> None:
    replicate(rule(EAST))
    replicate(rule(("us-east-2", SOURCE_ACCOUNT)), region="us-east-1")

    digest = push("team/api")

    assert images_in(ecr("us-east-1"), "team/api") == {digest: ["v1"]}
    assert images_in(ecr("us-east-2"), "team/api") == {}


def test_a_push_in_the_destination_itself_replicates_onwards(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(("us-east-2", SOURCE_ACCOUNT)), region="us-east-1")

    digest = push("team/api", region="us-east-1")

    assert images_in(ecr("us-east-2"), "team/api") == {digest: ["v1"]}


def template(prefix: str, **settings: Any) -> dict[str, Any]:
    return {"prefix": prefix, "appliedFor": ["REPLICATION"], **settings}


REPOSITORY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Pull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]}
    ],
}
LIFECYCLE_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "untagged",
                "countType": "imageCountMoreThan",
                "countNumber": 5,
            },
            "action": {"type": "expire"},
        }
    ]
}


def test_a_created_repository_takes_the_longest_replication_template_covering_it(
    ecr: Any, push: Any, replicate: Any
) -> None:
    destination = ecr("us-east-1")
    destination.create_repository_creation_template(
        **template("ROOT", imageTagMutability="MUTABLE")
    )
    destination.create_repository_creation_template(**template("prod", description="prod"))
    destination.create_repository_creation_template(
        **template(
            "prod/team",
            imageTagMutability="IMMUTABLE",
            encryptionConfiguration={
                "encryptionType": "KMS",
                "kmsKey": f"arn:aws:kms:us-east-1:{SOURCE_ACCOUNT}:key/replicated",
            },
            resourceTags=[{"Key": "team", "Value": "platform"}],
            repositoryPolicy=json.dumps(REPOSITORY_POLICY),
            lifecyclePolicy=json.dumps(LIFECYCLE_POLICY),
            customRoleArn=f"arn:aws:iam::{SOURCE_ACCOUNT}:role/templates",
        )
    )
    # Longer, but not for replication.
    destination.create_repository_creation_template(
        prefix="prod/team/api", appliedFor=["PULL_THROUGH_CACHE"], imageTagMutability="MUTABLE"
    )
    replicate(rule(EAST))

    push("prod/team/api")

    [repository] = destination.describe_repositories()["repositories"]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["encryptionConfiguration"] == {
        "encryptionType": "KMS",
        "kmsKey": f"arn:aws:kms:us-east-1:{SOURCE_ACCOUNT}:key/replicated",
    }
    assert destination.list_tags_for_resource(resourceArn=repository["repositoryArn"])["tags"] == [
        {"Key": "team", "Value": "platform"}
    ]
    policy = destination.get_repository_policy(repositoryName="prod/team/api")["policyText"]
    assert json.loads(policy) == REPOSITORY_POLICY
    lifecycle = destination.get_lifecycle_policy(repositoryName="prod/team/api")[
        "lifecyclePolicyText"
    ]
    assert json.loads(lifecycle) == LIFECYCLE_POLICY


@pytest.mark.parametrize(
    ("repository", "mutability"),
    [("prod/api", "IMMUTABLE"), ("production/api", "MUTABLE"), ("prod", "MUTABLE")],
)
def test_a_template_prefix_covers_its_namespace_and_root_covers_the_rest(
    ecr: Any, push: Any, replicate: Any, repository: str, mutability: str
) -> None:
    destination = ecr("us-east-1")
    destination.create_repository_creation_template(
        **template("prod", imageTagMutability="IMMUTABLE")
    )
    destination.create_repository_creation_template(
        **template("ROOT", resourceTags=[{"Key": "from", "Value": "root"}])
    )
    replicate(rule(EAST))

    push(repository)

    [created] = destination.describe_repositories()["repositories"]
    assert created["imageTagMutability"] == mutability
    tags = destination.list_tags_for_resource(resourceArn=created["repositoryArn"])["tags"]
    assert tags == ([] if mutability == "IMMUTABLE" else [{"Key": "from", "Value": "root"}])


def test_an_existing_destination_repository_keeps_its_settings(
    ecr: Any, push: Any, replicate: Any
) -> None:
    destination = ecr("us-east-1")
    destination.create_repository(repositoryName="prod/api", imageTagMutability="IMMUTABLE")
    destination.create_repository_creation_template(
        **template("prod", imageTagMutability="MUTABLE")
    )
    replicate(rule(EAST))

    digest = push("prod/api")

    [repository] = destination.describe_repositories()["repositories"]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert images_in(destination, "prod/api") == {digest: ["v1"]}


def test_a_tag_taken_in_an_immutable_destination_arrives_untagged(
    ecr: Any, push: Any, replicate: Any
) -> None:
    first = push("prod/api", tag="v1", seed="first", region="us-east-1")
    ecr("us-east-1").put_image_tag_mutability(
        repositoryName="prod/api", imageTagMutability="IMMUTABLE"
    )
    replicate(rule(EAST))

    second = push("prod/api", tag="v1", seed="second")

    assert images_in(ecr("us-east-1"), "prod/api") == {first: ["v1"], second: []}


def test_a_tag_taken_in_a_mutable_destination_moves_to_the_replicated_image(
    ecr: Any, push: Any, replicate: Any
) -> None:
    push("prod/api", tag="v1", seed="first", region="us-east-1")
    push("prod/api", tag="keep", seed="first", region="us-east-1")
    replicate(rule(EAST))

    second = push("prod/api", tag="v1", seed="second")

    found = images_in(ecr("us-east-1"), "prod/api")
    assert found[second] == ["v1"]
    assert ["keep"] in found.values()


def test_a_second_tag_of_a_replicated_image_is_added_in_the_destination(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST))

    digest = push("prod/api", tag="v1", seed="same")
    push("prod/api", tag="latest", seed="same")

    assert images_in(ecr("us-east-1"), "prod/api") == {digest: ["latest", "v1"]}


# --- cross-account destinations ----------------------------------------------------------


def test_a_cross_account_destination_that_grants_the_source_gets_the_image(
    ecr: Any, push: Any, replicate: Any
) -> None:
    other = ecr("eu-west-1", OTHER_ACCOUNT)
    other.put_registry_policy(policyText=grant("ecr:ReplicateImage", "ecr:CreateRepository"))
    replicate(rule(EU_OTHER))

    digest = push("prod/api")

    assert images_in(other, "prod/api") == {digest: ["v1"]}
    [repository] = other.describe_repositories()["repositories"]
    assert repository["registryId"] == OTHER_ACCOUNT
    # Nothing landed in the source account's own eu-west-1 registry.
    assert ecr("eu-west-1").describe_repositories()["repositories"] == []


def status_of(ecr: Any, repository: str = "prod/api") -> list[dict[str, str]]:
    answer = ecr().describe_image_replication_status(
        repositoryName=repository, imageId={"imageTag": "v1"}
    )
    statuses: list[dict[str, str]] = answer["replicationStatuses"]
    return statuses


def test_a_cross_account_destination_without_a_registry_policy_fails(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EU_OTHER))

    push("prod/api")

    assert images_in(ecr("eu-west-1", OTHER_ACCOUNT), "prod/api") == {}
    assert ecr("eu-west-1", OTHER_ACCOUNT).describe_repositories()["repositories"] == []
    assert status_of(ecr) == [
        {
            "region": "eu-west-1",
            "registryId": OTHER_ACCOUNT,
            "status": "FAILED",
            "failureCode": "PERMISSION_DENIED",
        }
    ]


def arn_policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


BOTH = ["ecr:ReplicateImage", "ecr:CreateRepository"]
REPOSITORIES = f"arn:aws:ecr:eu-west-1:{OTHER_ACCOUNT}:repository/*"


def allow(
    principal: Any = None, actions: Any = None, resource: Any = REPOSITORIES
) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal or {"AWS": f"arn:aws:iam::{SOURCE_ACCOUNT}:root"},
        "Action": BOTH if actions is None else actions,
        "Resource": resource,
    }


@pytest.mark.parametrize(
    ("statements", "replicated"),
    [
        ([allow()], True),
        ([allow(principal={"AWS": SOURCE_ACCOUNT})], True),
        (
            [
                allow(
                    principal={
                        "AWS": [
                            f"arn:aws:iam::{SOURCE_ACCOUNT}:root",
                            "arn:aws:iam::999999999999:root",
                        ]
                    }
                )
            ],
            True,
        ),
        ([allow(actions="ecr:*")], True),
        ([allow(resource=f"arn:aws:ecr:eu-west-1:{OTHER_ACCOUNT}:repository/prod/*")], True),
        ([allow(principal={"AWS": "arn:aws:iam::999999999999:root"})], False),
        ([allow(actions=["ecr:ReplicateImage"])], False),
        ([allow(actions=["ecr:CreateRepository"])], False),
        ([allow(resource=f"arn:aws:ecr:eu-west-1:{OTHER_ACCOUNT}:repository/dev/*")], False),
        ([allow(resource=f"arn:aws:ecr:us-east-1:{OTHER_ACCOUNT}:repository/*")], False),
        ([allow(), {**allow(actions="ecr:ReplicateImage"), "Effect": "Deny"}], False),
    ],
    ids=[
        "root-arn",
        "account-id",
        "one-of-several-principals",
        "ecr-wildcard",
        "resource-prefix",
        "other-account",
        "no-create-repository",
        "no-replicate-image",
        "other-repositories",
        "other-region",
        "deny-wins",
    ],
)
def test_the_destination_registry_policy_decides(
    ecr: Any, push: Any, replicate: Any, statements: list[dict[str, Any]], replicated: bool
) -> None:
    ecr("eu-west-1", OTHER_ACCOUNT).put_registry_policy(policyText=arn_policy(statements))
    replicate(rule(EU_OTHER))

    digest = push("prod/api")

    assert images_in(ecr("eu-west-1", OTHER_ACCOUNT), "prod/api") == (
        {digest: ["v1"]} if replicated else {}
    )
    assert status_of(ecr)[0]["status"] == ("COMPLETE" if replicated else "FAILED")


def test_an_existing_repository_needs_only_replicate_image(
    ecr: Any, push: Any, replicate: Any
) -> None:
    other = ecr("eu-west-1", OTHER_ACCOUNT)
    other.put_registry_policy(policyText=grant("ecr:ReplicateImage"))
    other.create_repository(repositoryName="prod/api")
    replicate(rule(EU_OTHER))

    digest = push("prod/api")

    assert images_in(other, "prod/api") == {digest: ["v1"]}
    assert status_of(ecr)[0]["status"] == "COMPLETE"
