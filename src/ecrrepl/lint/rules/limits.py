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

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - {filters: [team-a/], destinations: [{region: us-east-1}]}
              - {filters: [team-b/], destinations: [{region: us-east-1}]}
              - {filters: [team-c/], destinations: [{region: us-east-1}]}
              - {filters: [team-d/], destinations: [{region: us-east-1}]}
              - {filters: [team-e/], destinations: [{region: us-east-1}]}
              - {filters: [team-f/], destinations: [{region: us-east-1}]}
              - {filters: [team-g/], destinations: [{region: us-east-1}]}
              - {filters: [team-h/], destinations: [{region: us-east-1}]}
              - {filters: [team-i/], destinations: [{region: us-east-1}]}
              - {filters: [team-j/], destinations: [{region: us-east-1}]}
              - {filters: [team-k/], destinations: [{region: us-east-1}]}
              - {filters: [team-l/], destinations: [{region: us-east-1}]}
              - {filters: [team-m/], destinations: [{region: us-east-1}]}
              - {filters: [team-n/], destinations: [{region: us-east-1}]}
              - {filters: [team-o/], destinations: [{region: us-east-1}]}
              - {filters: [team-p/], destinations: [{region: us-east-1}]}
              - {filters: [team-q/], destinations: [{region: us-east-1}]}
              - {filters: [team-r/], destinations: [{region: us-east-1}]}
              - {filters: [team-s/], destinations: [{region: us-east-1}]}
              - {filters: [team-t/], destinations: [{region: us-east-1}]}
              - {filters: [team-u/], destinations: [{region: us-east-1}]}
              - {filters: [team-v/], destinations: [{region: us-east-1}]}
              - {filters: [team-w/], destinations: [{region: us-east-1}]}
              - {filters: [team-x/], destinations: [{region: us-east-1}]}
              - {filters: [team-y/], destinations: [{region: us-east-1}]}
              - {filters: [team-z/], destinations: [{region: us-east-1}]}

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [team-a/, team-b/, team-c/, team-d/, team-e/, team-f/, team-g/]
                destinations: [{region: us-east-1}]
              - filters: [team-h/, team-i/, team-j/, team-k/, team-l/, team-m/, team-n/]
                destinations: [{region: us-east-1}]
              - filters: [team-o/, team-p/, team-q/, team-r/, team-s/, team-t/, team-u/]
                destinations: [{region: us-east-1}]
              - filters: [team-v/, team-w/, team-x/, team-y/, team-z/]
                destinations: [{region: us-east-1}]
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

    Fails:
        version: 1
        accounts:
          "222222222222": {profile: dr}
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations:
                  - {region: us-east-1}
                  - {region: us-east-2}
                  - {region: us-west-1}
                  - {region: ca-central-1}
                  - {region: sa-east-1}
                  - {region: eu-west-1}
                  - {region: eu-west-2}
                  - {region: eu-west-3}
                  - {region: eu-central-1}
                  - {region: eu-north-1}
                  - {region: ap-south-1}
                  - {region: ap-northeast-1}
                  - {region: ap-northeast-2}
              - filters: [base/]
                destinations:
                  - {account: "222222222222", region: us-east-1}
                  - {account: "222222222222", region: us-east-2}
                  - {account: "222222222222", region: us-west-1}
                  - {account: "222222222222", region: us-west-2}
                  - {account: "222222222222", region: ca-central-1}
                  - {account: "222222222222", region: sa-east-1}
                  - {account: "222222222222", region: eu-west-1}
                  - {account: "222222222222", region: eu-west-2}
                  - {account: "222222222222", region: eu-west-3}
                  - {account: "222222222222", region: eu-central-1}
                  - {account: "222222222222", region: eu-north-1}
                  - {account: "222222222222", region: ap-south-1}
                  - {account: "222222222222", region: ap-northeast-1}

    Passes:
        version: 1
        accounts:
          "222222222222": {profile: dr}
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations:
                  - {region: us-east-1}
                  - {account: "222222222222", region: us-east-1}
              - filters: [base/]
                destinations:
                  - {region: us-east-1}
                  - {account: "222222222222", region: eu-west-1}
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

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - name: services
                destinations: [{region: us-east-1}]
                filters: [
                  s000, s001, s002, s003, s004, s005, s006, s007, s008, s009,
                  s010, s011, s012, s013, s014, s015, s016, s017, s018, s019,
                  s020, s021, s022, s023, s024, s025, s026, s027, s028, s029,
                  s030, s031, s032, s033, s034, s035, s036, s037, s038, s039,
                  s040, s041, s042, s043, s044, s045, s046, s047, s048, s049,
                  s050, s051, s052, s053, s054, s055, s056, s057, s058, s059,
                  s060, s061, s062, s063, s064, s065, s066, s067, s068, s069,
                  s070, s071, s072, s073, s074, s075, s076, s077, s078, s079,
                  s080, s081, s082, s083, s084, s085, s086, s087, s088, s089,
                  s090, s091, s092, s093, s094, s095, s096, s097, s098, s099,
                  s100]

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - name: services
                destinations: [{region: us-east-1}]
                filters: [s0, s100]
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
