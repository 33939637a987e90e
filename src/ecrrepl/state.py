"""Live state of the registries a configuration touches, in the config's own model types.

The state reader (aws/) fills this from AWS; the plan compares it with the desired
configuration without any I/O. A fingerprint of the state lets `apply` notice that
someone changed a registry between `diff --out` and the write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ecrrepl.config.model import CreationTemplate, JsonObject, RegistryAddress, ReplicationRule
from ecrrepl.config.rule_fields import RULE_FIELDS, RuleKind
from ecrrepl.config.template_json import settings_json


class TagImmutability(NamedTuple):
    """A repository's tag mutability setting, as DescribeRepositories returns it."""

    repository: str
    mutability: str
    exclusion_filters: tuple[str, ...] = ()


@dataclass(frozen=True)
class LiveState:
    # The replication rules of each source registry of the configuration, as AWS has them
    # (rule names are never sent to AWS, so live rules have none).
    replication: Mapping[RegistryAddress, tuple[ReplicationRule, ...]] = field(default_factory=dict)
    # The registry policy of each cross-account destination registry; None when it has none.
    registry_policies: Mapping[RegistryAddress, JsonObject | None] = field(default_factory=dict)
    # Registry policies that were not read, with the reason: only for accounts whose
    # policy the configuration does not manage and whose credentials reach another account.
    unread_policies: Mapping[RegistryAddress, str] = field(default_factory=dict)
    # Registries that could not be read at all (access refused, region not enabled,
    # endpoint down), with the reason in one line naming account, region and operation:
    # the plan leaves them out and cannot be applied.
    unreadable: Mapping[RegistryAddress, str] = field(default_factory=dict)
    # The creation templates of each registry where the configuration declares any.
    templates: Mapping[RegistryAddress, tuple[CreationTemplate, ...]] = field(default_factory=dict)
    # The repositories where some tags are immutable (every setting but MUTABLE, see
    # tag_mutability) in each destination registry, sorted by name, among those the
    # configuration's filters send there: an image replicated into one under an
    # immutable tag it already holds arrives untagged.
    immutable_repositories: Mapping[RegistryAddress, tuple[TagImmutability, ...]] = field(
        default_factory=dict
    )

    def fingerprint(self) -> str:
        """A digest of everything read, insensitive to the order of reading."""
        return hashlib.sha256(
            json.dumps(self.as_json(), sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()

    def as_json(self) -> dict[str, Any]:
        return {
            "replication": {
                str(address): [_rule_json(rule) for rule in rules]
                for address, rules in sorted(self.replication.items())
            },
            "registry_policies": {
                str(address): policy for address, policy in sorted(self.registry_policies.items())
            },
            "templates": {
                str(address): [_template_json(t) for t in templates]
                for address, templates in sorted(self.templates.items())
            },
            "unread_policies": sorted(str(address) for address in self.unread_policies),
            "unreadable": sorted(str(address) for address in self.unreadable),
            "immutable_repositories": {
                str(address): sorted(
                    [r.repository, r.mutability, sorted(r.exclusion_filters)] for r in repositories
                )
                for address, repositories in sorted(self.immutable_repositories.items())
            },
        }


def _rule_json(rule: ReplicationRule) -> dict[str, Any]:
    """What AWS holds of a rule (no name), sorted: a digest that does not depend on the
    order AWS lists filters and destinations in."""
    return {
        field.name: _rule_value_json(field.kind, getattr(rule, field.name))
        for field in RULE_FIELDS
        if field.api_key is not None
    }


def _rule_value_json(kind: RuleKind, value: Any) -> Any:
    if kind is RuleKind.PREFIX_FILTERS:
        return None if value is None else sorted(f.prefix for f in value)
    if kind is RuleKind.DESTINATIONS:
        return sorted(str(d.address) for d in value)
    return value


def _template_json(template: CreationTemplate) -> dict[str, Any]:
    return {"prefix": template.prefix} | settings_json(template, canonical=True)
