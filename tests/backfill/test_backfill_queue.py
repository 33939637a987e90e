"""The backfill queue without AWS: AWS's limits, following what already runs, and the
AWS answers (through botocore's Stubber) that mean "not now" rather than "failed"."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from ecrrepl.aws.backfill import refresh_backfill, start_backfill
from ecrrepl.backfill import (
    MAX_ACTIVE_PER_REGISTRY,
    Backfill,
    BackfillRun,
    BackfillTarget,
    Busy,
    Pacing,
    drive,
    startable,
)
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import UserError
from harness import models
from harness.sessions import StubbedSessions

SOURCE = models.OREGON
OTHER_SOURCE = RegistryAddress("111111111111", "eu-west-1")
REGIONS = [f"region-{n:02d}" for n in range(12)]


def target(region: str, account: str = "222222222222", source: RegistryAddress = SOURCE) -> Any:
    return BackfillTarget(source, RegistryAddress(account, region))


def running(t: BackfillTarget, backfill_id: str = "b") -> Backfill:
    return Backfill(backfill_id, t, "IN_PROGRESS")


def test_at_most_ten_start_in_one_registry() -> None:
    queue = [target(region) for region in REGIONS]
    assert startable(queue, []) == queue[:MAX_ACTIVE_PER_REGISTRY]


def test_one_per_destination_region_and_the_limits_are_per_source_registry() -> None:
    queue = [
        target("us-east-1"),
        target("us-east-1", account="333333333333"),
        target("eu-west-1"),
        target("us-east-1", source=OTHER_SOURCE),
    ]
    assert startable(queue, []) == [queue[0], queue[2], queue[3]]


def test_running_backfills_hold_their_region_and_their_share_of_the_limit() -> None:
    holding = [running(target(region)) for region in REGIONS[:9]]
    queue = [target(REGIONS[0], account="333333333333"), target(REGIONS[10]), target(REGIONS[11])]
    assert startable(queue, holding) == [queue[1]]
    # An ended backfill holds nothing.
    ended = [Backfill("b", b.target, "COMPLETE") for b in holding]
    assert startable(queue, ended) == queue


class FakeRegistry:
    """Backfills that end after two polls, with AWS's limits enforced on every start."""

    def __init__(self) -> None:
        self.active: dict[str, tuple[BackfillTarget, int]] = {}
        self.ids = (f"id-{n}" for n in itertools.count())
        self.peak = 0
        self.refused = 0

    def start(self, t: BackfillTarget) -> Backfill | Busy:
        regions = {held.destination.region for held, _ in self.active.values()}
        if t.destination.region in regions or len(self.active) >= MAX_ACTIVE_PER_REGISTRY:
            self.refused += 1
            return Busy("ReplicationBackfillInProgressException")
        backfill_id = next(self.ids)
        self.active[backfill_id] = (t, 2)
        self.peak = max(self.peak, len(self.active))
        return Backfill(backfill_id, t, "PREPARING")

    def refresh(self, backfill: Backfill, with_failures: bool) -> Backfill:
        t, polls = self.active[backfill.backfill_id]
        if polls == 0:
            del self.active[backfill.backfill_id]
            return Backfill(backfill.backfill_id, t, "COMPLETE")
        self.active[backfill.backfill_id] = (t, polls - 1)
        return Backfill(backfill.backfill_id, t, "IN_PROGRESS")


def test_driving_the_queue_never_asks_more_than_aws_allows() -> None:
    registry = FakeRegistry()
    queue = [target(region) for region in REGIONS] + [target(REGIONS[0], account="333333333333")]
    sleeps: list[float] = []

    run = drive(
        BackfillRun(queue=list(queue)),
        registry.start,
        registry.refresh,
        Pacing(sleep=sleeps.append, intervals=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        until_finished=True,
    )

    assert run.finished
    assert sorted(b.target for b in run.followed) == sorted(queue)
    assert all(b.status == "COMPLETE" for b in run.followed)
    assert (registry.peak, registry.refused) == (MAX_ACTIVE_PER_REGISTRY, 0)
    assert sleeps == [1] * 6


def test_without_waiting_it_returns_once_the_last_has_started() -> None:
    registry = FakeRegistry()
    queue = [target("us-east-1"), target("us-east-1", account="333333333333")]

    run = drive(
        BackfillRun(queue=list(queue)),
        registry.start,
        registry.refresh,
        Pacing(sleep=lambda seconds: None),
        until_finished=False,
    )

    assert run.queue == []
    assert [b.status for b in run.followed_in_order] == ["COMPLETE", "PREPARING"]


def test_a_refused_start_learns_what_runs_and_retries_after_it() -> None:
    theirs = running(target("us-east-1", account="444444444444"), backfill_id="theirs")
    polls = iter(["IN_PROGRESS", "COMPLETE"])
    starts: list[BackfillTarget] = []

    def start(t: BackfillTarget) -> Backfill | Busy:
        starts.append(t)
        if len(starts) == 1:
            return Busy("ReplicationBackfillInProgressException", (theirs,))
        return Backfill("ours", t, "COMPLETE")

    def refresh(backfill: Backfill, with_failures: bool) -> Backfill:
        assert backfill.backfill_id == "theirs" and not with_failures
        return Backfill("theirs", backfill.target, next(polls))

    run = drive(
        BackfillRun(queue=[target("us-east-1")]),
        start,
        refresh,
        Pacing(sleep=lambda seconds: None),
        until_finished=True,
    )

    assert starts == [target("us-east-1")] * 2
    assert [b.backfill_id for b in run.followed] == ["ours"]


# --- AWS's answers ------------------------------------------------------------------------


BACKFILL_ID = "0f2d6c1e-1111-4222-8333-444455556666"
THEIRS_ID = "9a8b7c6d-1111-4222-8333-444455556666"
EAST = target("us-east-1")


@pytest.mark.parametrize(
    "code", ["ReplicationBackfillInProgressException", "LimitExceededException"]
)
def test_a_start_refused_for_the_limits_is_busy_with_what_runs(
    stubbed: StubbedSessions, code: str
) -> None:
    stubbed.stubber.add_client_error(
        "start_replication_backfill",
        code,
        "a backfill is in progress",
        400,
        expected_params={
            "registryId": "111111111111",
            "destination": {"region": "us-east-1", "registryId": "222222222222"},
        },
    )
    stubbed.stubber.add_response(
        "list_replication_backfills",
        {
            "backfills": [
                {
                    "replicationBackfillId": THEIRS_ID,
                    "destination": {"region": "us-east-1", "registryId": "333333333333"},
                    "status": "IN_PROGRESS",
                    "startedAt": "2026-01-01T00:00:00Z",
                },
                {
                    "replicationBackfillId": BACKFILL_ID,
                    "destination": {"region": "eu-west-1", "registryId": "222222222222"},
                    "status": "COMPLETE",
                    "startedAt": "2026-01-01T00:00:00Z",
                },
            ]
        },
        # The listing asks for the largest page (aws/pages.py): 50 for backfills.
        {"registryId": "111111111111", "maxResults": 50},
    )

    answer = start_backfill(stubbed, EAST)  # type: ignore[arg-type]

    assert isinstance(answer, Busy)
    assert answer.reason == f"{code}: a backfill is in progress"
    assert [b.backfill_id for b in answer.running] == [THEIRS_ID]


def test_any_other_refusal_is_an_error_naming_account_and_region(
    stubbed: StubbedSessions,
) -> None:
    stubbed.stubber.add_client_error(
        "start_replication_backfill", "ValidationException", "not configured", 400
    )
    with pytest.raises(UserError) as raised:
        start_backfill(stubbed, EAST)  # type: ignore[arg-type]
    assert raised.value.message == (
        "StartReplicationBackfill failed in account 111111111111 region us-west-2: "
        "ValidationException: not configured"
    )


def test_an_ended_backfill_brings_its_failed_images_and_unknown_codes(
    stubbed: StubbedSessions,
) -> None:
    stubbed.stubber.add_response(
        "describe_replication_backfill_results",
        {
            "replicationBackfillId": BACKFILL_ID,
            "destination": {"region": "us-east-1", "registryId": "222222222222"},
            "status": "FAILED",
            "failureCode": "SOMETHING_NEW",
            "progress": {
                "totalReplicationCount": 3,
                "completedReplicationCount": 1,
                "failedReplicationCount": 2,
                "failureCodes": ["KMS_ACCESS_DENIED", "UNKNOWN_TOMORROW"],
            },
            "results": [
                {
                    "repositoryName": "prod/api",
                    "imageId": {"imageDigest": "sha256:" + "b" * 64},
                    "status": "FAILED",
                    "failureCode": "UNKNOWN_TOMORROW",
                    "subImageFailureCodes": ["KMS_ACCESS_DENIED"],
                }
            ],
            "nextToken": "page-2",
        },
        {
            "registryId": "111111111111",
            "replicationBackfillId": BACKFILL_ID,
            "resultStatusFilter": "FAILED",
            "maxResults": 1000,
        },
    )
    stubbed.stubber.add_response(
        "describe_replication_backfill_results",
        {
            "replicationBackfillId": BACKFILL_ID,
            "status": "FAILED",
            "results": [
                {
                    "repositoryName": "prod/web",
                    "imageId": {"imageTag": "2.0"},
                    "status": "FAILED",
                    "failureCode": "KMS_ACCESS_DENIED",
                }
            ],
        },
        {
            "registryId": "111111111111",
            "replicationBackfillId": BACKFILL_ID,
            "resultStatusFilter": "FAILED",
            "maxResults": 1000,
            "nextToken": "page-2",
        },
    )

    ended = refresh_backfill(stubbed, Backfill(BACKFILL_ID, EAST, "IN_PROGRESS"))  # type: ignore[arg-type]

    from ecrrepl.render.backfill_text import render_results_text

    assert not ended.succeeded
    assert render_results_text(BackfillRun(queue=[], followed=[ended])) == (
        "Results:\n"
        "  ✗ 111111111111/us-west-2 → 222222222222/us-east-1  FAILED (failure code: "
        "SOMETHING_NEW): 1 of 3 images, 2 failed\n"
        f"      prod/api@sha256:{'b' * 64}  UNKNOWN_TOMORROW (images of the index: "
        "KMS_ACCESS_DENIED)\n"
        "      prod/web:2.0  KMS_ACCESS_DENIED\n"
    )
