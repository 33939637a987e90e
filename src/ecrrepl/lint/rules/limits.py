"""The replication configuration's size quotas: rules, unique destinations, filters."""

from __future__ import annotations

from collections.abc import Iterator

from ecrrepl.config.model import Config
from ecrrepl.limits import (
    CHECKED,
    MAX_FILTERS_PER_RULE,
    MAX_RULES_PER_REGISTRY,
    MAX_UNIQUE_DESTINATIONS_PER_REGISTRY,
)
from ecrrepl.lint.registry import Report, rule


@rule(
    "E101",
    f"more than {MAX_RULES_PER_REGISTRY} rules in one registry",
    source=f"{MAX_RULES_PER_REGISTRY.source} (checked {CHECKED})",
)
def too_many_rules(config: Config) -> Iterator[Report]:
    """A registry's replication configuration holds at most {limits.MAX_RULES_PER_REGISTRY} rules.

    PutReplicationConfiguration refuses a configuration with more, so nothing of it
    would be written. Merge rules that share destinations (one rule takes up to
    {limits.MAX_FILTERS_PER_RULE} filters), or drop rules that no longer send anything.
    """
    for registry in config.registries:
        if len(registry.rules) > MAX_RULES_PER_REGISTRY:
            extra = registry.rules[MAX_RULES_PER_REGISTRY]
            yield Report(
                f"registry {registry.address} has {len(registry.rules)} rules, but ECR allows "
                f"at most {MAX_RULES_PER_REGISTRY}; merge rules that share destinations",
                extra.where,
            )


@rule(
    "E102",
    f"more than {MAX_UNIQUE_DESTINATIONS_PER_REGISTRY} unique destinations across one "
    "registry's rules",
    source=f"{MAX_UNIQUE_DESTINATIONS_PER_REGISTRY.source} (checked {CHECKED})",
)
def too_many_destinations(config: Config) -> Iterator[Report]:
    """A registry replicates to at most {limits.MAX_UNIQUE_DESTINATIONS_PER_REGISTRY} unique
    destinations, counted across all its rules.

    A destination is a registry: an account in a region. The same destination named by
    several rules counts once. PutReplicationConfiguration refuses a configuration over
    the quota, so none of it would be written.
    """
    for registry in config.registries:
        unique = {d.address for r in registry.rules for d in r.destinations}
        if len(unique) > MAX_UNIQUE_DESTINATIONS_PER_REGISTRY:
            yield Report(
                f"registry {registry.address} replicates to {len(unique)} unique destinations "
                f"across its rules, but ECR allows at most "
                f"{MAX_UNIQUE_DESTINATIONS_PER_REGISTRY}",
                registry.at("rules"),
            )


@rule(
    "E103",
    f"more than {MAX_FILTERS_PER_RULE} filters in one rule",
    source=f"{MAX_FILTERS_PER_RULE.source} (checked {CHECKED})",
)
def too_many_filters(config: Config) -> Iterator[Report]:
    """A replication rule holds at most {limits.MAX_FILTERS_PER_RULE} repository filters.

    Filters are prefixes, so a shorter common prefix usually replaces many of them
    (`team-` instead of `team-a`, `team-b`, ...); or split them over two rules with
    the same destinations.
    """
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            filters = replication_rule.filters or ()
            if len(filters) > MAX_FILTERS_PER_RULE:
                yield Report(
                    f"{replication_rule.label(index)} has {len(filters)} filters, but ECR "
                    f"allows at most {MAX_FILTERS_PER_RULE} per rule; use shorter common "
                    "prefixes or split the rule",
                    filters[MAX_FILTERS_PER_RULE].where,
                )
