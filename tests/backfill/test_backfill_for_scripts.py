"""`ecrrepl backfill` for scripts, against the ECR emulator in-process: the dry run counts
only what each destination lacks and reports a destination that is not live without
refusing the rest, `--format json`, and `--wait --timeout`."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from ecrrepl.backfill import Pacing
from ecrrepl.commands.backfill import backfill
from ecrrepl.sandbox import ecr_gaps
from harness.cli import Outcome, outcome_of
from harness.replication_arrange import (
    DR_ACCOUNT,
    SOURCE_ACCOUNT,
    allow_replication,
    ecr,
    push,
    replicate,
)

SOURCE = (SOURCE_ACCOUNT, "us-west-2")
EAST = (SOURCE_ACCOUNT, "us-east-1")
DR_EAST = (DR_ACCOUNT, "us-east-1")
DR_WEST = (DR_ACCOUNT, "eu-west-1")

CONFIG = """\
version: 1
accounts:
  "111111111111": {role_arn: "arn:aws:iam::111111111111:role/ecrrepl"}
  "222222222222": {role_arn: "arn:aws:iam::222222222222:role/ecrrepl"}
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - name: prod
        filters: [prod/]
        destinations:
          - region: us-east-1
          - {account: "222222222222", region: us-east-1}
          - {account: "222222222222", region: eu-west-1}
"""


@dataclass
class FakeTime:
    """A clock that moves only when the command sleeps."""

    now: float = 0.0
    taken: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.taken.append(seconds)
        self.now += seconds

    def pacing(self) -> Pacing:
        return Pacing(sleep=self.sleep, clock=lambda: self.now)


RunBackfill = Callable[..., Outcome]


@pytest.fixture
def time_passing() -> FakeTime:
    return FakeTime()


@pytest.fixture
def run_backfill(write_config: Callable[..., str], time_passing: FakeTime) -> RunBackfill:
    def run(*, text: str = CONFIG, **options: object) -> Outcome:
        return outcome_of(
            backfill,
            [write_config(text)],
            stdin=io.StringIO(),
            pacing=time_passing.pacing(),
            **options,
        )

    return run


@pytest.fixture
def old_images(aws: None) -> None:
    """Three images pushed before replication was set up; eu-west-1 already holds one of
    them (same content, so same digest) and another image of its own."""
    source = ecr(*SOURCE)
    push(source, "prod/api", "1.0")
    push(source, "prod/api", "1.1")
    push(source, "prod/web", "2.0")
    push(ecr(*DR_WEST), "prod/api", "1.0")
    push(ecr(*DR_WEST), "prod/api", "0.9")
    for account, region in (DR_EAST, DR_WEST):
        allow_replication(ecr(account, region), region)
    replicate(source, EAST, DR_EAST, DR_WEST)


def test_the_dry_run_counts_only_the_images_a_destination_lacks(
    old_images: None, run_backfill: RunBackfill
) -> None:
    result = run_backfill(dry_run=True, destinations=["222222222222/eu-west-1"])

    assert result == Outcome(
        0,
        "111111111111/us-west-2 → 222222222222/eu-west-1  2 repositories, 2 images missing "
        "(filters: prod/)\n"
        "    prod/api  2 images, 1 missing\n"
        "    prod/web  1 image, 1 missing\n"
        "\n"
        "Dry run: 1 backfill would copy 2 images missing at the destination; nothing was "
        "started.\n",
        "",
    )


def test_the_dry_run_reports_a_destination_that_is_not_live_and_counts_the_others(
    aws: None, run_backfill: RunBackfill
) -> None:
    push(ecr(*SOURCE), "prod/api", "1.0")
    allow_replication(ecr(*DR_WEST), "eu-west-1")
    replicate(ecr(*SOURCE), EAST, DR_WEST)

    result = run_backfill(dry_run=True)

    assert result.exit_code == 1
    assert result.stdout == (
        "111111111111/us-west-2 → 111111111111/us-east-1  1 repository, 1 image missing "
        "(filters: prod/)\n"
        "    prod/api  1 image, 1 missing\n"
        "\n"
        "111111111111/us-west-2 → 222222222222/us-east-1  not in the live replication "
        "configuration of the source: a backfill would be refused (apply first); not counted\n"
        "\n"
        "111111111111/us-west-2 → 222222222222/eu-west-1  1 repository, 1 image missing "
        "(filters: prod/)\n"
        "    prod/api  1 image, 1 missing\n"
        "\n"
        "Dry run: 2 backfills would copy 2 images missing at the destinations; 1 destination "
        "is not in the live configuration (apply first); nothing was started.\n"
    )
    assert ecr(*SOURCE).list_replication_backfills()["backfills"] == []


def test_the_dry_run_as_json(aws: None, run_backfill: RunBackfill) -> None:
    push(ecr(*SOURCE), "prod/api", "1.0")
    allow_replication(ecr(*DR_WEST), "eu-west-1")
    replicate(ecr(*SOURCE), EAST, DR_WEST)

    result = run_backfill(dry_run=True, output_format="json")

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["dry_run"], document["outcome"], document["missing_images"]) == (
        True,
        "not_live",
        2,
    )
    east, dr_east, _ = document["destinations"]
    assert east == {
        "source": {"account": SOURCE_ACCOUNT, "region": "us-west-2"},
        "destination": {"account": SOURCE_ACCOUNT, "region": "us-east-1"},
        "live": True,
        "filters": ["prod/"],
        "missing_images": 1,
        "not_compared": None,
        "repositories": [{"name": "prod/api", "images": 1, "missing_images": 1}],
    }
    assert (dr_east["live"], dr_east["missing_images"], dr_east["repositories"]) == (
        False,
        None,
        [],
    )


def test_a_destination_the_credentials_cannot_reach_is_counted_whole_and_said_so(
    old_images: None, run_backfill: RunBackfill
) -> None:
    text = CONFIG.replace(
        '  "222222222222": {role_arn: "arn:aws:iam::222222222222:role/ecrrepl"}\n', ""
    )

    result = run_backfill(text=text, dry_run=True, destinations=["222222222222/eu-west-1"])

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "111111111111/us-west-2 → 222222222222/eu-west-1  2 repositories, 3 images missing "
        "(filters: prod/)",
        "    not compared with the destination (credentials for account 222222222222 belong "
        "to account 123456789012 (via the default credential chain)): every image counts",
    ]


def test_wait_with_json_prints_one_object_and_the_words_go_to_stderr(
    old_images: None, run_backfill: RunBackfill
) -> None:
    result = run_backfill(
        yes=True, wait=True, output_format="json", destinations=["222222222222/eu-west-1"]
    )

    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert {k: document[k] for k in ("dry_run", "waited", "timed_out", "outcome")} == {
        "dry_run": False,
        "waited": True,
        "timed_out": False,
        "outcome": "complete",
    }
    (only,) = document["backfills"]
    assert (only["destination"], only["status"], only["started_here"]) == (
        {"account": DR_ACCOUNT, "region": "eu-west-1"},
        "COMPLETE",
        True,
    )
    assert only["progress"]["failed"] == 0
    assert document["not_started"] == []
    assert "Backfills to start" in result.stderr


def test_the_timeout_ends_the_wait_with_exit_1_and_says_what_is_still_going(
    old_images: None, run_backfill: RunBackfill, time_passing: FakeTime
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=100)

    result = run_backfill(yes=True, wait=True, timeout="90s")

    assert result.exit_code == 1
    assert result.stdout.endswith(
        "Results:\n"
        "  … 111111111111/us-west-2 → 111111111111/us-east-1  IN_PROGRESS: 0 of 3 images\n"
        "  … 111111111111/us-west-2 → 222222222222/eu-west-1  IN_PROGRESS: 0 of 3 images\n"
        "  - 111111111111/us-west-2 → 222222222222/us-east-1  not started: it was still queued\n"
        "Timed out after 1m30s: 2 still running (they go on in AWS), 1 not started.\n"
    )
    # The last pause is cut to the time left: the wait ends at the timeout, not after it.
    assert sum(time_passing.taken) == 90


def test_the_timeout_in_json(
    old_images: None, run_backfill: RunBackfill, time_passing: FakeTime
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=100)

    result = run_backfill(yes=True, wait=True, timeout=30.0, output_format="json")

    assert result.exit_code == 1
    document: dict[str, Any] = json.loads(result.stdout)
    assert (document["outcome"], document["timed_out"]) == ("timed_out", True)
    assert [b["status"] for b in document["backfills"]] == ["IN_PROGRESS", "IN_PROGRESS"]
    assert document["not_started"] == [
        {
            "source": {"account": SOURCE_ACCOUNT, "region": "us-west-2"},
            "destination": {"account": DR_ACCOUNT, "region": "us-east-1"},
        }
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": "10m"}, "--timeout only applies with --wait"),
        ({"wait": True, "timeout": "ten"}, "--timeout 'ten' is not a duration"),
        ({"output_format": "xml"}, "unknown format 'xml'; use one of text, json"),
    ],
)
def test_usage_errors_before_any_aws_call(
    run_backfill: RunBackfill, options: dict[str, Any], message: str
) -> None:
    result = run_backfill(**options)

    assert result.exit_code == 2
    assert result.stderr.startswith(message)
