"""Things the configuration must declare once: registries, and rule names in a registry."""

from __future__ import annotations

from collections.abc import Iterator

from ecrrepl.config.model import Config
from ecrrepl.lint.registry import Report, rule
from ecrrepl.lint.rules._repeats import repeats


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
    for first, registry in repeats(config.registries, key=lambda registry: registry.address):
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
        named = [(index, r) for index, r in enumerate(registry.rules) if r.name is not None]
        for (first_index, first), (_, replication_rule) in repeats(
            named, key=lambda numbered: numbered[1].name
        ):
            yield Report(
                f"rule name {replication_rule.name!r} is already used by rule "
                f"#{first_index + 1} (line {first.at('name').line}) of registry "
                f"{registry.address}; give each rule of a registry its own name",
                replication_rule.at("name"),
            )
