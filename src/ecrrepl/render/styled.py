"""Terminal output built as lines of styled spans, joined as plain text or ANSI colour.

Renderers for people build their lines once and choose the output last. Plain text only
joins the spans; rich is imported for coloured output alone, because importing it costs
about 30 ms, a third of validate's time budget. Span texts carry names and messages from
files and from AWS, so both outputs print them escaped (render.escape): a control
character in a value is shown, never acted on; rich never reads them as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ecrrepl.render.escape import terminal


class Span(NamedTuple):
    """A run of text and the rich style to print it in; no style prints it as it is."""

    text: str
    style: str | None = None


Line = list[Span]

# The styles every text renderer shares: headings, and what matters less.
HEADER_STYLE = "bold"
QUIET_STYLE = "dim"


def render_lines(lines: Sequence[Line], *, color: bool) -> str:
    """The lines as text, each ending in a newline; ANSI colours only when `color` is true."""
    return lines_to_ansi(lines) if color else lines_to_plain(lines)


def lines_to_plain(lines: Sequence[Line]) -> str:
    # Escaping works character by character: once per line is the same as once per span.
    return "".join(terminal("".join([span.text for span in line])) + "\n" for line in lines)


def lines_to_ansi(lines: Sequence[Line]) -> str:
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    # Print exactly the spans: no wrapping, markup, emoji or highlighting of our own text,
    # and the same 8-colour escapes whatever terminal the tests run in.
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        legacy_windows=False,
    )
    for line in lines:
        console.print(Text.assemble(*((terminal(span.text), span.style or "") for span in line)))
    return buffer.getvalue()
