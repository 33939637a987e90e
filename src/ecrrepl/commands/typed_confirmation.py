"""A confirmation that takes more than y/N: the answer must be typed back."""

from __future__ import annotations

import sys
from typing import TextIO

from ecrrepl.errors import UserError
from ecrrepl.render.escape import one_line


def terminal_to_ask(*, yes: bool, stdin: TextIO | None = None) -> TextIO | None:
    """Where to read a confirmation from: None when --yes answers it; refused when there
    is no terminal, since nothing goes ahead without --yes then."""
    if yes:
        return None
    stream = sys.stdin if stdin is None else stdin
    if not (hasattr(stream, "isatty") and stream.isatty()):
        raise UserError(
            "no terminal to ask for confirmation on, and --yes was not given; nothing was written"
        )
    return stream


def confirm_by_typing(
    question: str, answer: str, *, yes: bool, out: TextIO, stdin: TextIO | None = None
) -> None:
    """Ask on the terminal and go on only when `answer` is typed; --yes skips the question,
    and without a terminal nothing goes ahead without --yes."""
    stream = terminal_to_ask(yes=yes, stdin=stdin)
    if stream is None:
        return
    out.write(question + " ")
    out.flush()
    typed = stream.readline().strip()
    if typed != answer:
        shown = repr(one_line(typed)[:40]) if typed else "nothing"
        raise UserError(f"cancelled: {shown} was typed, not {answer}; nothing was written")
