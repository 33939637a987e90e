"""Escaping at the edge: no value from a file or from AWS can drive the reader's screen.

Names, prefixes, policy texts and AWS messages reach the output of every command. A raw
ESC starts a terminal control sequence (colours, cursor moves, a rewritten title, a
hidden line), CR overwrites the line already printed, BEL rings, and the C1 range
(U+0080-U+009F) holds 8-bit forms of the same controls. The bidirectional overrides
(U+202A-U+202E, U+2066-U+2069) reorder what is shown ("Trojan Source", CVE-2021-42574),
and U+2028/U+2029 break lines in some viewers; the bidirectional marks (U+061C,
U+200E, U+200F) and the zero-width characters (U+200B-U+200D, U+2060, U+FEFF) are
invisible, so two names that look alike could differ. Each of them is printed as a visible
escape (`\\x1b`, `\\u202e`) instead; a tab stays, since the findings report keeps the
tabs of a quoted source line so that its caret lines up.

Stdlib only and cheap to import: the findings renderers of `validate` use it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Characters that reorder, break or hide what is shown, outside the C0 and C1 ranges.
_UNSHOWN = "\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff"
BIDI_AND_BREAKS = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
# C0 controls but the tab, DEL, C1 controls, and the characters above. Patterns, not
# compiled ones: re compiles each on first use and keeps it, so that `validate`, whose
# text is printable, does not pay for the compiling at start-up.
CONTROL = f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_UNSHOWN}]"
# The same outside the ASCII range: json.dumps already writes every C0 control as \uXXXX.
_JSON_UNSAFE = f"[\x7f-\x9f{_UNSHOWN}]"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """`text` with every control character but the tab written as a visible escape."""
    # Every character CONTROL matches is one str.isprintable refuses (tests/render_findings/
    # test_escape.py checks them all), and that test is the cheaper one for the usual text.
    if text.isprintable():
        return text
    return re.sub(CONTROL, _visible, text)


def lines(text: str) -> str:
    """`text` escaped like `terminal`, but its line feeds kept: for a message that a viewer
    shows as paragraphs (SARIF's message text)."""
    return "\n".join(terminal(line) for line in text.split("\n"))


def one_line(text: str) -> str:
    """`text` on one line: runs of whitespace (newlines included) become one space, then
    every remaining control character is escaped."""
    return terminal(" ".join(text.split()))


def markdown(text: str) -> str:
    """Text for Markdown outside a table: no HTML tags or entities, no control characters."""
    return terminal(text).replace("&", "&amp;").replace("<", "&lt;")


def markdown_cell(text: str) -> str:
    """Text for one cell of a Markdown table: a `|` would end the cell, a newline the row."""
    return markdown(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")).replace(
        "|", "\\|"
    )


def markdown_code(text: str) -> str:
    """Text for a Markdown code span (`...`): a backtick would close it early, so the span
    is opened with more backticks than the text holds in a row (CommonMark, code spans)."""
    # Inside a code span no HTML or entity is read, so only the line and the controls matter.
    safe = one_line(text)
    longest = max((len(run) for run in re.findall("`+", safe)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if longest else ""
    return f"{fence}{padding}{safe}{padding}{fence}"


def github_data(text: str) -> str:
    """The message of a GitHub Actions workflow command: GitHub's runner (ActionCommand)
    decodes %25, %0D and %0A there; the other control characters are escaped, since the
    log viewer interprets ANSI sequences."""
    return terminal(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def github_property(text: str) -> str:
    """A property value of a workflow command: `:` and `,` delimit properties too."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def json_document(document: Any, *, indent: int | None = 2) -> str:
    """`document` as JSON, non-ASCII text kept readable, and the characters above that a
    terminal would act on written as \\uXXXX escapes: the same data for a JSON parser."""
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    return re.sub(_JSON_UNSAFE, lambda match: f"\\u{ord(match.group()):04x}", text)
