"""Suppressions: accepted warnings and infos, from comments in the files or `--ignore`.

An error is what AWS would refuse, so it cannot be suppressed; naming one in a
comment is a finding of its own (W051), as is naming an ID the catalogue does not
know or a comment that does not parse (W053), and a suppression that accepts nothing
(W052, reported at the ID, as ruff reports an unused `noqa`). These three are about
the suppressions themselves and cannot be suppressed either.

Order: a comment on (or directly above) the finding's line, then a file-wide comment,
then `--ignore`; the first that names the finding's rule accepts it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ecrrepl.findings import EXTERNAL, IN_SOURCE, Finding, Location, Severity, Suppression
from ecrrepl.lint.registry import all_rules
from ecrrepl.lint.suppression_comments import (
    FILE,
    Directive,
    NamedRule,
    scan_comments,
)

ERROR_SUPPRESSED = "W051"
UNUSED = "W052"
UNKNOWN = "W053"
ABOUT_SUPPRESSIONS = frozenset({ERROR_SUPPRESSED, UNUSED, UNKNOWN})
UNREADABLE_FILE = frozenset({"E001", "E006"})  # the loader's "no document" findings


def unsuppressible_reason(rule_id: str) -> str | None:
    """Why `rule_id` cannot be suppressed, or None when it can."""
    if rule_id in ABOUT_SUPPRESSIONS:
        return f"{rule_id} reports a suppression itself and cannot be suppressed"
    if Severity.of_rule(rule_id) is Severity.ERROR:
        return (
            f"{rule_id} is an error, which cannot be suppressed: AWS would refuse "
            "the configuration; fix it instead"
        )
    return None


def apply_suppressions(
    findings: Sequence[Finding], sources: Mapping[str, str], ignore: Collection[str] = ()
) -> list[Finding]:
    """The findings with accepted ones marked, plus the findings about suppressions."""
    known = {rule.id for rule in all_rules()}
    problems: list[Finding] = []
    by_line: dict[tuple[str, int], list[tuple[Directive, NamedRule]]] = {}
    by_file: dict[str, list[tuple[Directive, NamedRule]]] = {}
    # A file the loader could not read has only its YAML error, which no comment accepts;
    # reporting its comments as unused would be noise.
    unread = {f.location.file for f in findings if f.rule in UNREADABLE_FILE}
    for file, text in sources.items():
        if file in unread:
            continue
        directives, unreadable = scan_comments(file, text)
        for bad in unreadable:
            problems.append(
                Finding(
                    UNKNOWN,
                    f"unreadable suppression '{_shortened(bad.text)}'; write "
                    "'# ecrrepl: ignore[W115] reason' or '# ecrrepl: ignore-file[W115] reason'",
                    bad.where,
                )
            )
        for directive in directives:
            if not directive.rules:
                problems.append(Finding(UNKNOWN, "suppression names no rule ID", directive.where))
            for named in directive.rules:
                problem = _problem(named, known)
                if problem is not None:
                    problems.append(problem)
                elif directive.scope == FILE:
                    by_file.setdefault(file, []).append((directive, named))
                else:
                    key = (file, directive.target_line)
                    by_line.setdefault(key, []).append((directive, named))
    used: set[tuple[Location, str]] = set()
    marked: list[Finding] = []
    for finding in findings:
        suppression = None
        if unsuppressible_reason(finding.rule) is None:
            suppression = _suppression(finding, by_line, by_file, ignore, used)
        marked.append(finding._replace(suppression=suppression))
    for directive, named in _all(by_line, by_file):
        if (named.where, named.rule) not in used:
            place = "in this file" if directive.scope == FILE else "on its line"
            if directive.scope != FILE and directive.target_line != directive.where.line:
                place = "on the line below"
            problems.append(
                Finding(
                    UNUSED, f"suppression of {named.rule} matches no finding {place}", named.where
                )
            )
    return sorted(marked + problems, key=Finding.sort_key)


def _problem(named: NamedRule, known: set[str]) -> Finding | None:
    if named.rule not in known:
        shown = _shortened(named.rule)
        return Finding(UNKNOWN, f"suppression names unknown rule ID '{shown}'", named.where)
    reason = unsuppressible_reason(named.rule)
    if reason is not None:
        return Finding(ERROR_SUPPRESSED, reason, named.where)
    return None


def _suppression(
    finding: Finding,
    by_line: Mapping[tuple[str, int], list[tuple[Directive, NamedRule]]],
    by_file: Mapping[str, list[tuple[Directive, NamedRule]]],
    ignore: Collection[str],
    used: set[tuple[Location, str]],
) -> Suppression | None:
    where = finding.location
    for directive, named in [
        *by_line.get((where.file, where.line), ()),
        *by_file.get(where.file, ()),
    ]:
        if named.rule == finding.rule:
            used.add((named.where, named.rule))
            return Suppression(IN_SOURCE, directive.reason, directive.where)
    if finding.rule in ignore:
        return Suppression(EXTERNAL)
    return None


def _shortened(text: str, limit: int = 60) -> str:
    """Text quoted from a comment, at most `limit` characters: a message is one line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _all(
    by_line: Mapping[tuple[str, int], list[tuple[Directive, NamedRule]]],
    by_file: Mapping[str, list[tuple[Directive, NamedRule]]],
) -> list[tuple[Directive, NamedRule]]:
    return [pair for pairs in (*by_line.values(), *by_file.values()) for pair in pairs]
