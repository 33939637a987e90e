"""Suppression comments in a configuration file's text.

    registries:  # ecrrepl: ignore-file[W113] the overlap is deliberate
      - region: ap-east-1  # ecrrepl: ignore[W115] both accounts are opted in
      # ecrrepl: ignore[W112,W113] reason, for the line below
      - ...

Comments are not in YAML's node tree, so the text is searched for the directive; a
match counts only where it is a real comment: at the start of a line or after blanks
(a comment is separated from other tokens by white space: YAML 1.2.2, "6.6. Comments",
https://yaml.org/spec/1.2.2/#66-comments, checked 2026-12-02; PyYAML's scanner ends a
plain scalar at " #" alike), and not inside a quoted or block scalar, whose spans come
from PyYAML's parser.
Only files that contain the directive pay for the scan, and the scan stops at the
last one: `validate` must stay fast.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import yaml

from ecrrepl.findings import Location

# Cheap to search for before anything else: a file without it has no suppressions.
MARK = "ecrrepl:"
_CANDIDATE = re.compile(r"#[ \t]*ecrrepl:")
_DIRECTIVE = re.compile(r"[ \t]*(ignore-file|ignore)[ \t]*\[([^\]\n]*)\][ \t]*(.*)")
_QUOTED_STYLES = ("'", '"')
_BLOCK_STYLES = ("|", ">")

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LINE = "line"
FILE = "file"


class NamedRule(NamedTuple):
    """One ID inside the brackets, and where it is written."""

    rule: str
    where: Location


class Directive(NamedTuple):
    """A suppression comment: `scope` is LINE (of `target_line`) or FILE."""

    where: Location  # the comment's `#`
    scope: str
    target_line: int
    rules: tuple[NamedRule, ...]
    reason: str


class Unreadable(NamedTuple):
    """A comment that starts like a directive but does not parse as one."""

    where: Location
    text: str


def scan_comments(file: str, text: str) -> tuple[list[Directive], list[Unreadable]]:
    """The suppression directives of one file, and the ones it misspells."""
    text = text.removeprefix("\ufeff")  # the loader's columns do not count a BOM
    candidates = _candidates(text)
    if not candidates:
        return [], []
    comments = _outside_scalars(text, candidates)
    directives: list[Directive] = []
    unreadable: list[Unreadable] = []
    for line, column, line_text in comments:
        where = Location(file, line + 1, column + 1)
        after = line_text[column:].split(":", 1)[1]
        match = _DIRECTIVE.fullmatch(after.rstrip())
        if match is None:
            unreadable.append(Unreadable(where, line_text[column:].strip()))
            continue
        kind, listed, reason = match.groups()
        ids_at = column + len(line_text[column:]) - len(after) + match.start(2)
        rules = tuple(_named_rules(file, line + 1, ids_at, listed))
        alone = _alone(line_text[:column])
        scope = FILE if kind == "ignore-file" else LINE
        target = line + 2 if alone else line + 1
        directives.append(Directive(where, scope, target, rules, _reason(reason)))
    return directives, unreadable


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """(0-based line, column of `#`, the line) of each directive-like `#` after blanks."""
    found: list[tuple[int, int, str]] = []
    line = counted_to = 0
    for match in _CANDIDATE.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] not in " \t\n\r":
            continue
        line += text.count("\n", counted_to, start)
        counted_to = start
        line_start = text.rfind("\n", 0, start) + 1
        end = text.find("\n", start)
        line_text = text[line_start : end if end != -1 else len(text)].rstrip("\r")
        found.append((line, start - line_start, line_text))
    return found


def _outside_scalars(
    text: str, candidates: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """The candidates that no quoted or block scalar contains: real comments.

    A plain scalar never contains ` #` (it ends there), so only quoted and block
    scalars matter. A block scalar's own line may end in a comment (`key: | # note`),
    so its span starts on the next line. Text that does not parse has no suppressions:
    its findings are YAML errors, which cannot be suppressed anyway.
    """
    last = max((line, column) for line, column, _ in candidates)
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    try:
        # Parser events rather than scanner tokens: half as many, same scalar marks.
        for event in yaml.parse(text, Loader=_Loader):
            start, end = event.start_mark, event.end_mark
            if start is None or end is None:  # PyYAML's parser always marks its events
                continue
            if (start.line, start.column) > last:
                break
            style = getattr(event, "style", None)
            if style in _QUOTED_STYLES:
                spans.append(((start.line, start.column), (end.line, end.column)))
            elif style in _BLOCK_STYLES:
                spans.append(((start.line + 1, 0), (end.line, end.column)))
    except yaml.YAMLError:
        return []
    # Both lists are in document order and spans do not overlap: one sweep, not a
    # product, so that a file with a suppression on every line stays linear.
    comments = []
    index = 0
    for line, column, line_text in candidates:
        while index < len(spans) and spans[index][1] <= (line, column):
            index += 1
        if index < len(spans) and spans[index][0] <= (line, column):
            continue
        comments.append((line, column, line_text))
    return comments


def _named_rules(file: str, line: int, column: int, listed: str) -> list[NamedRule]:
    """Each comma-separated ID and its 1-based column (`column`: where the list starts)."""
    rules = []
    offset = 0
    for part in listed.split(","):
        rule = part.strip()
        if rule:
            at = column + offset + (len(part) - len(part.lstrip())) + 1
            rules.append(NamedRule(rule, Location(file, line, at)))
        offset += len(part) + 1
    return rules


def _alone(before: str) -> bool:
    """Nothing but blanks (or another comment) before the directive on its line."""
    stripped = before.strip()
    return not stripped or stripped.startswith("#")


def _reason(text: str) -> str:
    """The free text after the brackets, without a separator the writer put first."""
    return text.strip().lstrip(":-–— \t").strip()
