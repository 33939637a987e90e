"""`ecrrepl status`: has this image reached every destination the configuration sends it to?

For each source registry whose rules send the repository somewhere (only those of the
`--registry` scope, ecrrepl.scope; or only the one `--from` names, which must be in
it), DescribeImageReplicationStatus in that registry, matched with the
destinations the configuration expects. Without `--wait` it answers once; with it, it
polls with backoff until the answer is final or the timeout passes.

An expected destination AWS does not list is checked against the live replication
configuration of the source (one DescribeRegistry per source, read when first needed):
`--wait` keeps waiting for it, until the timeout, while the live configuration sends
the repository there, and stops at once when it does not.

Exit codes: 0 when every expected destination is COMPLETE; 1 when one FAILED, one is
not listed by AWS, one is still IN_PROGRESS (without --wait, or when the timeout
passed), or on a configuration or AWS error; 2 on a usage error. A 0 therefore always
means "the image is in every expected destination", which is what a deployment waits for.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

from ecrrepl.arguments import registry_option, registry_options, wait_timeout
from ecrrepl.commands import require_format
from ecrrepl.commands.live import load_sound_config, open_sessions
from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.errors import EXIT_FAILED, EXIT_OK, UsageError, UserError
from ecrrepl.replication_status import (
    NOT_LISTED,
    ImageRef,
    Outcome,
    SourceStatus,
    StatusReport,
    Waiting,
    compare,
    image_reference_problem,
    mark_replicated_copies,
    wait_for_replication,
    with_live_destinations,
)
from ecrrepl.route import destinations_sent_to, repository_name_problem, route_repository
from ecrrepl.scope import scope_config

if TYPE_CHECKING:
    from ecrrepl.aws.session import Sessions

STATUS_FORMATS = ("text", "json")
DEFAULT_TIMEOUT = "30m"


def status(
    files: Sequence[str],
    *,
    repository: str,
    tag: str | None = None,
    digest: str | None = None,
    from_registry: str | RegistryAddress | None = None,
    registries: Sequence[str | RegistryAddress] = (),
    wait: bool = False,
    timeout: str | float | None = None,
    output_format: str = "text",
    profile: str | None = None,
    color: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    waiting: Waiting | None = None,
) -> int:
    """Print where the image has replicated; see the module's docstring for exit codes.

    `waiting` replaces real time (clock, sleep, intervals) in tests; its timeout is
    taken from `timeout` when that is given.
    """
    require_format(output_format, STATUS_FORMATS)
    problem = repository_name_problem(repository) or image_reference_problem(tag, digest)
    if problem is not None:
        raise UsageError(problem)
    timeout_seconds = wait_timeout(timeout, wait, DEFAULT_TIMEOUT)
    wanted = None if from_registry is None else registry_option(from_registry, "--from")
    scope = registry_options(registries, "--registry")
    image = ImageRef(repository, tag=tag, digest=digest)
    stream = sys.stdout if out is None else out
    progress_stream = sys.stderr if err is None else err

    config = load_sound_config(files, color=color, err=progress_stream).config
    if wanted is not None and scope and wanted not in scope:
        raise UsageError(f"--from {wanted} is not one of the --registry scope")
    config = scope_config(config, scope)
    expected = expected_destinations(config, repository, wanted)
    sessions = open_sessions(config, profile)
    sessions.verify_identities({source.account for source in expected})
    live = LiveDestinations(sessions, repository)
    report = StatusReport(image, mark_replicated_copies(read_sources(sessions, image, expected)))
    _require_image(report)
    report = dataclasses.replace(report, sources=live.annotate(report.sources))

    if wait:
        passing = (
            Waiting(timeout_seconds, clock=time.monotonic, sleep=time.sleep)
            if waiting is None
            else dataclasses.replace(waiting, timeout_seconds=timeout_seconds)
        )
        report = _wait(report, sessions, expected, live, passing, progress_stream, color=color)
        # Deleted while waiting: there is nothing left to report on.
        _require_image(report)

    if output_format == "json":
        from ecrrepl.render.status_json import render_status_json

        stream.write(render_status_json(report))
    else:
        from ecrrepl.render.status_text import render_status_text

        stream.write(render_status_text(report, color=color))
    return EXIT_OK if report.outcome is Outcome.COMPLETE else EXIT_FAILED


def _require_image(report: StatusReport) -> None:
    if not report.found:
        raise UserError("; ".join(source.missing or "" for source in report.sources))


def expected_destinations(
    config: Config, repository: str, wanted: RegistryAddress | None
) -> dict[RegistryAddress, tuple[RegistryAddress, ...]]:
    """Each source registry that sends `repository` somewhere, with where it sends it."""
    if wanted is not None and wanted not in config.source_addresses:
        known = ", ".join(str(a) for a in sorted(config.source_addresses)) or "none"
        raise UsageError(
            f"--from {wanted} is not a source registry of the configuration "
            f"(its source registries: {known})"
        )
    route = route_repository(config, repository, source=wanted)
    expected = {
        source_route.source: tuple(hop.destination for hop in source_route.hops)
        for source_route in route.sources
        if source_route.matched
    }
    if not expected:
        where = f" from {wanted}" if wanted is not None else ""
        raise UserError(
            f"no rule of the configuration replicates {repository}{where}, so there is no "
            f"replication to check (`ecrrepl route {repository}` shows why)"
        )
    return expected


def read_sources(
    sessions: Sessions,
    image: ImageRef,
    expected: dict[RegistryAddress, tuple[RegistryAddress, ...]],
    sources: Iterable[RegistryAddress] | None = None,
) -> tuple[SourceStatus, ...]:
    """The image's status in each source (all of `expected`, or only `sources`), read
    concurrently; a source where the image is missing says so instead of failing."""
    from ecrrepl.aws.images import ImageNotFound, read_image_replication_status

    def read(source: RegistryAddress) -> SourceStatus:
        try:
            listed = read_image_replication_status(sessions, source, image)
        except ImageNotFound as error:
            return SourceStatus(source, missing=error.message)
        return compare(source, expected[source], listed)

    from ecrrepl.aws.concurrency import read_concurrently

    return tuple(read_concurrently(read, list(expected if sources is None else sources)))


class LiveDestinations:
    """Where the live replication configuration of each source sends the repository,
    read (DescribeRegistry) the first time AWS leaves an expected destination of that
    source unlisted, and at most once per source and run."""

    def __init__(self, sessions: Sessions, repository: str) -> None:
        self._sessions = sessions
        self._repository = repository
        self._read: dict[RegistryAddress, frozenset[RegistryAddress]] = {}

    def annotate(self, sources: Iterable[SourceStatus]) -> tuple[SourceStatus, ...]:
        """Each source whose image was pushed there (not a replicated copy) with its
        NOT_LISTED rows saying whether the live configuration sends there."""
        return tuple(
            with_live_destinations(source, self.of(source.source))
            if source.missing is None
            and source.arrived_from is None
            and any(row.status == NOT_LISTED for row in source.expected_rows)
            else source
            for source in sources
        )

    def of(self, source: RegistryAddress) -> frozenset[RegistryAddress]:
        if source not in self._read:
            from ecrrepl.aws.reader import read_replication

            rules = read_replication(self._sessions, source)
            self._read[source] = destinations_sent_to(rules, self._repository)
        return self._read[source]


def _wait(
    report: StatusReport,
    sessions: Sessions,
    expected: dict[RegistryAddress, tuple[RegistryAddress, ...]],
    live: LiveDestinations,
    waiting: Waiting,
    err: TextIO,
    *,
    color: bool,
) -> StatusReport:
    from ecrrepl.render.status_progress import open_progress, status_events, waiting_lines

    progress = open_progress(err, color=color)
    previous: list[StatusReport | None] = [None]

    def on_update(current: StatusReport) -> None:
        progress.show(
            waiting_lines(current, waiting.timeout_seconds),
            status_events(previous[0], current),
        )
        previous[0] = current

    def poll(pending: Sequence[SourceStatus]) -> tuple[SourceStatus, ...]:
        fresh = read_sources(sessions, report.image, expected, [s.source for s in pending])
        return live.annotate(fresh)

    try:
        return wait_for_replication(report, poll, waiting, on_update)
    finally:
        progress.close()
