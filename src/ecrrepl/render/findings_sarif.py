"""Findings as SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps).

One run, whose driver lists every rule of the catalogue (its summary, description,
documentation link and default level) and whose results point at file, line and
column. Columns are counted in characters, which SARIF calls unicodeCodePoints.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from ecrrepl.findings import Finding, Severity, Suppression
from ecrrepl.lint.registry import Rule
from ecrrepl.render.escape import lines, terminal

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "ecrrepl"
PROJECT_URL = "https://github.com/ecrrepl/ecrrepl"
RULES_DOC_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"

LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


def render_findings_sarif(
    findings: Sequence[Finding], rules: Sequence[Rule], *, tool_version: str
) -> str:
    return json.dumps(sarif_log(findings, rules, tool_version=tool_version), indent=2) + "\n"


def sarif_log(
    findings: Sequence[Finding], rules: Sequence[Rule], *, tool_version: str
) -> dict[str, Any]:
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    driver = {
        "name": TOOL_NAME,
        "version": tool_version,
        "semanticVersion": tool_version,
        "informationUri": PROJECT_URL,
        "rules": [reporting_descriptor(rule) for rule in rules],
    }
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [result(finding, rule_index.get(finding.rule)) for finding in findings],
            }
        ],
    }


def reporting_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": unwrapped(rule.description) or rule.summary},
        "helpUri": f"{RULES_DOC_URL}#{rule.id.lower()}",
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"source": rule.source},
    }


def result(finding: Finding, rule_index: int | None) -> dict[str, Any]:
    where = finding.location
    physical_location = {
        "artifactLocation": {"uri": artifact_uri(where.file)},
        "region": {"startLine": max(1, where.line), "startColumn": max(1, where.column)},
    }
    location: dict[str, Any] = {"physicalLocation": physical_location}
    if where.path:
        location["logicalLocations"] = [
            {"fullyQualifiedName": terminal(where.path), "kind": "property"}
        ]
    sarif_result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVEL[finding.severity],
        # Viewers show the text as it is: a control character from the file is escaped.
        "message": {"text": lines(finding.message)},
        "locations": [location],
    }
    if rule_index is not None:
        sarif_result["ruleIndex"] = rule_index
    if finding.suppression is not None:
        sarif_result["suppressions"] = [suppression(finding.suppression)]
    return sarif_result


def suppression(accepted: Suppression) -> dict[str, Any]:
    """SARIF 2.1.0 section 3.35, the suppression object: `kind` "inSource" for a comment
    in the file (with the comment's location), "external" for `--ignore`; the reason
    as `justification`. No `status`: it is optional and its default is "accepted"
    (the TC's change that introduced it, https://github.com/oasis-tcs/sarif-spec/issues/371),
    and viewers hide a result with such a suppression (Microsoft's sarif-web-component
    sample Suppressions.sarif). Spec:
    https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html; the schema is
    tests/render_findings/sarif-schema-2.1.0.json. Checked 2026-12-02."""
    described: dict[str, Any] = {"kind": accepted.kind}
    if accepted.reason:
        described["justification"] = lines(accepted.reason)
    if accepted.where is not None:
        described["location"] = {
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(accepted.where.file)},
                "region": {
                    "startLine": max(1, accepted.where.line),
                    "startColumn": max(1, accepted.where.column),
                },
            }
        }
    return described


def unwrapped(prose: str) -> str:
    """Docstring prose without its hard line breaks; paragraphs stay apart."""
    paragraphs = (" ".join(paragraph.split()) for paragraph in prose.split("\n\n"))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def artifact_uri(file: str) -> str:
    """A file name as a URI reference: relative stays relative (to the repository root)."""
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return "file://" + quote(str(path))
    return quote(str(path))
