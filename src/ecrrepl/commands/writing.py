"""What `apply` and `restore` share: confirmation, the stale-state guard, backups,
running the writes and reporting them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from ecrrepl.aws.applier import Write, WriteReport, execute
from ecrrepl.aws.session import Sessions
from ecrrepl.backup import Backup, write_backup
from ecrrepl.commands.typed_confirmation import terminal_to_ask
from ecrrepl.errors import UserError
from ecrrepl.render.escape import one_line, terminal

_GREEN, _RED, _DIM, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[2m", "\x1b[0m"


def confirm(question: str, *, yes: bool, out: TextIO, stdin: TextIO | None = None) -> None:
    """Ask `question` on `out` and read the answer from the terminal; without one, only
    --yes lets the write go ahead. Only y or yes goes ahead: anything else, or the end of
    input, cancels (a typo never writes)."""
    stream = terminal_to_ask(yes=yes, stdin=stdin)
    if stream is None:
        return
    out.write(f"{question} [y/N]: ")
    out.flush()
    if stream.readline().strip().lower() not in ("y", "yes"):
        raise UserError("cancelled; nothing was written")


def refuse_if_changed(before: str, now: str, what_happened: str, review: str) -> None:
    """Refuse to write over a state other than the one the plan or backup was read from."""
    if before != now:
        raise UserError(
            f"{what_happened}; nothing was written. Run `{review}` again and review "
            "what it shows now."
        )


def save_backup(backup: Backup, folder: str, out: TextIO) -> None:
    path = write_backup(backup, folder)
    shown = terminal(str(path))
    out.write(f"Backup of the previous state: {shown}  (undo with `ecrrepl restore {shown}`)\n")


def run_writes(
    writes: Sequence[Write], sessions: Sessions, out: TextIO, *, color: bool
) -> WriteReport:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    def progress(write: Write, error: str | None) -> None:
        if error is None:
            out.write(f"  {paint(_GREEN, 'done')}    {terminal(write.description)}\n")
        else:
            out.write(
                f"  {paint(_RED, 'FAILED')}  {terminal(write.description)}: {one_line(error)}\n"
            )
        out.flush()

    out.write(f"Writing {len(writes)} document{'s' if len(writes) != 1 else ''}:\n")
    report = execute(writes, sessions, progress)
    for write in report.not_attempted:
        out.write(f"  {paint(_DIM, 'skipped')} {terminal(write.description)} (not attempted)\n")
    return report


def failure_message(report: WriteReport) -> str:
    assert report.failed is not None
    written, skipped = len(report.written), len(report.not_attempted)
    return (
        f"stopped at the first failure: {written} written, 1 failed, {skipped} not attempted. "
        "Later writes were not attempted so that replication never runs without permission; "
        "fix the cause and run the command again (it converges)"
    )
