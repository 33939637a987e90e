"""An image's replication status for people: one block per source, one line per destination.

    image prod/api:1.0 (sha256:5f1e...)

    from 111111111111/us-west-2
      ✓ 111111111111/us-east-1  COMPLETE
      … 222222222222/eu-west-1  IN_PROGRESS
      ✗ 333333333333/us-west-2  FAILED (failure code: PERMISSION_DENIED)
      ! 222222222222/us-east-2  not listed by AWS (the live configuration sends there)
      · 444444444444/eu-west-2  COMPLETE (not in the configuration)

    In progress: 1 of 3 expected destinations complete; `--wait` waits for the rest.

The closing sentence says the outcome, and what to do about it. The same lines serve the
live display of `status --wait` (render.status_progress).
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.config.model import RegistryAddress
from ecrrepl.render.styled import HEADER_STYLE, QUIET_STYLE, Line, Span, render_lines
from ecrrepl.replication_status import (
    COMPLETE,
    FAILED,
    IN_PROGRESS,
    NOT_LISTED,
    DestinationRow,
    Outcome,
    SourceStatus,
    StatusReport,
)

MARKS = {
    COMPLETE: ("✓", "green"),
    IN_PROGRESS: ("…", "yellow"),
    FAILED: ("✗", "red"),
    NOT_LISTED: ("!", "red"),
}
UNKNOWN_MARK = ("?", "yellow")
OUTCOME_STYLE = {
    Outcome.COMPLETE: "green",
    Outcome.IN_PROGRESS: "yellow",
    Outcome.NOT_LISTED: "red",
    Outcome.FAILED: "red",
}


def render_status_text(report: StatusReport, *, color: bool = False) -> str:
    return render_lines(status_lines(report), color=color)


def status_lines(report: StatusReport, *, closing: bool = True) -> list[Line]:
    digest = next((s.digest for s in report.found if s.digest), None)
    title = f"image {report.image}" + (f" ({digest})" if digest and report.image.tag else "")
    lines: list[Line] = [[Span(title, HEADER_STYLE)], []]
    for source in report.found:
        lines.extend(_source_lines(source))
        lines.append([])
    lines.extend(
        [Span(f"not checked in {source.source}: {source.missing}", QUIET_STYLE)]
        for source in report.sources
        if source.missing is not None
    )
    if closing:
        if any(source.missing is not None for source in report.sources):
            lines.append([])
        lines.append([Span(outcome_sentence(report), OUTCOME_STYLE[report.outcome])])
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _source_lines(source: SourceStatus) -> list[Line]:
    lines: list[Line] = [[Span(f"from {source.source}", HEADER_STYLE)]]
    if source.arrived_from is not None:
        lines.append(
            [
                Span(
                    f"  a copy replicated from {source.arrived_from}: replication does not "
                    "chain, so these rules do not carry it on (not counted)",
                    QUIET_STYLE,
                )
            ]
        )
    width = max((len(str(row.destination)) for row in source.rows), default=0)
    lines.extend(_row_line(row, width) for row in source.rows)
    if not source.rows:
        lines.append([Span("  (AWS lists no destination and the configuration expects none)")])
    return lines


def _row_line(row: DestinationRow, width: int) -> Line:
    mark, style = MARKS.get(row.status, UNKNOWN_MARK)
    status = "not listed by AWS" if row.status == NOT_LISTED else row.status
    line = [
        Span(f"  {mark} ", style),
        Span(str(row.destination).ljust(width)),
        Span(f"  {status}", style),
    ]
    if row.failure_code:
        line.append(Span(f" (failure code: {row.failure_code})"))
    if row.live_sends is not None:
        line.append(Span(f" ({live_configuration_note(row)})", QUIET_STYLE))
    if not row.expected:
        line.append(Span(" (not in the configuration)", QUIET_STYLE))
    return line


def live_configuration_note(row: DestinationRow) -> str:
    """Whether the live configuration sends there, for a row AWS does not list."""
    return f"the live configuration {'sends' if row.live_sends else 'does not send'} there"


def _addresses(rows: Sequence[tuple[RegistryAddress, DestinationRow]]) -> str:
    return ", ".join(str(row.destination) for _, row in rows)


def outcome_sentence(report: StatusReport) -> str:
    """What the outcome is and what to do about it, in one sentence or two."""
    outcome = report.outcome
    after = f" after {format_duration(report.elapsed_seconds)}" if report.waited else ""
    expected = report.expected_count
    if outcome is Outcome.COMPLETE:
        noun = "destination" if expected == 1 else "destinations"
        return f"Complete{after}: replicated to all {expected} expected {noun}."
    if outcome is Outcome.FAILED:
        return (
            f"Failed{after}: replication to {_addresses(report.rows_with(FAILED))} failed "
            "(see the failure codes above)."
        )
    if outcome is Outcome.NOT_LISTED:
        return _not_listed_sentence(report, after)
    complete = len(report.rows_with(COMPLETE))
    if report.timed_out:
        return (
            f"Timed out{after}: still in progress to {_addresses(report.unsettled)} "
            f"({complete} of {expected} expected destinations complete)."
        )
    return (
        f"In progress: {complete} of {expected} expected destinations complete; "
        "`--wait` waits for the rest."
    )


def _not_listed_sentence(report: StatusReport, after: str) -> str:
    stopped = report.not_replicating
    if stopped:
        unknown = [(source, row) for source, row in stopped if row.live_sends is None]
        if unknown:
            return (
                f"Not replicating{after}: AWS does not list {_addresses(unknown)} for this "
                "image. It was pushed before replication there was set up (`ecrrepl "
                "backfill` copies existing images), or the live configuration differs "
                "from the file (`ecrrepl diff`)."
            )
        return (
            f"Not replicating{after}: AWS does not list {_addresses(stopped)} for this "
            f"image, and the live replication configuration does not send "
            f"{report.image.repository} there: it differs from the file (`ecrrepl diff`)."
        )
    awaited = _addresses(report.rows_with(NOT_LISTED))
    if report.timed_out:
        return (
            f"Timed out{after}: AWS still does not list {awaited} for this image, though "
            "the live configuration sends it there. It was pushed before replication "
            "there was set up (`ecrrepl backfill` copies existing images), or AWS is slow "
            "to list it."
        )
    return (
        f"Not listed yet: AWS does not list {awaited} for this image, though the live "
        "configuration sends it there; `--wait` waits for it."
    )


def format_duration(seconds: float) -> str:
    """12s, 4m05s, 1h02m."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
