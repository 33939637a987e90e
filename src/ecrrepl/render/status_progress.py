"""Progress while `status --wait` and `backfill` poll AWS: live on a terminal, lines otherwise.

On a terminal, a rich live display redraws the current state in place and vanishes
when the wait ends (the final report follows on stdout). Anywhere else (CI logs, a
pipe) each change is printed once as a plain line, so that a log reads as a history.
Progress goes to stderr: stdout stays the report, or the JSON asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from ecrrepl.render.escape import terminal
from ecrrepl.render.status_text import format_duration, live_configuration_note, status_lines
from ecrrepl.render.styled import Line, Span
from ecrrepl.replication_status import NOT_LISTED, StatusReport

if TYPE_CHECKING:
    from rich.live import Live


class Progress(Protocol):
    def show(self, lines: Sequence[Line], events: Sequence[str]) -> None:
        """The whole current state (`lines`) and what changed since the last call."""

    def close(self) -> None: ...


class PlainProgress:
    """Prints what changed, one line each; the state as a whole is never redrawn."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def show(self, lines: Sequence[Line], events: Sequence[str]) -> None:
        for event in events:
            self.stream.write(terminal(event) + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class LiveProgress:
    """Redraws the state in place on a terminal; gone once closed."""

    def __init__(self, stream: TextIO, *, color: bool) -> None:
        from rich.console import Console
        from rich.live import Live

        console = Console(
            file=stream,
            force_terminal=True,
            no_color=not color,
            highlight=False,
            markup=False,
            emoji=False,
        )
        self._live: Live = Live(console=console, transient=True, auto_refresh=False)
        self._live.start()

    def show(self, lines: Sequence[Line], events: Sequence[str]) -> None:
        self._live.update(_as_text(lines), refresh=True)

    def close(self) -> None:
        self._live.stop()


def _as_text(lines: Sequence[Line]) -> Any:
    from rich.text import Text

    text = Text()
    for index, line in enumerate(lines):
        if index:
            text.append("\n")
        for span in line:
            text.append(terminal(span.text), span.style or "")
    return text


def open_progress(stream: TextIO, *, color: bool) -> Progress:
    """A live display when `stream` is a terminal, plain lines otherwise."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return LiveProgress(stream, color=color)
    return PlainProgress(stream)


# --- status --wait -----------------------------------------------------------------------


def waiting_lines(report: StatusReport, timeout_seconds: float) -> list[Line]:
    """The live display of `status --wait`: the table, and how long it has waited."""
    elapsed = format_duration(report.elapsed_seconds)
    limit = format_duration(timeout_seconds)
    return [
        *status_lines(report, closing=False),
        [],
        [Span(f"waiting: {elapsed} of at most {limit}", "dim")],
    ]


def status_events(previous: StatusReport | None, current: StatusReport) -> list[str]:
    """A line for each destination whose status is new or changed since `previous`."""
    before = {}
    if previous is not None:
        before = {
            (source.source, row.destination): (row.status, row.failure_code)
            for source in previous.found
            for row in source.rows
        }
    elapsed = format_duration(current.elapsed_seconds)
    events = []
    for source in current.found:
        for row in source.rows:
            now = (row.status, row.failure_code)
            if before.get((source.source, row.destination)) == now:
                continue
            status = "not listed by AWS" if row.status == NOT_LISTED else row.status
            if row.failure_code:
                status += f" (failure code: {row.failure_code})"
            if row.live_sends is not None:
                status += f" ({live_configuration_note(row)})"
            events.append(f"[{elapsed}] {source.source} → {row.destination}: {status}")
    return events
