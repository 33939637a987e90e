"""Findings as GitHub Actions workflow commands, which annotate the pull request's files.

    ::error file=ecrrepl.yaml,line=9,col=21,title=E105::unknown region 'us-est-1'; ...

Escaping follows GitHub's runner (ActionCommand): in the message `%`, CR and LF are
percent-encoded; in property values `:` and `,` are too, as they delimit properties.
Other control characters are written as visible escapes (render.escape).
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.findings import Finding, Severity
from ecrrepl.render.escape import github_data, github_property

COMMAND = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def render_findings_github(findings: Sequence[Finding]) -> str:
    """One command per finding; a suppressed one is left out: an annotation cannot be
    marked accepted, and the pull request must not show what was accepted."""
    return "".join(
        workflow_command(finding) + "\n" for finding in findings if not finding.suppressed
    )


def workflow_command(finding: Finding) -> str:
    where = finding.location
    properties = {
        "file": where.file,
        "line": str(where.line),
        "col": str(where.column),
        "title": finding.rule,
    }
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMAND[finding.severity]} {listed}::{escape_data(finding.message)}"


escape_data = github_data
escape_property = github_property
