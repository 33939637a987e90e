"""Findings for scripts: exactly one JSON object, in the shape the README fixes.

    {"findings": [{"rule", "severity", "message", "file", "line", "column", "path",
                   "suppressed", and when suppressed "suppressed_by", "reason"}],
     "summary": {"files", "errors", "warnings", "infos", "suppressed"}}

A suppressed finding stays in the list, marked, so that scripts can audit what was
accepted; the summary's severity counts leave it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecrrepl.findings import EXTERNAL, IN_SOURCE, Finding
from ecrrepl.render.escape import json_document
from ecrrepl.render.findings_summary import FindingsSummary

SUPPRESSED_BY = {IN_SOURCE: "comment", EXTERNAL: "--ignore"}


def render_findings_json(findings: Sequence[Finding], summary: FindingsSummary) -> str:
    document = {
        "findings": [finding_as_json(finding) for finding in findings],
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
            "suppressed": summary.suppressed,
        },
    }
    return json_document(document) + "\n"


def finding_as_json(finding: Finding) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
        "path": finding.location.path,
        "suppressed": finding.suppressed,
    }
    if finding.suppression is not None:
        shown["suppressed_by"] = SUPPRESSED_BY[finding.suppression.kind]
        shown["reason"] = finding.suppression.reason or None
    return shown
