"""DescribeImageReplicationStatus, and replications that stay in progress for some polls."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecrrepl.sandbox import ecr_gaps
from emulator.support import OTHER_ACCOUNT, SOURCE_ACCOUNT, grant, images_in, rule

EAST = ("us-east-1", SOURCE_ACCOUNT)
EU_OTHER = ("eu-west-1", OTHER_ACCOUNT)


def describe(ecr: Any, image_id: dict[str, str], repository: str = "prod/api", **extra: Any) -> Any:
    answer = ecr().describe_image_replication_status(
        repositoryName=repository, imageId=image_id, **extra
    )
    answer.pop("ResponseMetadata")
    return answer


def error_of(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_each_destination_reports_its_status(ecr: Any, push: Any, replicate: Any) -> None:
    replicate(rule(EAST), rule(EU_OTHER, ("us-east-2", SOURCE_ACCOUNT)))
    digest = push("prod/api")

    by_tag = describe(ecr, {"imageTag": "v1"})
    by_digest = describe(ecr, {"imageDigest": digest}, registryId=SOURCE_ACCOUNT)

    expected = [
        {"region": "us-east-1", "registryId": SOURCE_ACCOUNT, "status": "COMPLETE"},
        {
            "region": "eu-west-1",
            "registryId": OTHER_ACCOUNT,
            "status": "FAILED",
            "failureCode": "PERMISSION_DENIED",
        },
        {"region": "us-east-2", "registryId": SOURCE_ACCOUNT, "status": "COMPLETE"},
    ]
    assert by_tag == {
        "repositoryName": "prod/api",
        "imageId": {"imageDigest": digest, "imageTag": "v1"},
        "replicationStatuses": expected,
    }
    assert by_digest == {**by_tag, "imageId": {"imageDigest": digest}}


def test_a_region_moto_does_not_serve_fails_instead_of_erroring(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(("xx-nowhere-1", SOURCE_ACCOUNT), EAST))
    digest = push("prod/api")

    statuses = describe(ecr, {"imageTag": "v1"})["replicationStatuses"]

    assert statuses == [
        {
            "region": "xx-nowhere-1",
            "registryId": SOURCE_ACCOUNT,
            "status": "FAILED",
            "failureCode": "REGION_NOT_AVAILABLE",
        },
        {"region": "us-east-1", "registryId": SOURCE_ACCOUNT, "status": "COMPLETE"},
    ]
    assert images_in(ecr("us-east-1"), "prod/api") == {digest: ["v1"]}


def test_an_image_never_replicated_has_no_statuses(ecr: Any, push: Any, replicate: Any) -> None:
    replicate(rule(EAST, filters=("prod/",)))
    push("dev/api")

    assert describe(ecr, {"imageTag": "v1"}, repository="dev/api")["replicationStatuses"] == []


def test_a_replicated_image_has_no_statuses_in_its_destination(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST))
    replicate(rule(("us-east-2", SOURCE_ACCOUNT)), region="us-east-1")
    push("prod/api")

    answer = ecr("us-east-1").describe_image_replication_status(
        repositoryName="prod/api", imageId={"imageTag": "v1"}
    )

    assert answer["replicationStatuses"] == []


def test_a_missing_image_is_not_found(ecr: Any, push: Any) -> None:
    push("prod/api")

    code, message = error_of(lambda: describe(ecr, {"imageTag": "v9"}))

    assert code == "ImageNotFoundException"
    assert "prod/api" in message


def test_a_missing_repository_is_not_found(ecr: Any) -> None:
    code, message = error_of(lambda: describe(ecr, {"imageTag": "v1"}, repository="nope/api"))

    assert code == "RepositoryNotFoundException"
    assert message == (
        f"The repository with name 'nope/api' does not exist in the registry with id "
        f"'{SOURCE_ACCOUNT}'"
    )


def test_a_repository_of_another_registry_is_not_found(ecr: Any, push: Any) -> None:
    push("prod/api")

    code, _ = error_of(lambda: describe(ecr, {"imageTag": "v1"}, registryId=OTHER_ACCOUNT))

    assert code == "RepositoryNotFoundException"


def test_an_image_id_needs_a_tag_or_a_digest(ecr: Any, push: Any) -> None:
    push("prod/api")

    code, _ = error_of(lambda: describe(ecr, {}))

    assert code == "InvalidParameterException"


def test_replications_stay_in_progress_for_the_polls_set_then_land(
    ecr: Any, push: Any, replicate: Any
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=2)
    ecr("eu-west-1", OTHER_ACCOUNT).put_registry_policy(
        policyText=grant("ecr:ReplicateImage", "ecr:CreateRepository")
    )
    replicate(rule(EAST, EU_OTHER))
    digest = push("prod/api")

    seen = []
    for _ in range(3):
        statuses = describe(ecr, {"imageTag": "v1"})["replicationStatuses"]
        seen.append(
            (
                [s["status"] for s in statuses],
                images_in(ecr("us-east-1"), "prod/api"),
                images_in(ecr("eu-west-1", OTHER_ACCOUNT), "prod/api"),
            )
        )

    assert seen == [
        (["IN_PROGRESS", "IN_PROGRESS"], {}, {}),
        (["IN_PROGRESS", "IN_PROGRESS"], {}, {}),
        (["COMPLETE", "COMPLETE"], {digest: ["v1"]}, {digest: ["v1"]}),
    ]


def test_a_failing_replication_is_in_progress_before_it_fails(
    ecr: Any, push: Any, replicate: Any
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)
    replicate(rule(EU_OTHER))
    push("prod/api")

    first = describe(ecr, {"imageTag": "v1"})["replicationStatuses"]
    second = describe(ecr, {"imageTag": "v1"})["replicationStatuses"]

    assert [s["status"] for s in first] == ["IN_PROGRESS"]
    assert "failureCode" not in first[0]
    assert second[0] == {
        "region": "eu-west-1",
        "registryId": OTHER_ACCOUNT,
        "status": "FAILED",
        "failureCode": "PERMISSION_DENIED",
    }


def test_a_replication_keeps_the_polls_in_force_when_it_started(
    ecr: Any, push: Any, replicate: Any
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)
    replicate(rule(EAST))
    push("prod/api")
    ecr_gaps.replication_settings(in_progress_polls=0)

    statuses = [
        describe(ecr, {"imageTag": "v1"})["replicationStatuses"][0]["status"] for _ in range(2)
    ]

    assert statuses == ["IN_PROGRESS", "COMPLETE"]


def test_a_second_push_while_in_progress_lands_both_tags(
    ecr: Any, push: Any, replicate: Any
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)
    replicate(rule(EAST))
    digest = push("prod/api", tag="v1", seed="same")
    push("prod/api", tag="latest", seed="same")

    describe(ecr, {"imageTag": "v1"})
    describe(ecr, {"imageTag": "v1"})

    assert images_in(ecr("us-east-1"), "prod/api") == {digest: ["latest", "v1"]}


def test_the_settings_refuse_a_negative_or_fractional_poll_count() -> None:
    for wrong in (-1, 1.5, True):
        with pytest.raises(ValueError):
            ecr_gaps.replication_settings(in_progress_polls=wrong)  # type: ignore[arg-type]
    assert ecr_gaps.replication_settings() == ecr_gaps.ReplicationSettings(in_progress_polls=0)


@pytest.mark.parametrize(
    ("environment", "polls"),
    [
        ({}, 0),
        ({"ECR_EMULATOR_IN_PROGRESS_POLLS": "3"}, 3),
        ({"ECR_EMULATOR_IN_PROGRESS_POLLS": " "}, 0),
    ],
)
def test_the_settings_read_from_the_environment(environment: dict[str, str], polls: int) -> None:
    assert ecr_gaps.settings_from_environment(environment).in_progress_polls == polls


@pytest.mark.parametrize("value", ["two", "-1"])
def test_a_bad_setting_in_the_environment_is_named(value: str) -> None:
    with pytest.raises(ValueError, match=r"^ECR_EMULATOR_IN_PROGRESS_POLLS must be"):
        ecr_gaps.settings_from_environment({"ECR_EMULATOR_IN_PROGRESS_POLLS": value})
