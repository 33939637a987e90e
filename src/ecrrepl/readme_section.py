"""A generated section of a Markdown file: the text between two HTML-comment markers.

The README carries tables generated from the code (the lint rules, the IAM
permissions); `make docs` rewrites each between its markers, and a test fails when the
committed text differs from what the code generates.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def replace_between(document: str, begin: str, end: str, body: str, *, what: str) -> str:
    """`document` with the text between the `begin` and `end` markers replaced by `body`
    (lines ending in newlines); ValueError naming `what` when the markers are missing."""
    start = document.find(begin)
    stop = document.find(end)
    if start < 0 or stop < start:
        raise ValueError(f"the document has no {what} section markers")
    return f"{document[: start + len(begin)]}\n{body}{document[stop:]}"


def print_or_rewrite(
    arguments: Sequence[str], generated: Callable[[], str], rewritten: Callable[[str], str]
) -> int:
    """A generator's command line: without arguments it prints `generated()`; given a
    file, it rewrites that file's section in place with `rewritten`."""
    if not arguments:
        sys.stdout.write(generated())
        return 0
    path = Path(arguments[0])
    path.write_text(rewritten(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0
