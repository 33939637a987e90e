"""Deletions replicate only where a rule enables deleteReplication."""

from __future__ import annotations

from typing import Any

from emulator.support import OTHER_ACCOUNT, SOURCE_ACCOUNT, grant, images_in, rule

EAST = ("us-east-1", SOURCE_ACCOUNT)
EAST_2 = ("us-east-2", SOURCE_ACCOUNT)
DELETING = {"deleteReplication": {"enabled": True}}


def test_deleting_by_digest_deletes_the_image_where_the_rule_replicates_deletions(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST, **DELETING), rule(EAST_2))
    digest = push("prod/api", tag="v1", seed="one")
    push("prod/api", tag="latest", seed="one")
    kept = push("prod/api", tag="v2", seed="two")

    ecr().batch_delete_image(repositoryName="prod/api", imageIds=[{"imageDigest": digest}])

    assert images_in(ecr("us-east-1"), "prod/api") == {kept: ["v2"]}
    assert images_in(ecr("us-east-2"), "prod/api") == {digest: ["latest", "v1"], kept: ["v2"]}


def test_removing_one_of_several_tags_removes_that_tag_only(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST, **DELETING))
    digest = push("prod/api", tag="v1", seed="one")
    push("prod/api", tag="latest", seed="one")

    ecr().batch_delete_image(repositoryName="prod/api", imageIds=[{"imageTag": "latest"}])

    assert images_in(ecr("us-east-1"), "prod/api") == {digest: ["v1"]}


def test_removing_the_last_tag_deletes_the_image_with_all_its_tags(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST, **DELETING))
    digest = push("prod/api", tag="v1", seed="one")
    # In the destination the same image also carries a tag the source never had.
    ecr("us-east-1").put_image(
        repositoryName="prod/api",
        imageManifest=ecr().batch_get_image(
            repositoryName="prod/api", imageIds=[{"imageDigest": digest}]
        )["images"][0]["imageManifest"],
        imageTag="local",
    )

    ecr().batch_delete_image(repositoryName="prod/api", imageIds=[{"imageTag": "v1"}])

    assert images_in(ecr(), "prod/api") == {}
    assert images_in(ecr("us-east-1"), "prod/api") == {}


def test_deletions_follow_the_rule_filters(ecr: Any, push: Any, replicate: Any) -> None:
    replicate(rule(EAST, filters=("prod/",), **DELETING), rule(EAST, filters=("dev/",)))
    prod = push("prod/api")
    dev = push("dev/api")

    for name, digest in [("prod/api", prod), ("dev/api", dev)]:
        ecr().batch_delete_image(repositoryName=name, imageIds=[{"imageDigest": digest}])

    assert images_in(ecr("us-east-1"), "prod/api") == {}
    assert images_in(ecr("us-east-1"), "dev/api") == {dev: ["v1"]}


def test_a_cross_account_deletion_reaches_the_destination_account(
    ecr: Any, push: Any, replicate: Any
) -> None:
    other = ecr("eu-west-1", OTHER_ACCOUNT)
    other.put_registry_policy(policyText=grant("ecr:ReplicateImage", "ecr:CreateRepository"))
    replicate(rule(("eu-west-1", OTHER_ACCOUNT), **DELETING))
    digest = push("prod/api")

    ecr().batch_delete_image(repositoryName="prod/api", imageIds=[{"imageDigest": digest}])

    assert images_in(other, "prod/api") == {}


def test_a_deletion_in_the_destination_does_not_travel_back(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST, **DELETING))
    digest = push("prod/api")

    ecr("us-east-1").batch_delete_image(
        repositoryName="prod/api", imageIds=[{"imageDigest": digest}]
    )

    assert images_in(ecr(), "prod/api") == {digest: ["v1"]}
