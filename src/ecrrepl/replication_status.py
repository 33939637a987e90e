"""Where one image has replicated to, against where the configuration sends it.

The answer of `ecrrepl status`, computed without I/O: what AWS lists for the image
(DescribeImageReplicationStatus in its source registry) is matched with the
destinations the configuration expects (the same matching as `ecrrepl route`). An
expected destination AWS does not list is reported as such, with whether the live
replication configuration of the source sends the repository there: when it does not,
the live configuration differs from the file; when it does, AWS may not list it yet,
or the image was pushed before replication there was configured (`ecrrepl backfill`
copies it). A destination AWS lists that the file does not expect is shown too, and
does not decide the outcome.

`wait_for_replication` polls until every expected destination is COMPLETE, one has
FAILED, one is not listed while the live configuration does not send there, or the
time is up; its clock, sleep and intervals are arguments, so that tests run it without
waiting.

The API reference does not say when a destination first appears in the answer after a
push (checked 2026-12-02), so a destination the live configuration sends to is waited
for until the timeout, like one IN_PROGRESS, rather than given up after a guessed delay.

Source: ECR API reference, DescribeImageReplicationStatus,
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageReplicationStatus.html
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ecrrepl.config.model import RegistryAddress

# botocore ECR model, ReplicationStatus.
COMPLETE = "COMPLETE"
IN_PROGRESS = "IN_PROGRESS"
FAILED = "FAILED"
# Ours: the configuration expects the destination, AWS does not list it.
NOT_LISTED = "NOT_LISTED"

# botocore ECR model, ImageTag: 1 to 300 characters.
IMAGE_TAG_MAX_LENGTH = 300
# The OCI image specification's digest grammar: algorithm ":" encoded.
IMAGE_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")

# Polling: 2 s, doubling, at most 30 s between two reads.
FIRST_INTERVAL_SECONDS = 2.0
MAX_INTERVAL_SECONDS = 30.0


def backoff_intervals(
    first: float = FIRST_INTERVAL_SECONDS, cap: float = MAX_INTERVAL_SECONDS
) -> Iterator[float]:
    """2, 4, 8, 16, 30, 30, ... seconds."""
    interval = first
    while True:
        yield min(interval, cap)
        interval *= 2


@dataclass(frozen=True)
class ImageRef:
    """An image of a repository, by tag or by digest (exactly one of them)."""

    repository: str
    tag: str | None = None
    digest: str | None = None

    def __str__(self) -> str:
        return f"{self.repository}:{self.tag}" if self.tag else f"{self.repository}@{self.digest}"

    def api_image_id(self) -> dict[str, str]:
        return {"imageTag": self.tag} if self.tag else {"imageDigest": self.digest or ""}


def image_reference_problem(tag: str | None, digest: str | None) -> str | None:
    """Why --tag/--digest do not name one image, as one sentence; None when they do."""
    if (tag is None) == (digest is None):
        return "give the image as exactly one of --tag TAG or --digest DIGEST"
    if tag is not None and not 1 <= len(tag) <= IMAGE_TAG_MAX_LENGTH:
        return f"--tag must have 1 to {IMAGE_TAG_MAX_LENGTH} characters"
    if digest is not None and IMAGE_DIGEST.fullmatch(digest) is None:
        return f"--digest {digest!r} is not an image digest, such as sha256:<64 hex digits>"
    return None


@dataclass(frozen=True)
class ListedStatus:
    """What AWS says about one destination of the image."""

    destination: RegistryAddress
    status: str
    failure_code: str | None = None


@dataclass(frozen=True)
class ListedImage:
    """DescribeImageReplicationStatus's answer for the image in one source registry."""

    digest: str | None
    statuses: tuple[ListedStatus, ...]


@dataclass(frozen=True)
class DestinationRow:
    destination: RegistryAddress
    # As AWS says it (COMPLETE, IN_PROGRESS, FAILED, or a value newer than this code),
    # or NOT_LISTED.
    status: str
    failure_code: str | None
    # Whether the configuration sends the repository there from this source.
    expected: bool
    # For a NOT_LISTED row: whether the live replication configuration of the source
    # sends the repository there (DescribeRegistry); None when it was not read.
    live_sends: bool | None = None

    @property
    def settled(self) -> bool:
        return self.status in (COMPLETE, FAILED)

    @property
    def awaiting_listing(self) -> bool:
        """Not listed, though the live configuration sends there: AWS may list it later."""
        return self.status == NOT_LISTED and self.live_sends is True


@dataclass(frozen=True)
class SourceStatus:
    """The image in one source registry, and one row per destination."""

    source: RegistryAddress
    rows: tuple[DestinationRow, ...] = ()
    digest: str | None = None
    # Why the image could not be read here (not found); None when it was.
    missing: str | None = None
    # The source this copy of the image was replicated from, when it arrived by
    # replication: replication does not chain, so this registry's rules never carry it
    # on, and its rows do not decide the outcome.
    arrived_from: RegistryAddress | None = None

    @property
    def lists_nothing(self) -> bool:
        return all(row.status == NOT_LISTED for row in self.rows)

    @property
    def expected_rows(self) -> tuple[DestinationRow, ...]:
        return tuple(row for row in self.rows if row.expected)


class Outcome(enum.Enum):
    """The state of the image's replication as a whole, worst first."""

    FAILED = "failed"
    NOT_LISTED = "not_listed"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


@dataclass(frozen=True)
class StatusReport:
    image: ImageRef
    sources: tuple[SourceStatus, ...]
    # Set by waiting: whether --wait was given, how long it took, whether time ran out.
    waited: bool = False
    elapsed_seconds: float = 0.0
    timed_out: bool = False

    @property
    def found(self) -> tuple[SourceStatus, ...]:
        return tuple(source for source in self.sources if source.missing is None)

    @property
    def counted(self) -> tuple[SourceStatus, ...]:
        """The sources whose rows decide the outcome: the image was pushed there."""
        return tuple(source for source in self.found if source.arrived_from is None)

    def rows_with(self, status: str) -> list[tuple[RegistryAddress, DestinationRow]]:
        return [
            (source.source, row)
            for source in self.counted
            for row in source.expected_rows
            if row.status == status
        ]

    @property
    def unsettled(self) -> list[tuple[RegistryAddress, DestinationRow]]:
        """Expected destinations neither COMPLETE nor FAILED (unknown statuses included)."""
        return [
            (source.source, row)
            for source in self.counted
            for row in source.expected_rows
            if not row.settled and row.status != NOT_LISTED
        ]

    @property
    def not_replicating(self) -> list[tuple[RegistryAddress, DestinationRow]]:
        """Expected destinations not listed, that AWS is not known to replicate to."""
        return [
            (source, row) for source, row in self.rows_with(NOT_LISTED) if not row.awaiting_listing
        ]

    @property
    def outcome(self) -> Outcome:
        if self.rows_with(FAILED):
            return Outcome.FAILED
        if self.rows_with(NOT_LISTED):
            return Outcome.NOT_LISTED
        if self.unsettled:
            return Outcome.IN_PROGRESS
        return Outcome.COMPLETE

    @property
    def expected_count(self) -> int:
        return sum(len(source.expected_rows) for source in self.counted)


def mark_replicated_copies(sources: Sequence[SourceStatus]) -> tuple[SourceStatus, ...]:
    """Tell apart the copies that arrived by replication from another source checked here.

    A copy made by replication has no replication status of its own; when AWS lists
    nothing for the image in a source, and another source lists that registry as a
    destination of the same image, the image was pushed to the other one.
    """
    marked = []
    for source in sources:
        origin = None
        if source.missing is None and source.lists_nothing:
            origin = next(
                (
                    other.source
                    for other in sources
                    if other is not source
                    and other.missing is None
                    and (other.digest is None or source.digest in (None, other.digest))
                    and any(row.destination == source.source for row in other.rows)
                    and not other.lists_nothing
                ),
                None,
            )
        marked.append(replace(source, arrived_from=origin))
    return tuple(marked)


def compare(
    source: RegistryAddress, expected: Sequence[RegistryAddress], listed: ListedImage
) -> SourceStatus:
    """Rows for the expected destinations in the configuration's order, then the ones
    only AWS lists, by address."""
    by_destination = {status.destination: status for status in listed.statuses}
    rows = []
    for destination in expected:
        found = by_destination.get(destination)
        if found is None:
            rows.append(DestinationRow(destination, NOT_LISTED, None, expected=True))
        else:
            rows.append(
                DestinationRow(destination, found.status, found.failure_code, expected=True)
            )
    for destination in sorted(set(by_destination) - set(expected)):
        found = by_destination[destination]
        rows.append(DestinationRow(destination, found.status, found.failure_code, expected=False))
    return SourceStatus(source, tuple(rows), digest=listed.digest)


def with_live_destinations(
    source: SourceStatus, live_destinations: frozenset[RegistryAddress]
) -> SourceStatus:
    """`source` with each NOT_LISTED row saying whether the live replication
    configuration sends the repository there (`live_destinations`)."""
    rows = tuple(
        replace(row, live_sends=row.destination in live_destinations)
        if row.status == NOT_LISTED
        else row
        for row in source.rows
    )
    return replace(source, rows=rows)


# --- waiting -------------------------------------------------------------------------------


Poll = Callable[[Sequence[SourceStatus]], tuple[SourceStatus, ...]]


@dataclass
class Waiting:
    """How `wait_for_replication` passes the time; real time by default."""

    timeout_seconds: float
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    intervals: Iterable[float] = field(default_factory=backoff_intervals)


def wait_for_replication(
    report: StatusReport,
    poll: Poll,
    waiting: Waiting,
    on_update: Callable[[StatusReport], None] = lambda report: None,
) -> StatusReport:
    """Poll until every expected destination is COMPLETE, one FAILED, one is not listed
    while the live configuration does not send there, or the timeout passes.

    `poll` reads the given sources again, and says for each row not listed whether the
    live configuration sends there; only sources with unsettled rows are read.
    """
    start = waiting.clock()
    intervals = iter(itertools.chain(waiting.intervals, itertools.repeat(MAX_INTERVAL_SECONDS)))
    while True:
        elapsed = waiting.clock() - start
        report = replace(report, waited=True, elapsed_seconds=elapsed)
        on_update(report)
        outcome = report.outcome
        if outcome in (Outcome.COMPLETE, Outcome.FAILED):
            return report
        if outcome is Outcome.NOT_LISTED and report.not_replicating:
            return report
        remaining = waiting.timeout_seconds - elapsed
        if remaining <= 0:
            return replace(report, timed_out=True)
        waiting.sleep(min(next(intervals), remaining))
        merged = _merge(report.sources, poll(_unsettled(report)))
        report = replace(report, sources=mark_replicated_copies(merged))


def _unsettled(report: StatusReport) -> tuple[SourceStatus, ...]:
    return tuple(
        source for source in report.counted if any(not row.settled for row in source.expected_rows)
    )


def _merge(
    sources: Sequence[SourceStatus], fresh: Iterable[SourceStatus]
) -> tuple[SourceStatus, ...]:
    updated: Mapping[RegistryAddress, SourceStatus] = {s.source: s for s in fresh}
    return tuple(updated.get(source.source, source) for source in sources)
