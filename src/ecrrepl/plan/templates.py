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
from ecrrepl.plan.model import Action, Change, TemplateSection
from ecrrepl.state import LiveState

ROOT_PREFIX = "ROOT"

# The order in which fields are shown, and what each one holds when the file omits it.
_FIELDS: tuple[str, ...] = (
    "applied_for",
    "description",
    "image_tag_mutability",
    "image_tag_mutability_exclusion_filters",
    "encryption",
    "resource_tags",
    "lifecycle_policy",
    "repository_policy",
    "custom_role_arn",
)

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
    return [name for name in _FIELDS if _effective(current, name) != _effective(wanted, name)]


def _effective(template: CreationTemplate, name: str) -> Any:
    """A field's value as AWS applies it: omitted fields take AWS's defaults."""
    if name == "applied_for":
        return frozenset(template.applied_for)
    if name == "image_tag_mutability_exclusion_filters":
        return frozenset(template.image_tag_mutability_exclusion_filters)
    if name == "image_tag_mutability":
        return template.image_tag_mutability or "MUTABLE"
    if name == "encryption":
        encryption = template.encryption
        if encryption is None:
            return ("AES256", None)
        return (encryption.type, encryption.kms_key or None)
    if name == "resource_tags":
        return dict(template.resource_tags)
    value = getattr(template, name)
    # An empty description, role or policy is the same as none.
    return value or None


def _shown(template: CreationTemplate, name: str) -> str:
    value = _effective(template, name)
    if name in ("applied_for", "image_tag_mutability_exclusion_filters"):
        return ", ".join(sorted(value)) or "none"
    if name == "encryption":
        kind, key = value
        return f"{kind} ({key})" if key else str(kind)
    if name == "resource_tags":
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items())) or "none"
    if name in ("lifecycle_policy", "repository_policy"):
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
        f"{name}: {_shown(template, name)}"
        for name in _FIELDS
        if name == "applied_for" or getattr(template, name)
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
    details = tuple(
        f"{name}: changed"
        if name in ("lifecycle_policy", "repository_policy")
        and _shown(current, name) == "set"
        and _shown(template, name) == "set"
        else f"{name}: {_shown(current, name)} -> {_shown(template, name)}"
        for name in differing
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
