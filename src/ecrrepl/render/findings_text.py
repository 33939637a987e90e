"""Findings for people: each one with its source line and a caret under the column.

    ecrrepl.yaml:9:21  E105 error  unknown region 'us-est-1'; did you mean 'us-east-1'?
       9 |           - region: us-est-1
         |                     ^

    1 error, 0 warnings, 0 infos in 1 file

The report is built as lines of styled spans (render.styled), so that plain output
never imports rich.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ecrrepl.findings import Finding, Severity
from ecrrepl.render.escape import terminal
from ecrrepl.render.findings_summary import FindingsSummary
from ecrrepl.render.styled import Line, Span, render_lines

_NOT_TAB = re.compile(r"[^\t]")
# A source line longer than this is shown as a window around the column.
MAX_QUOTED_CHARS = 160

SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold cyan",
}
LOCATION_STYLE = "bold"
GUTTER_STYLE = "dim"


def render_findings_text(
    findings: Sequence[Finding],
    sources: Mapping[str, str],
    summary: FindingsSummary,
    *,
    color: bool = False,
) -> str:
    """The whole report as text; ANSI colours only when `color` is true."""
    return render_lines(report_lines(findings, sources, summary), color=color)


def report_lines(
    findings: Sequence[Finding], sources: Mapping[str, str], summary: FindingsSummary
) -> list[Line]:
    lines: list[Line] = []
    # Suppressed findings are accepted: only the summary counts them.
    shown = [finding for finding in findings if finding.suppression is None]
    # Made once per rule, not per finding: a large file can have a hundred thousand.
    labels: dict[str, tuple[str, str]] = {}
    for file_findings in _grouped_by_file(shown):
        gutter = max(len(str(f.location.line)) for f in file_findings)
        # Split once per file: splitting per finding is quadratic on a large file.
        source = sources.get(file_findings[0].location.file)
        source_lines = None if source is None else source.splitlines()
        for finding in file_findings:
            label = labels.get(finding.rule)
            if label is None:
                severity = finding.severity
                label = labels[finding.rule] = (
                    f"{finding.rule} {severity.value}",
                    SEVERITY_STYLE[severity],
                )
            lines.append(_headline(finding, *label))
            lines.extend(_quote(finding, source_lines, gutter, label[1]))
            lines.append([])
    lines.append([Span(summary.sentence(), _summary_style(summary))])
    return lines


def _grouped_by_file(findings: Sequence[Finding]) -> list[list[Finding]]:
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.location.file, []).append(finding)
    return list(by_file.values())


def _headline(finding: Finding, label: str, style: str) -> Line:
    return [
        Span(str(finding.location), LOCATION_STYLE),
        Span("  "),
        Span(label, style),
        Span("  "),
        Span(finding.message),
    ]


def _quote(
    finding: Finding, source_lines: Sequence[str] | None, gutter: int, caret_style: str
) -> list[Line]:
    """The offending source line and a caret under its column; nothing if unknown."""
    if source_lines is None:
        return []
    number = finding.location.line
    if not 1 <= number <= len(source_lines):
        return []
    text, caret_at = _window(source_lines[number - 1].rstrip(), finding.location.column - 1)
    # Keep tabs where they are, so that the caret lines up however a terminal expands them.
    # The quote is printed escaped (render.styled), so the caret is placed by the escaped
    # width of what precedes it.
    before = text[:caret_at]
    padding = " " * caret_at if before.isascii() and before.isprintable() else _padding(before)
    return [
        [Span(f"{number:>{gutter + 2}} | ", GUTTER_STYLE), Span(text)],
        [Span(f"{'':>{gutter + 2}} | ", GUTTER_STYLE), Span(padding), Span("^", caret_style)],
    ]


def _padding(before: str) -> str:
    """Spaces as wide as `before` prints escaped, its tabs kept."""
    return _NOT_TAB.sub(" ", terminal(before))


def _window(text: str, index: int) -> tuple[str, int]:
    """At most MAX_QUOTED_CHARS of `text` around `index`, and where `index` lands in it."""
    index = max(0, min(index, len(text)))
    if len(text) <= MAX_QUOTED_CHARS:
        return text, index
    start = max(0, min(index - MAX_QUOTED_CHARS // 2, len(text) - MAX_QUOTED_CHARS))
    end = start + MAX_QUOTED_CHARS
    shown = text[start:end]
    if start > 0:
        shown, index = "…" + shown, index - start + 1
    if end < len(text):
        shown += "…"
    return shown, index


def _summary_style(summary: FindingsSummary) -> str:
    if summary.errors:
        return SEVERITY_STYLE[Severity.ERROR]
    if summary.warnings:
        return SEVERITY_STYLE[Severity.WARNING]
    return "bold green" if summary.infos == 0 else SEVERITY_STYLE[Severity.INFO]
