"""Repository creation templates, by (registry, prefix).

A template the file declares is created or updated; a live template it does not
declare is listed as unmanaged and never deleted. A field the file leaves out means
AWS's default, so a live template that holds the default is not reported as changed.
A declared prefix stands for the live template of the same namespace: `prod` and
`prod/` are one template (config.model.template_namespace).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecrrepl.config.model import Config, CreationTemplate, RegistryAddress
from ecrrepl.config.template_fields import TEMPLATE_FIELDS, Kind, TemplateField
from ecrrepl.plan.model import Action, Change, TemplateSection
from ecrrepl.state import LiveState

ROOT_PREFIX = "ROOT"

_CREATED_BY = {
    "REPLICATION": "replication",
    "PULL_THROUGH_CACHE": "a pull through cache rule",
    "CREATE_ON_PUSH": "a push (create on push)",
}


def plan_templates(config: Config, live: LiveState) -> tuple[TemplateSection, ...]:
    declared: dict[RegistryAddress, list[CreationTemplate]] = {}
    for template in config.templates:
        declared.setdefault(template.address, []).append(template)
    return tuple(
        _plan_registry(registry, templates, live.templates.get(registry, ()))
        for registry, templates in sorted(declared.items())
    )


def _plan_registry(
    registry: RegistryAddress,
    declared: Sequence[CreationTemplate],
    live: Sequence[CreationTemplate],
) -> TemplateSection:
    matched = _match_live(declared, live)
    changes = []
    unchanged = 0
    for template in declared:
        current = matched.get(template.prefix)
        if current is None:
            changes.append(_added(template))
            continue
        differing = differing_fields(current, template)
        if differing:
            changes.append(_changed(template, current, differing))
        else:
            unchanged += 1
    matched_prefixes = {template.prefix for template in matched.values()}
    return TemplateSection(
        registry=registry,
        declared=tuple(declared),
        changes=tuple(changes),
        unchanged=unchanged,
        unmanaged=tuple(sorted(t.prefix for t in live if t.prefix not in matched_prefixes)),
    )


def _match_live(
    declared: Sequence[CreationTemplate], live: Sequence[CreationTemplate]
) -> dict[str, CreationTemplate]:
    """The live template each declared prefix stands for: the same text, else the same
    namespace (`prod` and `prod/` are one template to AWS; see template_namespace)."""
    by_text = {template.prefix: template for template in live}
    by_namespace = {
        template.namespace: template for template in sorted(live, key=lambda t: t.prefix)
    }
    matched = {}
    for template in declared:
        current = by_text.get(template.prefix) or by_namespace.get(template.namespace)
        if current is not None:
            matched[template.prefix] = current
    return matched


def differing_fields(current: CreationTemplate, wanted: CreationTemplate) -> list[str]:
    """The fields in which two templates differ as AWS applies them, in display order."""
    return [
        field.name
        for field in TEMPLATE_FIELDS
        if _effective(current, field) != _effective(wanted, field)
    ]


def _effective(template: CreationTemplate, field: TemplateField) -> Any:
    """A field's value as AWS applies it: omitted fields take AWS's defaults."""
    value = getattr(template, field.name)
    if field.kind in (Kind.CHOICES, Kind.TAG_FILTERS):
        return frozenset(value)
    if field.kind is Kind.CHOICE:
        return value or field.default
    if field.kind is Kind.ENCRYPTION:
        if value is None:
            return (field.default, None)
        return (value.type, value.kms_key or None)
    if field.kind is Kind.TAGS:
        return dict(value)
    # An empty description, role or policy is the same as none.
    return value or None


def _shown(template: CreationTemplate, field: TemplateField) -> str:
    value = _effective(template, field)
    if field.kind in (Kind.CHOICES, Kind.TAG_FILTERS):
        return ", ".join(sorted(value)) or "none"
    if field.kind is Kind.ENCRYPTION:
        kind, key = value
        return f"{kind} ({key})" if key else str(kind)
    if field.kind is Kind.TAGS:
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items())) or "none"
    if field.kind is Kind.JSON_DOCUMENT:
        return "set" if value else "none"
    return str(value) if value is not None else "none"


def _new_repositories(template: CreationTemplate) -> str:
    where = (
        "every new repository"
        if template.prefix == ROOT_PREFIX
        else f"new repositories under `{template.namespace}`"
    )
    ways = [_CREATED_BY.get(way, way) for way in sorted(template.applied_for)]
    return f"{where} created by {' or '.join(ways)}"


def _subject(template: CreationTemplate) -> str:
    return f"template {template.prefix}"


def _added(template: CreationTemplate) -> Change:
    details = tuple(
        f"{field.name}: {_shown(template, field)}"
        for field in TEMPLATE_FIELDS
        # The one setting always sent (appliedFor is required) is always shown.
        if field.kind is Kind.CHOICES or getattr(template, field.name)
    )
    return Change(
        Action.ADD,
        _subject(template),
        details,
        (f"{_new_repositories(template)} get this template's settings",),
        key=template.prefix,
    )


def _changed(
    template: CreationTemplate, current: CreationTemplate, differing: Sequence[str]
) -> Change:
    fields = [field for field in TEMPLATE_FIELDS if field.name in differing]
    details = tuple(
        f"{field.name}: changed"
        if field.kind is Kind.JSON_DOCUMENT
        and _shown(current, field) == "set"
        and _shown(template, field) == "set"
        else f"{field.name}: {_shown(current, field)} -> {_shown(template, field)}"
        for field in fields
    )
    return Change(
        Action.CHANGE,
        _subject(template),
        details,
        (
            f"{_new_repositories(template)} get the new {', '.join(differing)}; "
            f"existing repositories keep their settings",
        ),
        # The live template's own text: the update must name the template that is there.
        key=current.prefix,
    )
