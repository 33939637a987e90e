"""The parts of `ecrrepl status` that need no emulator: arguments, waiting, AWS's answers
as botocore's Stubber gives them, and the live display on a terminal."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.arguments import parse_duration
from ecrrepl.aws.images import ImageNotFound, read_image_replication_status
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import UsageError, UserError
from ecrrepl.render.status_progress import LiveProgress, PlainProgress, open_progress
from ecrrepl.render.status_text import render_status_text
from ecrrepl.replication_status import (
    COMPLETE,
    FAILED,
    IN_PROGRESS,
    ImageRef,
    ListedImage,
    ListedStatus,
    Outcome,
    SourceStatus,
    StatusReport,
    Waiting,
    backoff_intervals,
    compare,
    image_reference_problem,
    wait_for_replication,
    with_live_destinations,
)
from harness import configs, models
from harness.cli import invoke
from harness.sessions import StubbedSessions

SOURCE = models.OREGON
EAST = models.VIRGINIA
DR = models.IRELAND
IMAGE = ImageRef("prod/api", tag="1.0")
DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("2m05s", 125), ("45", 45)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "ten", "1d", "-5", "1.5h", "m"])
def test_a_duration_that_is_not_one_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_duration(text)
    assert raised.value.message == (
        f"--timeout {text!r} is not a duration: give it as 90s, 30m, 1h or 1h30m"
    )


def test_a_zero_duration_is_refused() -> None:
    with pytest.raises(UsageError, match="--timeout must be longer than zero"):
        parse_duration("0s")


@pytest.mark.parametrize(
    ("tag", "digest", "problem"),
    [
        ("1.0", None, None),
        (None, DIGEST, None),
        ("1.0", DIGEST, "give the image as exactly one of --tag TAG or --digest DIGEST"),
        (None, None, "give the image as exactly one of --tag TAG or --digest DIGEST"),
        ("x" * 301, None, "--tag must have 1 to 300 characters"),
        (
            None,
            "latest",
            "--digest 'latest' is not an image digest, such as sha256:<64 hex digits>",
        ),
    ],
)
def test_image_references(tag: str | None, digest: str | None, problem: str | None) -> None:
    assert image_reference_problem(tag, digest) == problem


def test_backoff_doubles_from_two_seconds_up_to_thirty() -> None:
    intervals = backoff_intervals()
    assert [next(intervals) for _ in range(7)] == [2, 4, 8, 16, 30, 30, 30]


# --- waiting ------------------------------------------------------------------------------


def listed(*statuses: tuple[RegistryAddress, str]) -> ListedImage:
    return ListedImage(DIGEST, tuple(ListedStatus(d, s) for d, s in statuses))


class Script:
    """AWS's answers, one per poll, and the fake time that passes between them."""

    def __init__(self, *answers: ListedImage) -> None:
        self.answers: Iterator[ListedImage] = iter(answers)
        self.now = 0.0
        self.sleeps: list[float] = []
        self.polled: list[tuple[RegistryAddress, ...]] = []

    def poll(self, pending: Any) -> tuple[SourceStatus, ...]:
        self.polled.append(tuple(source.source for source in pending))
        return (compare(SOURCE, (EAST, DR), next(self.answers)),)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def waiting(self, timeout: float = 600, intervals: Any = None) -> Waiting:
        passing = Waiting(timeout, clock=lambda: self.now, sleep=self.sleep)
        if intervals is not None:
            passing.intervals = intervals
        return passing


def first_report(answer: ListedImage) -> StatusReport:
    return StatusReport(IMAGE, (compare(SOURCE, (EAST, DR), answer),))


def test_waiting_stops_at_the_first_failure_with_others_still_in_progress() -> None:
    script = Script(listed((EAST, IN_PROGRESS), (DR, FAILED)))
    start = first_report(listed((EAST, IN_PROGRESS), (DR, IN_PROGRESS)))

    report = wait_for_replication(start, script.poll, script.waiting(intervals=[1, 1]))

    assert report.outcome is Outcome.FAILED
    assert (report.waited, report.timed_out, report.elapsed_seconds) == (True, False, 1)
    assert script.sleeps == [1]


def test_waiting_uses_the_intervals_given_and_reads_only_unsettled_sources() -> None:
    script = Script(
        listed((EAST, COMPLETE), (DR, IN_PROGRESS)),
        listed((EAST, COMPLETE), (DR, COMPLETE)),
    )
    start = first_report(listed((EAST, IN_PROGRESS), (DR, IN_PROGRESS)))
    updates: list[Outcome] = []

    report = wait_for_replication(
        start,
        script.poll,
        script.waiting(intervals=[0.5, 0.25]),
        lambda current: updates.append(current.outcome),
    )

    assert report.outcome is Outcome.COMPLETE
    assert script.sleeps == [0.5, 0.25]
    assert script.polled == [(SOURCE,), (SOURCE,)]
    assert updates == [Outcome.IN_PROGRESS, Outcome.IN_PROGRESS, Outcome.COMPLETE]


def test_an_already_complete_image_is_not_polled_again() -> None:
    script = Script()
    start = first_report(listed((EAST, COMPLETE), (DR, COMPLETE)))

    report = wait_for_replication(start, script.poll, script.waiting())

    assert (report.outcome, script.sleeps, script.polled) == (Outcome.COMPLETE, [], [])


def test_the_last_sleep_is_cut_to_the_time_left() -> None:
    script = Script(*[listed((EAST, IN_PROGRESS), (DR, IN_PROGRESS))] * 3)
    start = first_report(listed((EAST, IN_PROGRESS), (DR, IN_PROGRESS)))

    report = wait_for_replication(start, script.poll, script.waiting(timeout=5))

    assert script.sleeps == [2, 3]
    assert report.timed_out
    assert report.outcome is Outcome.IN_PROGRESS


def test_an_unlisted_destination_the_live_configuration_sends_to_is_waited_for_to_the_end() -> None:
    script = Script(*[listed((EAST, COMPLETE))] * 20)
    live = frozenset({EAST, DR})

    def poll(pending: Any) -> tuple[SourceStatus, ...]:
        return tuple(with_live_destinations(source, live) for source in script.poll(pending))

    start = StatusReport(
        IMAGE, (with_live_destinations(compare(SOURCE, (EAST, DR), listed()), live),)
    )

    report = wait_for_replication(start, poll, script.waiting(timeout=100))

    assert sum(script.sleeps) == 100
    assert report.timed_out
    assert report.outcome is Outcome.NOT_LISTED
    assert report.not_replicating == []
    [(_, row)] = report.rows_with("NOT_LISTED")
    assert (row.destination, row.live_sends, row.awaiting_listing) == (DR, True, True)


def test_an_unlisted_destination_the_live_configuration_does_not_send_to_ends_the_wait() -> None:
    script = Script()
    start = StatusReport(
        IMAGE,
        (
            with_live_destinations(
                compare(SOURCE, (EAST, DR), listed((EAST, IN_PROGRESS))), frozenset({EAST})
            ),
        ),
    )

    report = wait_for_replication(start, script.poll, script.waiting())

    assert (script.sleeps, script.polled, report.timed_out) == ([], [], False)
    assert [row.destination for _, row in report.not_replicating] == [DR]


def test_live_destinations_mark_only_the_rows_aws_does_not_list() -> None:
    source = compare(SOURCE, (EAST, DR), listed((EAST, IN_PROGRESS)))

    marked = with_live_destinations(source, frozenset({EAST}))

    assert [(row.destination, row.live_sends) for row in marked.rows] == [
        (EAST, None),
        (DR, False),
    ]


# --- AWS's answers, from botocore's Stubber -------------------------------------------------


EXPECTED_PARAMS = {
    "repositoryName": "prod/api",
    "imageId": {"imageTag": "1.0"},
    "registryId": "111111111111",
}


def test_unknown_statuses_and_failure_codes_are_shown_as_they_come(
    stubbed: StubbedSessions,
) -> None:
    stubbed.stubber.add_response(
        "describe_image_replication_status",
        {
            "repositoryName": "prod/api",
            "imageId": {"imageDigest": DIGEST, "imageTag": "1.0"},
            "replicationStatuses": [
                {"region": "us-east-1", "registryId": "111111111111", "status": "COMPLETE"},
                {
                    "region": "eu-west-1",
                    "registryId": "222222222222",
                    "status": "FAILED",
                    "failureCode": "KMS_KEY_DISABLED_SOMEDAY",
                },
            ],
        },
        EXPECTED_PARAMS,
    )

    answer = read_image_replication_status(stubbed, SOURCE, IMAGE)  # type: ignore[arg-type]
    # A status value newer than botocore's enum, as a future AWS might send it.
    answer = ListedImage(answer.digest, (*answer.statuses, ListedStatus(DR, "PAUSED")))
    text = render_status_text(StatusReport(IMAGE, (compare(SOURCE, (EAST, DR), answer),)))

    assert text == (
        f"image prod/api:1.0 ({DIGEST})\n"
        "\n"
        "from 111111111111/us-west-2\n"
        "  ✓ 111111111111/us-east-1  COMPLETE\n"
        "  ? 222222222222/eu-west-1  PAUSED\n"
        "\n"
        "In progress: 1 of 2 expected destinations complete; `--wait` waits for the rest.\n"
    )
    failed = compare(SOURCE, (EAST, DR), ListedImage(DIGEST, answer.statuses[:2]))
    assert "  ✗ 222222222222/eu-west-1  FAILED (failure code: KMS_KEY_DISABLED_SOMEDAY)\n" in (
        render_status_text(StatusReport(IMAGE, (failed,)))
    )


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            "RepositoryNotFoundException",
            "The repository does not exist",
            "repository prod/api not found in account 111111111111 region us-west-2",
        ),
        (
            "ImageNotFoundException",
            "The image does not exist",
            "image prod/api:1.0 not found in account 111111111111 region us-west-2",
        ),
    ],
)
def test_not_found_names_the_image_account_and_region(
    stubbed: StubbedSessions, code: str, message: str, expected: str
) -> None:
    stubbed.stubber.add_client_error(
        "describe_image_replication_status", code, message, 400, expected_params=EXPECTED_PARAMS
    )
    with pytest.raises(ImageNotFound) as raised:
        read_image_replication_status(stubbed, SOURCE, IMAGE)  # type: ignore[arg-type]
    assert raised.value.message == expected


def test_other_aws_errors_name_the_operation(stubbed: StubbedSessions) -> None:
    stubbed.stubber.add_client_error(
        "describe_image_replication_status", "AccessDeniedException", "not authorized", 400
    )
    with pytest.raises(UserError) as raised:
        read_image_replication_status(stubbed, SOURCE, IMAGE)  # type: ignore[arg-type]
    assert not isinstance(raised.value, ImageNotFound)
    assert raised.value.message == (
        "DescribeImageReplicationStatus failed in account 111111111111 region us-west-2: "
        "AccessDeniedException: not authorized"
    )


# --- progress -----------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_live_display_and_anything_else_plain_lines() -> None:
    assert isinstance(open_progress(io.StringIO(), color=False), PlainProgress)
    terminal = FakeTerminal()
    live = open_progress(terminal, color=True)
    assert isinstance(live, LiveProgress)
    from ecrrepl.render.styled import Span

    live.show([[Span("waiting: 4s of at most 30m", "dim")]], ["not printed on a terminal"])
    live.close()
    shown = terminal.getvalue()
    assert "waiting: 4s of at most 30m" in shown
    assert "not printed on a terminal" not in shown
    # Redrawn in place: the cursor is hidden while it runs and shown again after.
    assert "\x1b[?25l" in shown and "\x1b[?25h" in shown


# --- the command line -----------------------------------------------------------------------


CONFIG = configs.one_rule("us-east-1")


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ecrrepl.yaml").write_text(CONFIG, encoding="utf-8")

    def run(*args: str) -> Any:
        return invoke("status", *args)

    return run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--repository", "prod/api"],
            "give the image as exactly one of --tag TAG or --digest DIGEST",
        ),
        (
            ["--repository", "prod/api", "--tag", "1", "--digest", DIGEST],
            "give the image as exactly one of --tag TAG or --digest DIGEST",
        ),
        (
            ["--repository", "prod/api", "--tag", "1", "--timeout", "5m"],
            "--timeout only applies with --wait",
        ),
        (
            ["--repository", "prod/api", "--tag", "1", "--wait", "--timeout", "soon"],
            "--timeout 'soon' is not a duration: give it as 90s, 30m, 1h or 1h30m",
        ),
        (
            ["--repository", "prod/api", "--tag", "1", "--from", "us-west-2"],
            "--from 'us-west-2' is not a registry: give ACCOUNT/REGION, such as "
            "111111111111/us-west-2",
        ),
        (
            ["--repository", "prod/api", "--tag", "1", "--from", "222222222222/us-west-2"],
            "--from 222222222222/us-west-2 is not a source registry of the configuration "
            "(its source registries: 111111111111/us-west-2)",
        ),
        (
            ["--repository", "Prod/API", "--tag", "1"],
            "'Prod/API' is not a repository name: 2 to 256 lower-case letters and digits, "
            "separated by '.', '_', '-' or '/'; did you mean 'prod/api'?",
        ),
    ],
)
def test_usage_errors_exit_2_before_any_aws_call(
    run_cli: Callable[..., Any], args: list[str], message: str
) -> None:
    result = run_cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"ecrrepl: error: {message}\n",
    )


def test_an_unknown_format_is_a_click_usage_error(run_cli: Callable[..., Any]) -> None:
    result = run_cli("--repository", "prod/api", "--tag", "1", "--format", "yaml")
    assert result.exit_code == 2
    assert "'yaml' is not one of 'text', 'json'" in result.stderr
