"""Findings for scripts: exactly one JSON object, in the shape the README fixes.

    {"findings": [{"rule", "severity", "message", "file", "line", "column", "path"}],
     "summary": {"files", "errors", "warnings", "infos"}}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecrrepl.findings import Finding
from ecrrepl.render.escape import json_document
from ecrrepl.render.findings_summary import FindingsSummary


def render_findings_json(findings: Sequence[Finding], summary: FindingsSummary) -> str:
    document = {
        "findings": [finding_as_json(finding) for finding in findings],
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
        },
    }
    return json_document(document) + "\n"


def finding_as_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
        "path": finding.location.path,
    }
