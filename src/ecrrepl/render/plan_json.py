"""A plan for programs: `diff --format json` prints exactly one JSON object.

    {"format_version": 1,
     "fingerprint": "<sha256 of the live state the plan was computed from>",
     "has_changes": true,
     "registries": [
       {"registry": "111111111111/us-west-2", "account": "111111111111", "region": "us-west-2",
        "sections": [
          {"aspect": "replication" | "registry_policy" | "templates",
           "changes": [{"action": "add" | "change" | "remove", "symbol": "+" | "~" | "-",
                        "subject": "rule 'prod'", "details": ["..."], "effects": ["..."]}],
           "unchanged": 3,
           "managed": true,            (registry_policy only)
           "unmanaged": ["legacy"],    (templates only: live templates left alone)
           "warnings": ["..."], "errors": ["..."]}]}],
     "summary": {"add": 1, "change": 0, "remove": 0},
     "warnings": ["..."], "errors": ["..."],
     "unread": [{"registry": "...", "account": "...", "region": "...", "reason": "..."}]}

`unread` lists the registries that could not be read (each also one of `errors`): they
have no entry in `registries`, and the plan cannot be applied.
Registries are sorted by account and region, sections in the order above; every
section is listed, changed or not. Fields are only ever added to this object.
"""

from __future__ import annotations

from typing import Any

from ecrrepl.config.model import RegistryAddress
from ecrrepl.plan.model import Change, Plan, PolicySection, Section, TemplateSection
from ecrrepl.render.escape import json_document

PLAN_JSON_VERSION = 1


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
        "changes": [_change_json(change) for change in section.changes],
        "unchanged": section.unchanged,
    }
    if isinstance(section, PolicySection):
        shown["managed"] = section.managed
    if isinstance(section, TemplateSection):
        shown["unmanaged"] = list(section.unmanaged)
    shown["warnings"] = list(section.warnings)
    shown["errors"] = list(section.errors)
    return shown


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "action": change.action.value,
        "symbol": change.action.symbol,
        "subject": change.subject,
        "details": list(change.details),
        "effects": list(change.effects),
    }
