"""Replication backfill: images that existed before replication was configured."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.ecr.models import ecr_backends

from ecrrepl.sandbox import ecr_gaps
from emulator.support import OTHER_ACCOUNT, SOURCE_ACCOUNT, grant, image_manifest, images_in, rule

EAST = ("us-east-1", SOURCE_ACCOUNT)
EU_OTHER = ("eu-west-1", OTHER_ACCOUNT)
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def destination(region: str, account: str = SOURCE_ACCOUNT) -> dict[str, str]:
    return {"region": region, "registryId": account}


def start(ecr: Any, region: str = "us-east-1", account: str = SOURCE_ACCOUNT) -> str:
    answer = ecr().start_replication_backfill(destination=destination(region, account))
    backfill_id: str = answer["replicationBackfillId"]
    return backfill_id


def results(ecr: Any, backfill_id: str, **extra: Any) -> Any:
    answer = ecr().describe_replication_backfill_results(replicationBackfillId=backfill_id, **extra)
    answer.pop("ResponseMetadata")
    return answer


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    code: str = raised.value.response["Error"]["Code"]
    return code


def result(
    repository: str, digest: str, tag: str | None, failure: str | None = None
) -> dict[str, Any]:
    image_id = {"imageDigest": digest} | ({"imageTag": tag} if tag else {})
    found: dict[str, Any] = {
        "repositoryName": repository,
        "imageId": image_id,
        "status": "FAILED" if failure else "COMPLETE",
    }
    return found | ({"failureCode": failure} if failure else {})


def test_a_backfill_copies_the_images_that_match_the_live_rules(
    ecr: Any, push: Any, replicate: Any
) -> None:
    api = push("prod/api", tag="v1", seed="api")
    push("prod/api", tag="latest", seed="api")
    bare = push("prod/api", tag=None, seed="bare")
    push("dev/api")
    replicate(
        rule(EAST, filters=("prod/",)), rule(("us-east-2", SOURCE_ACCOUNT), filters=("dev/",))
    )

    started = ecr().start_replication_backfill(destination=destination("us-east-1"))
    described = results(ecr, started["replicationBackfillId"])

    assert started["status"] == "PREPARING"
    assert started["registryId"] == SOURCE_ACCOUNT
    assert started["destination"] == destination("us-east-1")
    assert described["status"] == "COMPLETE"
    assert described["progress"] == {
        "totalReplicationCount": 3,
        "completedReplicationCount": 3,
        "failedReplicationCount": 0,
        "failureCodes": [],
    }
    # Each image and tag is one replication; an untagged image is one.
    assert sorted(described["results"], key=str) == sorted(
        [
            result("prod/api", api, "v1"),
            result("prod/api", api, "latest"),
            result("prod/api", bare, None),
        ],
        key=str,
    )
    assert described["startedAt"] <= described["endedAt"]
    assert images_in(ecr("us-east-1"), "prod/api") == {api: ["latest", "v1"], bare: []}
    assert ecr("us-east-1").describe_repositories(repositoryNames=["prod/api"])["repositories"]
    assert images_in(ecr("us-east-1"), "dev/api") == {}


def test_a_backfill_id_is_a_uuid_and_backfills_are_listed(
    ecr: Any, push: Any, replicate: Any
) -> None:
    push("prod/api")
    replicate(rule(EAST, ("us-east-2", SOURCE_ACCOUNT)))

    first, second = start(ecr, "us-east-1"), start(ecr, "us-east-2")
    listed = ecr().list_replication_backfills()

    assert first != second
    for backfill_id in (first, second):
        assert re.match(UUID, backfill_id)
    assert listed["registryId"] == SOURCE_ACCOUNT
    assert [
        (b["replicationBackfillId"], b["destination"]["region"], b["status"])
        for b in listed["backfills"]
    ] == [
        (first, "us-east-1", "COMPLETE"),
        (second, "us-east-2", "COMPLETE"),
    ]
    assert "results" not in listed["backfills"][0]


def test_backfills_are_listed_in_pages(ecr: Any, push: Any, replicate: Any) -> None:
    regions = ["us-east-1", "us-east-2", "us-west-1"]
    replicate(rule(*[(r, SOURCE_ACCOUNT) for r in regions]))
    started = [start(ecr, region) for region in regions]

    pages = (
        ecr().get_paginator("list_replication_backfills").paginate(PaginationConfig={"PageSize": 2})
    )

    assert [[b["replicationBackfillId"] for b in page["backfills"]] for page in pages] == [
        started[:2],
        started[2:],
    ]


def test_results_are_paged_and_filtered_by_status(ecr: Any, push: Any, replicate: Any) -> None:
    for n in range(5):
        push(f"prod/app{n}")
    ecr("us-east-1").create_repository(repositoryName="prod/app0")
    replicate(rule(EAST, EU_OTHER))
    # The other account grants ReplicateImage only: repositories it lacks cannot be created.
    ecr("eu-west-1", OTHER_ACCOUNT).put_registry_policy(policyText=grant("ecr:ReplicateImage"))
    ecr("eu-west-1", OTHER_ACCOUNT).create_repository(repositoryName="prod/app1")
    backfill_id = start(ecr, "eu-west-1", OTHER_ACCOUNT)

    pages = (
        ecr()
        .get_paginator("describe_replication_backfill_results")
        .paginate(replicationBackfillId=backfill_id, PaginationConfig={"PageSize": 2})
    )
    failed = results(ecr, backfill_id, resultStatusFilter="FAILED")
    complete = results(ecr, backfill_id, resultStatusFilter="COMPLETE")

    assert [len(page["results"]) for page in pages] == [2, 2, 1]
    assert sorted(r["repositoryName"] for r in failed["results"]) == [
        f"prod/app{n}" for n in (0, 2, 3, 4)
    ]
    assert {r["failureCode"] for r in failed["results"]} == {"PERMISSION_DENIED"}
    assert [r["repositoryName"] for r in complete["results"]] == ["prod/app1"]
    # Fewer than 100 replications: the failure threshold is not evaluated.
    assert failed["status"] == "COMPLETE"
    assert failed["progress"] == {
        "totalReplicationCount": 5,
        "completedReplicationCount": 1,
        "failedReplicationCount": 4,
        "failureCodes": ["PERMISSION_DENIED"],
    }


def test_a_backfill_follows_tag_immutability_like_a_push(
    ecr: Any, push: Any, replicate: Any
) -> None:
    taken = push("prod/api", tag="v1", seed="there", region="us-east-1")
    ecr("us-east-1").put_image_tag_mutability(
        repositoryName="prod/api", imageTagMutability="IMMUTABLE"
    )
    pushed = push("prod/api", tag="v1", seed="here")
    replicate(rule(EAST))

    described = results(ecr, start(ecr))

    assert described["results"] == [result("prod/api", pushed, "v1")]
    assert images_in(ecr("us-east-1"), "prod/api") == {taken: ["v1"], pushed: []}


def test_a_backfill_creates_repositories_from_templates(
    ecr: Any, push: Any, replicate: Any
) -> None:
    ecr("us-east-1").create_repository_creation_template(
        prefix="prod", appliedFor=["REPLICATION"], imageTagMutability="IMMUTABLE"
    )
    push("prod/api")
    replicate(rule(EAST))

    start(ecr)

    [repository] = ecr("us-east-1").describe_repositories()["repositories"]
    assert repository["imageTagMutability"] == "IMMUTABLE"


def test_backfilled_images_report_their_replication_status(
    ecr: Any, push: Any, replicate: Any
) -> None:
    push("prod/api")
    replicate(rule(EAST, EU_OTHER))

    start(ecr, "us-east-1")
    start(ecr, "eu-west-1", OTHER_ACCOUNT)

    statuses = ecr().describe_image_replication_status(
        repositoryName="prod/api", imageId={"imageTag": "v1"}
    )
    assert statuses["replicationStatuses"] == [
        {"region": "us-east-1", "registryId": SOURCE_ACCOUNT, "status": "COMPLETE"},
        {
            "region": "eu-west-1",
            "registryId": OTHER_ACCOUNT,
            "status": "FAILED",
            "failureCode": "PERMISSION_DENIED",
        },
    ]


def test_a_destination_outside_the_live_configuration_is_refused(
    ecr: Any, push: Any, replicate: Any
) -> None:
    replicate(rule(EAST))

    for wrong in (destination("us-east-2"), destination("us-east-1", OTHER_ACCOUNT)):
        code = error_code(lambda wrong=wrong: ecr().start_replication_backfill(destination=wrong))
        assert code == "InvalidParameterException"
    assert ecr().list_replication_backfills()["backfills"] == []


def test_a_backfill_progresses_over_polls(ecr: Any, push: Any, replicate: Any) -> None:
    ecr_gaps.replication_settings(in_progress_polls=2)
    for n in range(6):
        push(f"prod/app{n}")
    replicate(rule(EAST))
    backfill_id = start(ecr)

    seen = []
    for _ in range(3):
        answer = results(ecr, backfill_id)
        landed = len(ecr("us-east-1").describe_repositories()["repositories"])
        seen.append(
            (
                answer["status"],
                answer["progress"]["completedReplicationCount"],
                landed,
                "results" in answer,
            )
        )

    assert seen == [
        ("IN_PROGRESS", 2, 2, False),
        ("IN_PROGRESS", 4, 4, False),
        ("COMPLETE", 6, 6, True),
    ]


def test_one_backfill_at_a_time_per_destination_region(ecr: Any, push: Any, replicate: Any) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)
    replicate(rule(EAST, ("us-east-1", OTHER_ACCOUNT), ("us-east-2", SOURCE_ACCOUNT)))
    first = start(ecr, "us-east-1")

    same_region = error_code(lambda: start(ecr, "us-east-1", OTHER_ACCOUNT))
    start(ecr, "us-east-2")
    results(ecr, first)
    results(ecr, first)

    assert same_region == "ReplicationBackfillInProgressException"
    assert results(ecr, first)["status"] == "COMPLETE"
    start(ecr, "us-east-1", OTHER_ACCOUNT)


REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
]


def test_at_most_ten_backfills_in_progress_per_registry(ecr: Any, replicate: Any) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)
    replicate(rule(*[(region, SOURCE_ACCOUNT) for region in REGIONS]))
    started = [start(ecr, region) for region in REGIONS[:10]]

    eleventh = error_code(lambda: start(ecr, REGIONS[10]))
    ecr().stop_replication_backfill(replicationBackfillId=started[0])
    still_stopping = error_code(lambda: start(ecr, REGIONS[10]))
    results(ecr, started[0])

    assert eleventh == still_stopping == "LimitExceededException"
    start(ecr, REGIONS[10])


def test_a_stopped_backfill_keeps_what_landed_and_lands_no_more(
    ecr: Any, push: Any, replicate: Any
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)
    for n in range(4):
        push(f"prod/app{n}")
    replicate(rule(EAST))
    backfill_id = start(ecr)
    halfway = results(ecr, backfill_id)

    stopped = ecr().stop_replication_backfill(replicationBackfillId=backfill_id)
    after = results(ecr, backfill_id)
    again = error_code(lambda: ecr().stop_replication_backfill(replicationBackfillId=backfill_id))

    assert halfway["status"] == "IN_PROGRESS"
    assert (stopped["status"], stopped["replicationBackfillId"]) == ("STOPPING", backfill_id)
    assert after["status"] == "STOPPED"
    assert after["progress"]["completedReplicationCount"] == 2
    assert len(after["results"]) == 2
    assert len(ecr("us-east-1").describe_repositories()["repositories"]) == 2
    assert again == "ReplicationBackfillInvalidStatusException"


def test_a_backfill_stopped_while_preparing_has_no_progress(
    ecr: Any, push: Any, replicate: Any
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)
    push("prod/api")
    replicate(rule(EAST))
    backfill_id = start(ecr)

    ecr().stop_replication_backfill(replicationBackfillId=backfill_id)
    after = results(ecr, backfill_id)

    assert after["status"] == "STOPPED"
    assert "progress" not in after
    assert after["results"] == []
    assert images_in(ecr("us-east-1"), "prod/api") == {}


def test_an_ended_backfill_cannot_be_stopped(ecr: Any, push: Any, replicate: Any) -> None:
    replicate(rule(EAST))
    backfill_id = start(ecr)

    code = error_code(lambda: ecr().stop_replication_backfill(replicationBackfillId=backfill_id))

    assert code == "ReplicationBackfillInvalidStatusException"


@pytest.mark.parametrize(
    "operation", ["describe_replication_backfill_results", "stop_replication_backfill"]
)
def test_an_unknown_backfill_is_not_found(ecr: Any, operation: str) -> None:
    call = getattr(ecr(), operation)

    code = error_code(lambda: call(replicationBackfillId="00000000-0000-0000-0000-000000000000"))

    assert code == "ReplicationBackfillNotFoundException"


def test_a_backfill_of_another_account_is_not_found(ecr: Any, replicate: Any) -> None:
    replicate(rule(EAST))
    backfill_id = start(ecr)

    code = error_code(
        lambda: ecr("us-west-2", OTHER_ACCOUNT).describe_replication_backfill_results(
            replicationBackfillId=backfill_id
        )
    )

    assert code == "ReplicationBackfillNotFoundException"


def test_a_backfill_fails_once_half_of_100_replications_failed(ecr: Any, replicate: Any) -> None:
    # Seeded through moto's backend: a hundred pushes through the API would be slow.
    source = ecr_backends[SOURCE_ACCOUNT]["us-west-2"]
    for n in range(120):
        name = f"prod/app{n:03d}"
        source.create_repository(name, None, {}, None, "MUTABLE", [])
        source.put_image(name, image_manifest(name), "v1")
    replicate(rule(EU_OTHER))

    described = results(ecr, start(ecr, "eu-west-1", OTHER_ACCOUNT))

    assert (described["status"], described["failureCode"]) == (
        "FAILED",
        "FAILURE_THRESHOLD_EXCEEDED",
    )
    assert described["progress"]["failedReplicationCount"] == 100
    assert described["progress"]["totalReplicationCount"] == 120
