"""`ecrrepl status` against the ECR emulator in-process: every outcome, with its exit code,
report and progress, and the refusals that come before any AWS call."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from ecrrepl.commands.status import status
from ecrrepl.replication_status import Waiting
from ecrrepl.sandbox import ecr_gaps
from harness.cli import Outcome, outcome_of
from harness.replication_arrange import (
    DR_ACCOUNT,
    SOURCE_ACCOUNT,
    TWO_ACCOUNTS,
    allow_replication,
    ecr,
    push,
    replicate,
)

SOURCE = (SOURCE_ACCOUNT, "us-west-2")
SAME_ACCOUNT = (SOURCE_ACCOUNT, "us-east-1")
DR = (DR_ACCOUNT, "eu-west-1")


@dataclass
class FakeTime:
    """A clock that only moves when the command sleeps; remembers every sleep."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def waiting(self) -> Waiting:
        return Waiting(0, clock=lambda: self.now, sleep=self.sleep)


RunStatus = Callable[..., Outcome]


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def run_status(write_config: Callable[..., str], fake_time: FakeTime) -> RunStatus:
    def run(*, text: str = TWO_ACCOUNTS, **options: object) -> Outcome:
        arguments: dict[str, object] = {"repository": "prod/api", "tag": "1.0"}
        arguments.update(options)
        return outcome_of(status, [write_config(text)], waiting=fake_time.waiting(), **arguments)

    return run


@pytest.fixture
def applied(aws: None) -> None:
    """The live state `ecrrepl apply` leaves for TWO_ACCOUNTS."""
    allow_replication(ecr(*DR), "eu-west-1")
    replicate(ecr(*SOURCE), SAME_ACCOUNT, DR)


def test_a_replicated_image_is_complete_everywhere(applied: None, run_status: RunStatus) -> None:
    digest = push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status()

    assert result == Outcome(
        0,
        f"image prod/api:1.0 ({digest})\n"
        "\n"
        "from 111111111111/us-west-2\n"
        "  ✓ 111111111111/us-east-1  COMPLETE\n"
        "  ✓ 222222222222/eu-west-1  COMPLETE\n"
        "\n"
        "Complete: replicated to all 2 expected destinations.\n",
        "",
    )


def test_in_progress_without_wait_exits_1_and_says_how_to_wait(
    applied: None, run_status: RunStatus, fake_time: FakeTime
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=3)
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status()

    assert result.exit_code == 1
    assert "  … 111111111111/us-east-1  IN_PROGRESS\n" in result.stdout
    assert "  … 222222222222/eu-west-1  IN_PROGRESS\n" in result.stdout
    assert result.stdout.endswith(
        "In progress: 0 of 2 expected destinations complete; `--wait` waits for the rest.\n"
    )
    assert fake_time.sleeps == []


def test_wait_polls_with_backoff_until_complete(
    applied: None, run_status: RunStatus, fake_time: FakeTime
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=3)
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(wait=True)

    assert result.exit_code == 0
    # Three polls report IN_PROGRESS (the first read and two more); the fourth lands it.
    assert fake_time.sleeps == [2.0, 4.0, 8.0]
    assert result.stdout.endswith(
        "Complete after 14s: replicated to all 2 expected destinations.\n"
    )
    # Not a terminal: one plain line per change, as a CI log shows it.
    assert result.stderr == (
        "[0s] 111111111111/us-west-2 → 111111111111/us-east-1: IN_PROGRESS\n"
        "[0s] 111111111111/us-west-2 → 222222222222/eu-west-1: IN_PROGRESS\n"
        "[14s] 111111111111/us-west-2 → 111111111111/us-east-1: COMPLETE\n"
        "[14s] 111111111111/us-west-2 → 222222222222/eu-west-1: COMPLETE\n"
    )
    assert ecr(*DR).describe_images(repositoryName="prod/api")["imageDetails"][0]["imageTags"] == [
        "1.0"
    ]


def test_wait_gives_up_at_the_timeout_naming_what_is_still_in_progress(
    applied: None, run_status: RunStatus, fake_time: FakeTime
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=50)
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(wait=True, timeout="90s")

    assert result.exit_code == 1
    assert sum(fake_time.sleeps) == 90
    # 2, 4, 8, 16, 30, then what is left of the 90 seconds.
    assert fake_time.sleeps == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert result.stdout.endswith(
        "Timed out after 1m30s: still in progress to 111111111111/us-east-1, "
        "222222222222/eu-west-1 (0 of 2 expected destinations complete).\n"
    )


def test_a_destination_whose_policy_was_removed_fails_with_its_failure_code(
    applied: None, run_status: RunStatus, fake_time: FakeTime
) -> None:
    ecr(*DR).delete_registry_policy()
    ecr_gaps.replication_settings(in_progress_polls=1)
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(wait=True)

    assert result.exit_code == 1
    assert "  ✓ 111111111111/us-east-1  COMPLETE\n" in result.stdout
    assert "  ✗ 222222222222/eu-west-1  FAILED (failure code: PERMISSION_DENIED)\n" in result.stdout
    assert result.stdout.endswith(
        "Failed after 2s: replication to 222222222222/eu-west-1 failed "
        "(see the failure codes above).\n"
    )


def test_an_image_pushed_before_replication_is_waited_for_until_the_timeout(
    aws: None, run_status: RunStatus, fake_time: FakeTime
) -> None:
    push(ecr(*SOURCE), "prod/api", "1.0")
    allow_replication(ecr(*DR), "eu-west-1")
    replicate(ecr(*SOURCE), SAME_ACCOUNT, DR)

    result = run_status(wait=True, timeout="5m")

    assert result.exit_code == 1
    assert (
        "  ! 111111111111/us-east-1  not listed by AWS (the live configuration sends there)\n"
        in result.stdout
    )
    # AWS does not document when a destination is first listed: while the live
    # configuration sends there, the wait goes on to the timeout.
    assert sum(fake_time.sleeps) == 300
    assert fake_time.sleeps[:5] == [2.0, 4.0, 8.0, 16.0, 30.0]
    assert result.stdout.endswith(
        "Timed out after 5m00s: AWS still does not list 111111111111/us-east-1, "
        "222222222222/eu-west-1 for this image, though the live configuration sends it "
        "there. It was pushed before replication there was set up (`ecrrepl backfill` "
        "copies existing images), or AWS is slow to list it.\n"
    )


def test_without_wait_an_unlisted_destination_the_live_configuration_sends_to_says_so(
    aws: None, run_status: RunStatus, fake_time: FakeTime
) -> None:
    push(ecr(*SOURCE), "prod/api", "1.0")
    allow_replication(ecr(*DR), "eu-west-1")
    replicate(ecr(*SOURCE), SAME_ACCOUNT, DR)

    result = run_status(output_format="json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["outcome"] == "not_listed"
    assert [
        (row["status"], row["live_configuration_sends"])
        for row in report["sources"][0]["destinations"]
    ] == [("NOT_LISTED", True), ("NOT_LISTED", True)]
    assert run_status().stdout.endswith(
        "Not listed yet: AWS does not list 111111111111/us-east-1, 222222222222/eu-west-1 "
        "for this image, though the live configuration sends it there; `--wait` waits "
        "for it.\n"
    )
    assert fake_time.sleeps == []


def test_a_destination_the_live_configuration_does_not_send_to_ends_the_wait_at_once(
    aws: None, run_status: RunStatus, fake_time: FakeTime
) -> None:
    # The file sends prod/ to both; the live configuration only to us-east-1.
    replicate(ecr(*SOURCE), SAME_ACCOUNT)
    ecr_gaps.replication_settings(in_progress_polls=3)
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(wait=True)

    assert result.exit_code == 1
    assert fake_time.sleeps == []
    assert "  … 111111111111/us-east-1  IN_PROGRESS\n" in result.stdout
    assert (
        "  ! 222222222222/eu-west-1  not listed by AWS "
        "(the live configuration does not send there)\n" in result.stdout
    )
    assert result.stdout.endswith(
        "Not replicating after 0s: AWS does not list 222222222222/eu-west-1 for this image, "
        "and the live replication configuration does not send prod/api there: it differs "
        "from the file (`ecrrepl diff`).\n"
    )


def test_a_destination_aws_lists_late_is_waited_for_and_the_live_rules_read_once(
    applied: None,
    run_status: RunStatus,
    fake_time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto.core.responses import ActionResult
    from moto.ecr.responses import ECRResponse

    import ecrrepl.aws.reader

    listed_by_aws = ECRResponse.describe_image_replication_status
    answers = iter([[], [SAME_ACCOUNT]])

    def listed_late(self: ECRResponse) -> ActionResult:
        """AWS's answer, with only the destinations of this poll (all from the third)."""
        shown = next(answers, None)
        answer: dict[str, Any] = listed_by_aws(self).result  # type: ignore[assignment]
        if shown is not None:
            answer = {
                **answer,
                "replicationStatuses": [
                    status
                    for status in answer["replicationStatuses"]
                    if (status["registryId"], status["region"]) in shown
                ],
            }
        return ActionResult(answer)

    live_reads: list[object] = []
    read_replication = ecrrepl.aws.reader.read_replication

    def counted(sessions: object, address: object) -> object:
        live_reads.append(address)
        return read_replication(sessions, address)  # type: ignore[arg-type]

    monkeypatch.setattr(ECRResponse, "describe_image_replication_status", listed_late)
    monkeypatch.setattr(ecrrepl.aws.reader, "read_replication", counted)
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(wait=True)

    assert result.exit_code == 0
    assert fake_time.sleeps == [2.0, 4.0]
    assert result.stderr == (
        "[0s] 111111111111/us-west-2 → 111111111111/us-east-1: not listed by AWS "
        "(the live configuration sends there)\n"
        "[0s] 111111111111/us-west-2 → 222222222222/eu-west-1: not listed by AWS "
        "(the live configuration sends there)\n"
        "[2s] 111111111111/us-west-2 → 111111111111/us-east-1: COMPLETE\n"
        "[6s] 111111111111/us-west-2 → 222222222222/eu-west-1: COMPLETE\n"
    )
    assert len(live_reads) == 1


def test_a_destination_only_aws_lists_is_shown_and_does_not_decide(
    aws: None, run_status: RunStatus
) -> None:
    allow_replication(ecr(*DR), "eu-west-1")
    allow_replication(ecr(DR_ACCOUNT, "ap-south-1"), "ap-south-1")
    replicate(ecr(*SOURCE), SAME_ACCOUNT, DR, (DR_ACCOUNT, "ap-south-1"))
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(output_format="json")

    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["outcome"] == "complete"
    assert report["sources"][0]["destinations"] == [
        {
            "account": "111111111111",
            "region": "us-east-1",
            "status": "COMPLETE",
            "failure_code": None,
            "expected": True,
            "live_configuration_sends": None,
        },
        {
            "account": "222222222222",
            "region": "eu-west-1",
            "status": "COMPLETE",
            "failure_code": None,
            "expected": True,
            "live_configuration_sends": None,
        },
        {
            "account": "222222222222",
            "region": "ap-south-1",
            "status": "COMPLETE",
            "failure_code": None,
            "expected": False,
            "live_configuration_sends": None,
        },
    ]
    text = run_status()
    assert "  ✓ 222222222222/ap-south-1  COMPLETE (not in the configuration)\n" in text.stdout


def test_an_image_by_digest_is_found_too(applied: None, run_status: RunStatus) -> None:
    digest = push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(tag=None, digest=digest, output_format="json")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["image"] == {
        "repository": "prod/api",
        "tag": None,
        "digest": digest,
    }


@pytest.mark.parametrize(
    ("arranged", "message"),
    [
        (
            "repository",
            "repository prod/api not found in account 111111111111 region us-west-2",
        ),
        ("image", "image prod/api:1.0 not found in account 111111111111 region us-west-2"),
    ],
)
def test_a_missing_image_or_repository_names_account_and_region(
    applied: None, run_status: RunStatus, arranged: str, message: str
) -> None:
    if arranged == "image":
        push(ecr(*SOURCE), "prod/api", "2.0")

    result = run_status()

    assert result == Outcome(1, "", message)


SEVERAL_SOURCES = (
    TWO_ACCOUNTS
    + """\
  - account: "222222222222"
    region: eu-west-1
    rules:
      - filters: [prod/]
        destinations: [{region: eu-central-1}]
"""
)


def test_each_source_is_a_group_and_a_replicated_copy_does_not_count(
    applied: None, run_status: RunStatus
) -> None:
    replicate(ecr(*DR), (DR_ACCOUNT, "eu-central-1"))
    push(ecr(*SOURCE), "prod/api", "1.0")

    result = run_status(text=SEVERAL_SOURCES)

    # The image replicated into 222222222222/eu-west-1 does not travel on (no chains):
    # that group is shown, and does not decide the outcome.
    assert result.exit_code == 0
    assert result.stdout.endswith(
        "from 111111111111/us-west-2\n"
        "  ✓ 111111111111/us-east-1  COMPLETE\n"
        "  ✓ 222222222222/eu-west-1  COMPLETE\n"
        "\n"
        "from 222222222222/eu-west-1\n"
        "  a copy replicated from 111111111111/us-west-2: replication does not chain, so "
        "these rules do not carry it on (not counted)\n"
        "  ! 222222222222/eu-central-1  not listed by AWS\n"
        "\n"
        "Complete: replicated to all 2 expected destinations.\n"
    )
    # The chain was pointed out before any AWS call.
    assert "W114" in result.stderr


def test_a_source_without_the_image_is_not_checked(applied: None, run_status: RunStatus) -> None:
    replicate(ecr(*DR), (DR_ACCOUNT, "eu-central-1"))
    push(ecr(*SOURCE), "prod/api", "1.0")
    ecr(*DR).batch_delete_image(repositoryName="prod/api", imageIds=[{"imageTag": "1.0"}])

    result = run_status(text=SEVERAL_SOURCES)

    assert result.exit_code == 0
    assert result.stdout.endswith(
        "  ✓ 222222222222/eu-west-1  COMPLETE\n"
        "\n"
        "not checked in 222222222222/eu-west-1: image prod/api:1.0 not found in account "
        "222222222222 region eu-west-1\n"
        "\n"
        "Complete: replicated to all 2 expected destinations.\n"
    )


def test_from_chooses_one_source(applied: None, run_status: RunStatus) -> None:
    replicate(ecr(*DR), (DR_ACCOUNT, "eu-central-1"))
    push(ecr(*SOURCE), "prod/api", "1.0")
    # Pushed to the second source itself, this image replicates from there.
    push(ecr(*DR), "prod/api", "1.0", label="a different image")

    result = run_status(text=SEVERAL_SOURCES, from_registry="222222222222/eu-west-1")

    assert result.exit_code == 0
    assert "from 111111111111/us-west-2" not in result.stdout
    assert "from 222222222222/eu-west-1\n  ✓ 222222222222/eu-central-1  COMPLETE\n" in (
        result.stdout
    )


def test_a_repository_no_rule_sends_anywhere_is_refused(aws: None, run_status: RunStatus) -> None:
    result = run_status(repository="scratch/tool")

    assert result == Outcome(
        1,
        "",
        "no rule of the configuration replicates scratch/tool, so there is no replication "
        "to check (`ecrrepl route scratch/tool` shows why)",
    )


def test_the_identity_guard_checks_the_source_account(aws: None, run_status: RunStatus) -> None:
    # Without its accounts entry, 111111111111 is reached with the base credentials,
    # which belong to moto's default account.
    base = TWO_ACCOUNTS.replace(
        '  "111111111111": {role_arn: "arn:aws:iam::111111111111:role/ecrrepl"}\n', ""
    )

    result = run_status(text=base)

    assert result == Outcome(
        1,
        "",
        "credentials for account 111111111111 belong to account 123456789012 "
        "(via the default credential chain); nothing was written",
    )


def test_a_configuration_with_errors_shows_its_findings_and_reads_nothing(
    aws: None, run_status: RunStatus
) -> None:
    result = run_status(text=TWO_ACCOUNTS.replace("region: eu-west-1", "region: eu-wst-1"))

    assert result.exit_code == 1
    assert "E105" in result.stderr
    assert result.stderr.endswith(
        "the configuration has 1 error; nothing was read from or written to AWS"
    )
