"""A plan for programs: `diff --format json` prints exactly one JSON object.

    {"format_version": 3,
     "fingerprint": "<sha256 of the live state the plan was computed from>",
     "has_changes": true,
     "changes": [
       {"address": "replication/111111111111/us-west-2"
                   | "registry-policy/222222222222/eu-west-1/<Sid>"
                   | "template/222222222222/eu-west-1/<prefix>",
        "type": "replication_configuration" | "registry_policy_statement"
                | "repository_creation_template",
        "action": "create" | "update" | "delete",
        "account": "111111111111", "region": "us-west-2",
        "before": {...} | null, "after": {...} | null,
        "effects": ["..."]}],
     "registries": [
       {"registry": "111111111111/us-west-2", "account": "111111111111", "region": "us-west-2",
        "sections": [
          {"aspect": "replication" | "registry_policy" | "templates",
           "changes": [{"action": "add" | "change" | "remove", "symbol": "+" | "~" | "-",
                        "subject": "rule 'prod'", "details": ["..."], "effects": ["..."],
                        "address": "replication/111111111111/us-west-2"}],
           "unchanged": 3,
           "managed": true,            (registry_policy only)
           "unmanaged": ["legacy"],    (templates only: live templates left alone)
           "warnings": ["..."], "errors": ["..."]}]}],
     "summary": {"add": 1, "change": 0, "remove": 0},
     "warnings": ["..."], "errors": ["..."],
     "unread": [{"registry": "...", "account": "...", "region": "...", "reason": "..."}]}

`unread` lists the registries that could not be read (each also one of `errors`): they
have no entry in `registries`, and the plan cannot be applied.
`changes` lists every AWS document the plan changes, `before` and `after` in the shape
the ECR API uses (plan/documents.py), with the effects in words beside them; each
change in words under `registries` names the document it belongs to by `address`.
Registries are sorted by account and region, sections in the order above; every
section is listed, changed or not. A plan file (`diff --out`) is this same object with
what `apply` needs added (plan/files.py), so one policy reads both.

Format 3 added `changes` and `address` (1 had neither; 2 was only ever a plan file's
number). Fields are only ever added to this object within a format version.
"""

from __future__ import annotations

from typing import Any

from ecrrepl.config.model import RegistryAddress
from ecrrepl.plan.documents import POLICY_STATEMENT, REPLICATION, TEMPLATE, address_of
from ecrrepl.plan.files import PLAN_FORMAT_VERSION
from ecrrepl.plan.model import (
    Aspect,
    Change,
    DocumentChange,
    Plan,
    PolicySection,
    Section,
    TemplateSection,
)
from ecrrepl.render.escape import json_document

# One numbering with plan files, which hold this object (plan/files.py).
PLAN_JSON_VERSION = PLAN_FORMAT_VERSION

_KIND_OF_ASPECT = {
    Aspect.REPLICATION: REPLICATION,
    Aspect.REGISTRY_POLICY: POLICY_STATEMENT,
    Aspect.TEMPLATES: TEMPLATE,
}


def render_plan_json(plan: Plan) -> str:
    return json_document(plan_json_object(plan)) + "\n"


def plan_json_object(plan: Plan) -> dict[str, Any]:
    by_registry: dict[RegistryAddress, list[Section]] = {}
    for section in plan.sections:
        by_registry.setdefault(section.registry, []).append(section)
    summary = plan.summary
    return {
        "format_version": PLAN_JSON_VERSION,
        "fingerprint": plan.fingerprint,
        "has_changes": plan.has_changes,
        "changes": [document_json(document) for document in plan.documents],
        "registries": [
            {
                "registry": str(registry),
                "account": registry.account,
                "region": registry.region,
                "sections": [_section_json(section) for section in sections],
            }
            for registry, sections in by_registry.items()
        ],
        "summary": {"add": summary.add, "change": summary.change, "remove": summary.remove},
        "warnings": list(plan.warnings),
        "errors": list(plan.errors),
        "unread": [
            {
                "registry": str(registry),
                "account": registry.account,
                "region": registry.region,
                "reason": reason,
            }
            for registry, reason in plan.unread.items()
        ],
    }


def _section_json(section: Section) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "aspect": section.aspect.key,
        "changes": [_change_json(change, section) for change in section.changes],
        "unchanged": section.unchanged,
    }
    if isinstance(section, PolicySection):
        shown["managed"] = section.managed
    if isinstance(section, TemplateSection):
        shown["unmanaged"] = list(section.unmanaged)
    shown["warnings"] = list(section.warnings)
    shown["errors"] = list(section.errors)
    return shown


def document_json(document: DocumentChange) -> dict[str, Any]:
    return {
        "address": document.address,
        "type": document.kind,
        "action": document.action.value,
        "account": document.registry.account,
        "region": document.registry.region,
        "before": document.before,
        "after": document.after,
        "effects": list(document.effects),
    }


def _change_json(change: Change, section: Section) -> dict[str, Any]:
    key = "" if section.aspect is Aspect.REPLICATION else change.key
    return {
        "action": change.action.value,
        "symbol": change.action.symbol,
        "subject": change.subject,
        "details": list(change.details),
        "effects": list(change.effects),
        "address": address_of(_KIND_OF_ASPECT[section.aspect], section.registry, key),
    }
