"""`ecrrepl backfill` against the ECR emulator in-process: refusals, the dry run, the queue
that respects AWS's limits, following a running backfill, and the results."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ecrrepl.backfill import Pacing
from ecrrepl.commands.backfill import backfill
from ecrrepl.sandbox import ecr_gaps
from harness.cli import Outcome, invoke, outcome_of
from harness.replication_arrange import (
    DR_ACCOUNT,
    allow_replication,
    ecr,
    push,
    replicate,
    tags_in,
)

from .estate import CONFIG, DR_EAST, DR_WEST, EAST, SOURCE


@dataclass
class Sleeps:
    taken: list[float] = field(default_factory=list)

    def pacing(self) -> Pacing:
        return Pacing(sleep=self.taken.append)


RunBackfill = Callable[..., Outcome]


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def run_backfill(write_config: Callable[..., str], sleeps: Sleeps) -> RunBackfill:
    def run(*, text: str = CONFIG, stdin: io.StringIO | None = None, **options: object) -> Outcome:
        return outcome_of(
            backfill,
            [write_config(text)],
            stdin=stdin or io.StringIO(),
            pacing=sleeps.pacing(),
            **options,
        )

    return run


@pytest.fixture
def old_images(aws: None) -> None:
    """Images pushed before replication was set up, then the configuration applied."""
    source = ecr(*SOURCE)
    push(source, "prod/api", "1.0")
    push(source, "prod/api", "1.1")
    push(source, "prod/web", "2.0")
    push(source, "scratch/tool", "0.1")
    for account, region in (DR_EAST, DR_WEST):
        allow_replication(ecr(account, region), region)
    replicate(source, EAST, DR_EAST, DR_WEST)


def backfills_of(account: str, region: str) -> list[dict[str, object]]:
    return list(ecr(account, region).list_replication_backfills()["backfills"])


def test_dry_run_counts_what_would_be_copied_and_starts_nothing(
    old_images: None, run_backfill: RunBackfill
) -> None:
    result = run_backfill(dry_run=True)

    assert result == Outcome(
        0,
        "111111111111/us-west-2 → 111111111111/us-east-1  2 repositories, 3 images missing "
        "(filters: prod/)\n"
        "    prod/api  2 images, 2 missing\n"
        "    prod/web  1 image, 1 missing\n"
        "\n"
        "111111111111/us-west-2 → 222222222222/us-east-1  2 repositories, 3 images missing "
        "(filters: prod/)\n"
        "    prod/api  2 images, 2 missing\n"
        "    prod/web  1 image, 1 missing\n"
        "\n"
        "111111111111/us-west-2 → 222222222222/eu-west-1  2 repositories, 3 images missing "
        "(filters: prod/)\n"
        "    prod/api  2 images, 2 missing\n"
        "    prod/web  1 image, 1 missing\n"
        "\n"
        "Dry run: 3 backfills would copy 9 images missing at the destinations; nothing "
        "was started.\n",
        "",
    )
    assert backfills_of(*SOURCE) == []


def test_wait_queues_by_region_copies_everything_and_summarises(
    old_images: None, run_backfill: RunBackfill, sleeps: Sleeps
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)

    result = run_backfill(yes=True, wait=True)

    assert result.exit_code == 0, result
    assert result.stdout.startswith(
        "Backfills to start (images pushed before replication was set up):\n"
        "  111111111111/us-west-2 → 111111111111/us-east-1  (filters: prod/)\n"
        "  111111111111/us-west-2 → 222222222222/us-east-1  (filters: prod/)\n"
        "  111111111111/us-west-2 → 222222222222/eu-west-1  (filters: prod/)\n"
    )
    assert result.stdout.endswith(
        "Results:\n"
        "  ✓ 111111111111/us-west-2 → 111111111111/us-east-1  COMPLETE: 3 of 3 images\n"
        "  ✓ 111111111111/us-west-2 → 222222222222/us-east-1  COMPLETE: 3 of 3 images\n"
        "  ✓ 111111111111/us-west-2 → 222222222222/eu-west-1  COMPLETE: 3 of 3 images\n"
    )
    # One backfill per destination region at a time: 222222222222/us-east-1 starts only
    # once the backfill to 111111111111/us-east-1 has ended.
    events = result.stderr.splitlines()
    assert events[:2] == [
        "111111111111/us-west-2 → 111111111111/us-east-1  PREPARING",
        "111111111111/us-west-2 → 222222222222/eu-west-1  PREPARING",
    ]
    started_second = events.index("111111111111/us-west-2 → 222222222222/us-east-1  PREPARING")
    ended_first = events.index("111111111111/us-west-2 → 111111111111/us-east-1  COMPLETE 3/3")
    assert ended_first < started_second
    assert sleeps.taken[:2] == [2.0, 4.0]
    for destination in (EAST, DR_EAST, DR_WEST):
        assert tags_in(*destination, "prod/api") == ["1.0", "1.1"]
        assert tags_in(*destination, "prod/web") == ["2.0"]
        assert tags_in(*destination, "scratch/tool") == []


def test_without_wait_it_starts_everything_and_says_how_to_follow(
    old_images: None, run_backfill: RunBackfill
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=1)

    result = run_backfill(yes=True)

    assert result.exit_code == 0
    started = [line for line in result.stdout.splitlines() if ", id " in line]
    assert [line.split(", id ")[0] for line in started] == [
        "  111111111111/us-west-2 → 111111111111/us-east-1  started",
        "  111111111111/us-west-2 → 222222222222/us-east-1  started",
        "  111111111111/us-west-2 → 222222222222/eu-west-1  started",
    ]
    assert "`aws ecr describe-replication-backfill-results" in result.stdout
    assert len(backfills_of(*SOURCE)) == 3


def test_a_destination_the_live_configuration_lacks_is_refused_before_anything_starts(
    aws: None, run_backfill: RunBackfill
) -> None:
    push(ecr(*SOURCE), "prod/api", "1.0")
    allow_replication(ecr(*DR_WEST), "eu-west-1")
    replicate(ecr(*SOURCE), EAST, DR_WEST)

    result = run_backfill(yes=True, wait=True)

    assert result == Outcome(
        1,
        "",
        "222222222222/us-east-1 is not in the live replication configuration of "
        "111111111111/us-west-2. Apply first (`ecrrepl apply`): a backfill copies only "
        "to destinations the live configuration replicates to; nothing was started",
    )
    assert backfills_of(*SOURCE) == []


def test_one_destination_can_be_chosen(old_images: None, run_backfill: RunBackfill) -> None:
    result = run_backfill(yes=True, wait=True, destinations=["222222222222/eu-west-1"])

    assert result.exit_code == 0
    assert result.stdout.endswith(
        "Results:\n"
        "  ✓ 111111111111/us-west-2 → 222222222222/eu-west-1  COMPLETE: 3 of 3 images\n"
    )
    assert tags_in(*EAST, "prod/api") == []


def test_a_destination_outside_the_configuration_is_a_usage_error(
    aws: None, run_backfill: RunBackfill
) -> None:
    result = run_backfill(destinations=["333333333333/eu-west-1"])

    assert result == Outcome(
        2,
        "",
        "--destination 333333333333/eu-west-1 is not a destination of the configuration "
        "(its destinations: 111111111111/us-east-1, 222222222222/us-east-1, "
        "222222222222/eu-west-1)",
    )


def test_without_a_terminal_or_yes_nothing_starts(
    old_images: None, run_backfill: RunBackfill
) -> None:
    result = run_backfill(wait=True)

    assert result.exit_code == 1
    assert result.stderr == (
        "no terminal to ask for confirmation on, and --yes was not given; nothing was written"
    )
    assert backfills_of(*SOURCE) == []


def test_failed_images_are_listed_with_their_failure_codes(
    old_images: None, run_backfill: RunBackfill
) -> None:
    ecr(*DR_WEST).delete_registry_policy()

    result = run_backfill(yes=True, wait=True)

    assert result.exit_code == 1
    assert (
        "  ✗ 111111111111/us-west-2 → 222222222222/eu-west-1  COMPLETE: 0 of 3 images, "
        "3 failed\n"
        "      prod/api:1.0  PERMISSION_DENIED\n"
        "      prod/api:1.1  PERMISSION_DENIED\n"
        "      prod/web:2.0  PERMISSION_DENIED\n"
    ) in result.stdout
    assert "  ✓ 111111111111/us-west-2 → 222222222222/us-east-1  COMPLETE: 3 of 3 images\n" in (
        result.stdout
    )


def test_a_backfill_already_running_is_followed_not_started_again(
    old_images: None, run_backfill: RunBackfill
) -> None:
    ecr_gaps.replication_settings(in_progress_polls=2)
    running = ecr(*SOURCE).start_replication_backfill(
        destination={"registryId": DR_ACCOUNT, "region": "eu-west-1"}
    )["replicationBackfillId"]

    result = run_backfill(yes=True, wait=True)

    assert result.exit_code == 0
    # The emulator's listing counts as a poll: the running backfill is IN_PROGRESS by then.
    assert result.stdout == (
        "Backfills to start (images pushed before replication was set up):\n"
        "  111111111111/us-west-2 → 111111111111/us-east-1  (filters: prod/)\n"
        "  111111111111/us-west-2 → 222222222222/us-east-1  (filters: prod/)\n"
        "Already running, followed rather than started again:\n"
        f"  111111111111/us-west-2 → 222222222222/eu-west-1  IN_PROGRESS ({running})\n"
        "Results:\n"
        "  ✓ 111111111111/us-west-2 → 111111111111/us-east-1  COMPLETE: 3 of 3 images\n"
        "  ✓ 111111111111/us-west-2 → 222222222222/us-east-1  COMPLETE: 3 of 3 images\n"
        "  ✓ 111111111111/us-west-2 → 222222222222/eu-west-1  COMPLETE: 3 of 3 images\n"
    )
    ids = [b["replicationBackfillId"] for b in backfills_of(*SOURCE)]
    assert len(ids) == 3 and running in ids


def test_the_backfill_follows_the_live_rules_and_says_when_they_differ(
    old_images: None, run_backfill: RunBackfill
) -> None:
    # The file says prod/ only; the live rules also send scratch/ to eu-west-1.
    ecr(*SOURCE).put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "repositoryFilters": [
                        {"filter": "prod/", "filterType": "PREFIX_MATCH"},
                        {"filter": "scratch/", "filterType": "PREFIX_MATCH"},
                    ],
                    "destinations": [
                        {"registryId": a, "region": r} for a, r in (EAST, DR_EAST, DR_WEST)
                    ],
                }
            ]
        }
    )

    result = run_backfill(dry_run=True, destinations=["222222222222/eu-west-1"])

    assert result.exit_code == 0
    assert result.stderr == (
        "warning: the live replication configuration of 111111111111/us-west-2 differs from "
        "the file (`ecrrepl diff` shows how); the backfill copies what the live rules "
        "replicate\n"
    )
    assert "    scratch/tool  1 image, 1 missing\n" in result.stdout


def test_the_identity_guard_checks_the_source_account(
    aws: None, run_backfill: RunBackfill
) -> None:
    base = CONFIG.replace(
        '  "111111111111": {role_arn: "arn:aws:iam::111111111111:role/ecrrepl"}\n', ""
    )

    result = run_backfill(text=base, dry_run=True)

    assert result == Outcome(
        1,
        "",
        "credentials for account 111111111111 belong to account 123456789012 "
        "(via the default credential chain); nothing was written",
    )


def test_a_destination_that_is_not_account_slash_region_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ecrrepl.yaml").write_text(CONFIG, encoding="utf-8")

    result = invoke("backfill", "--destination", "eu-west-1", "--dry-run")

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "ecrrepl: error: --destination 'eu-west-1' is not a registry: give ACCOUNT/REGION, "
        "such as 111111111111/us-west-2\n",
    )


def test_a_configuration_that_replicates_nothing_has_nothing_to_backfill(
    run_backfill: RunBackfill,
) -> None:
    text = 'version: 1\nregistries:\n  - {account: "111111111111", region: us-west-2, rules: []}\n'

    assert run_backfill(text=text, yes=True) == Outcome(
        0, "Nothing to backfill: the configuration replicates nothing.\n", ""
    )


class Terminal(io.StringIO):
    """A terminal on stdin where the user types what the test gives."""

    def isatty(self) -> bool:
        return True


def test_with_json_the_question_is_asked_on_stderr_and_stdout_stays_one_object(
    old_images: None, run_backfill: RunBackfill
) -> None:
    result = run_backfill(
        stdin=Terminal("y\n"),
        wait=True,
        output_format="json",
        destinations=["222222222222/eu-west-1"],
    )

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "complete"
    assert "Start 1 backfill? [y/N]: " in result.stderr


@pytest.mark.parametrize("answer", ["n\n", "\n", "", "yess\n"])
def test_any_answer_but_yes_starts_nothing(
    old_images: None, run_backfill: RunBackfill, answer: str
) -> None:
    result = run_backfill(stdin=Terminal(answer), wait=True)

    assert result.exit_code == 1
    assert result.stdout.endswith("? [y/N]: ")
    assert result.stderr == "cancelled; nothing was written"
    assert backfills_of(*SOURCE) == []
