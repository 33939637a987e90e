"""Plan files: a plan saved by `diff --out PLAN.json` and applied by `apply PLAN.json`.

A plan file holds everything `apply` needs without the configuration: how to reach
each account, the whole rule list of each source registry, the merged registry
policies, the templates, and the fingerprint of the live state the plan was computed
from (apply refuses when the registries changed since). The configuration files'
names, paths (relative to the plan file's folder) and sha256 digests are recorded:
`apply PLAN.json` refuses when those files are there and differ (plan/provenance.py).

    {"format_version": 3, "kind": "ecrrepl-plan",
     "config_files": [{"name": "ecrrepl.yaml", "path": "ecrrepl.yaml", "sha256": "..."}],
     "fingerprint": "...",
     "scope": [{"account": ..., "region": ...}],   # `diff --registry`; [] or absent: all
     "accounts": {"222222222222": {"role_arn": ..., "external_id": ..., "profile": ...,
                                   "manage_registry_policy": true}},
     "replication": [{"registry": {"account": ..., "region": ...}, "rules": [...],
                      "changes": [...], "unchanged": 0, "warnings": []}],
     "registry_policies": [{"registry": ..., "managed": true, "policy": {...} | null,
                            "changes": [...], "unchanged": 0, "warnings": [], "errors": [],
                            "denials": [], "missing_grants": []}],
     "templates": [{"registry": ..., "declared": [...], "changes": [...], "unchanged": 0,
                    "unmanaged": ["legacy"]}]}

A change is {"action": "add|change|remove", "subject", "details", "effects", "key"}.
`apply` never shows a change's words from the file: it computes the plan again from the
plan's configuration and the live state, and shows that.

Besides these keys, a plan file holds everything `diff --format json` prints
(render/plan_json.py: `changes` with each AWS document before and after, `registries`,
`summary`, ...), so that a policy checked against `diff --format json` is checked the
same way against the saved plan. `apply` requires the file's `changes` to be exactly
the documents it computes (plan/documents.py), so a plan that passed a policy check is
the plan that is written.

Format 1 did not record where the configuration files are, format 2 not the documents;
both are refused with a hint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Mapping
from typing import Any

from ecrrepl.config.model import CreationTemplate, RegistryAddress, ReplicationRule, accounts_json
from ecrrepl.config.rule_fields import RULE_FIELDS, RuleKind
from ecrrepl.config.template_json import settings_json
from ecrrepl.plan.file_reader import PlanFileReader
from ecrrepl.plan.model import Change, Plan, Section, SourceFile

PLAN_FORMAT_VERSION = 3
PLAN_KIND = "ecrrepl-plan"


def plan_to_json(
    plan: Plan, config_files: Mapping[str, str | bytes], plan_folder: str | None = None
) -> dict[str, Any]:
    """The plan file's object; `config_files` maps each file name to its content, and
    each is recorded relative to `plan_folder`, where the plan file goes."""
    sources = [
        SourceFile(
            name,
            hashlib.sha256(_bytes(content)).hexdigest(),
            os.path.relpath(os.path.abspath(name), os.path.abspath(plan_folder or os.curdir)),
        )
        for name, content in config_files.items()
    ] or list(plan.sources)
    from ecrrepl.render.plan_json import plan_json_object

    return plan_json_object(plan) | {
        "format_version": PLAN_FORMAT_VERSION,
        "kind": PLAN_KIND,
        "config_files": [{"name": s.name, "path": s.path, "sha256": s.sha256} for s in sources],
        "fingerprint": plan.fingerprint,
        "scope": [_registry_json(address) for address in plan.scope],
        "accounts": accounts_json(plan.accounts),
        "owner": plan.owner,
        "replication": [
            section_json(
                section,
                {"rules": [_rule_json(rule) for rule in section.rules]},
                {"warnings": list(section.warnings)},
            )
            for section in plan.replication
        ],
        "registry_policies": [
            section_json(
                section,
                {"managed": section.managed, "policy": section.policy},
                {
                    "warnings": list(section.warnings),
                    "errors": list(section.errors),
                    "denials": list(section.denials),
                    "missing_grants": list(section.missing_grants),
                },
            )
            for section in plan.registry_policies
        ],
        "templates": [
            section_json(
                section,
                {"declared": [_template_json(template) for template in section.declared]},
                {"unmanaged": list(section.unmanaged)},
            )
            for section in plan.templates
        ],
    }


def section_json(
    section: Section, before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, Any]:
    """A section of the plan file: what every section has (its registry, changes and
    unchanged count), with what its kind has `before` and `after` the changes, in the
    order the file has always had."""
    return {
        "registry": _registry_json(section.registry),
        **before,
        "changes": [_change_json(change) for change in section.changes],
        "unchanged": section.unchanged,
        **after,
    }


def plan_from_text(text: str, source: str) -> Plan:
    """A plan read from the text of the file `source`."""
    from ecrrepl.input_files import load_json_input

    refused = f"{source} is not a plan file"
    data = load_json_input(
        text, refused, lambda error: f"{refused}: it is not valid JSON ({error})"
    )
    return plan_from_json(data, source)


def plan_from_json(data: Any, source: str = "the plan file") -> Plan:
    """The plan a plan file's object describes; UserError names what is malformed."""
    return PlanFileReader(source, kind=PLAN_KIND, version=PLAN_FORMAT_VERSION).plan(data)


def without_rule_names(plan: Plan) -> Plan:
    """A saved plan as `apply` takes it: rule names are not sent to AWS, so they are
    words from the file that no write backs, and a shown plan numbers the rules instead."""
    return dataclasses.replace(
        plan,
        replication=tuple(
            dataclasses.replace(
                section, rules=tuple(rule.replace(name=None) for rule in section.rules)
            )
            for section in plan.replication
        ),
    )


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _registry_json(address: RegistryAddress) -> dict[str, str]:
    return {"account": address.account, "region": address.region}


def _rule_json(rule: ReplicationRule) -> dict[str, Any]:
    return {
        field.name: _rule_value_json(field.kind, getattr(rule, field.name)) for field in RULE_FIELDS
    }


def _rule_value_json(kind: RuleKind, value: Any) -> Any:
    if kind is RuleKind.PREFIX_FILTERS:
        return None if value is None else [f.prefix for f in value]
    if kind is RuleKind.DESTINATIONS:
        return [{"account": d.account, "region": d.region} for d in value]
    return value


def _template_json(template: CreationTemplate) -> dict[str, Any]:
    return {
        "account": template.account,
        "region": template.region,
        "prefix": template.prefix,
    } | settings_json(template)


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "action": change.action.value,
        "subject": change.subject,
        "details": list(change.details),
        "effects": list(change.effects),
        "key": change.key,
    }
