"""Things the configuration must declare once: registries, and rule names in a registry."""

from __future__ import annotations

from collections.abc import Iterator

from ecrrepl.config.model import Config, RegistryAddress, SourceRegistry
from ecrrepl.lint.registry import Report, rule


@rule(
    "E108",
    "registry declared twice (same account and region, across all files)",
    source=(
        "ECR API reference, PutReplicationConfiguration (one configuration per registry, "
        "replaced whole): https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"
        "API_PutReplicationConfiguration.html"
    ),
)
def registry_declared_twice(config: Config) -> Iterator[Report]:
    """Each source registry is declared once, in all the files given together.

    A registry has exactly one replication configuration, and PutReplicationConfiguration
    replaces it whole: two declarations would overwrite each other, and which one wins
    would depend on the order of the files. Merge their rules into one entry.
    """
    first_by_address: dict[RegistryAddress, SourceRegistry] = {}
    for registry in config.registries:
        first = first_by_address.setdefault(registry.address, registry)
        if first is not registry:
            yield Report(
                f"registry {registry.address} is already declared at "
                f"{first.where.file}:{first.where.line}; merge the two into one entry",
                registry.where,
            )


@rule(
    "E110",
    "rule name used twice in one registry",
    source=(
        "ECR API reference, ReplicationRule (rules have no name in ECR; the name is "
        "ecrrepl's): https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"
        "API_ReplicationRule.html"
    ),
)
def rule_name_used_twice(config: Config) -> Iterator[Report]:
    """Rule names are unique within a registry.

    ECR itself does not name rules; ecrrepl uses the name to tell rules apart in
    findings and plans, so two rules of one registry with the same name would make
    both ambiguous. Names may repeat across registries.
    """
    for registry in config.registries:
        first_index_by_name: dict[str, int] = {}
        for index, replication_rule in enumerate(registry.rules):
            if replication_rule.name is None:
                continue
            first_index = first_index_by_name.setdefault(replication_rule.name, index)
            if first_index != index:
                first_line = registry.rules[first_index].at("name").line
                yield Report(
                    f"rule name {replication_rule.name!r} is already used by rule "
                    f"#{first_index + 1} (line {first_line}) of registry {registry.address}; "
                    "give each rule of a registry its own name",
                    replication_rule.at("name"),
                )
