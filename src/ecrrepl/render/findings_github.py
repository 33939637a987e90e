"""Findings as GitHub Actions workflow commands, which annotate the pull request's files.

    ::error file=ecrrepl.yaml,line=9,col=21,title=E105::unknown region 'us-est-1'; ...

Escaping follows GitHub's runner (ActionCommand): in the message `%`, CR and LF are
percent-encoded; in property values `:` and `,` are too, as they delimit properties.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.findings import Finding, Severity

COMMAND = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def render_findings_github(findings: Sequence[Finding]) -> str:
    return "".join(workflow_command(finding) + "\n" for finding in findings)


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


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
