"""Where one repository's images end up: the answer of `ecrrepl route`, computed offline.

For each source registry, every rule whose filters match the repository name sends a
push to its destinations; a destination reached by several rules is one hop (ECR
replicates an image once per destination). Each hop says what it costs and needs:
cross-region transfer is billed, a cross-account destination needs its registry policy,
and the creation template there decides the settings of the repository replication
creates. Replication does not chain: a destination that is itself a source here does not
pass the image on, so its own destinations are listed as not reached.

Source: ECR user guide, private image replication,
https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ecrrepl import limits
from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
    replicates,
    template_namespace,
)
from ecrrepl.lint.rules.filters import replicates_every_repository
from ecrrepl.lint.rules.templates_placement import ROOT

# botocore's ECR model, shape RepositoryName (lengths from the one table).
REPOSITORY_NAME_MIN_LENGTH = limits.MIN_REPOSITORY_NAME_LENGTH
REPOSITORY_NAME_MAX_LENGTH = limits.MAX_REPOSITORY_NAME_LENGTH
REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")

DEFAULT_SETTINGS = "the repository gets default settings (mutable tags, AES256)"


def repository_name_problem(name: str) -> str | None:
    """Why `name` is not an ECR repository name, as one sentence; None when it is one."""
    if (
        REPOSITORY_NAME_MIN_LENGTH <= len(name) <= REPOSITORY_NAME_MAX_LENGTH
        and REPOSITORY_NAME.fullmatch(name) is not None
    ):
        return None
    lowered = name.lower()
    hint = ""
    if lowered != name and repository_name_problem(lowered) is None:
        hint = f"; did you mean {lowered!r}?"
    shown = repr(name) if len(name) <= 60 else f"{name[:40]!r}... ({len(name)} characters)"
    return (
        f"{shown} is not a repository name: {REPOSITORY_NAME_MIN_LENGTH} to "
        f"{REPOSITORY_NAME_MAX_LENGTH} lower-case letters and digits, separated by '.', '_', "
        f"'-' or '/'{hint}"
    )


@dataclass(frozen=True)
class RuleMatch:
    """One rule that sends the repository to a destination, and the filter that caught it."""

    name: str | None
    index: int  # the rule's position in its registry, from 0
    prefix: str | None  # None: the rule has no filters and replicates every repository

    @property
    def label(self) -> str:
        """The rule's name, or `#n` for its position."""
        return self.name or f"#{self.index + 1}"

    @property
    def words(self) -> str:
        rule = f"rule '{self.name}'" if self.name else f"rule #{self.index + 1}"
        if self.prefix is None:
            return f"{rule} (no filters: every repository)"
        return f"{rule} (filter '{self.prefix}')"


class Crossing:
    """What a replication from `source` to `destination` crosses: a region boundary
    (billed transfer), an account boundary (a registry policy must allow it)."""

    source: RegistryAddress
    destination: RegistryAddress

    @property
    def cross_region(self) -> bool:
        return self.source.region != self.destination.region

    @property
    def cross_account(self) -> bool:
        return self.source.account != self.destination.account


@dataclass(frozen=True)
class Hop(Crossing):
    """A destination that a push to the source registry reaches."""

    source: RegistryAddress
    destination: RegistryAddress
    rules: tuple[RuleMatch, ...]
    # The template that sets up the repository replication creates; None: default settings.
    template: CreationTemplate | None
    # Whether the configuration writes the destination's registry policy; None when the
    # hop stays in one account and needs no policy.
    policy_managed: bool | None



@dataclass(frozen=True)
class NotReached:
    """A registry that a chain in the configuration suggests, but replication never reaches."""

    destination: RegistryAddress
    via: RegistryAddress

    @property
    def reason(self) -> str:
        return f"replication does not chain (push to {self.via} to reach it)"


@dataclass(frozen=True)
class SourceRoute:
    source: RegistryAddress
    rule_count: int
    hops: tuple[Hop, ...]
    not_reached: tuple[NotReached, ...]

    @property
    def matched(self) -> bool:
        return bool(self.hops)


@dataclass(frozen=True)
class Route:
    repository: str
    sources: tuple[SourceRoute, ...]


def route_repository(
    config: Config, repository: str, *, source: RegistryAddress | None = None
) -> Route:
    """Where a push of `repository` to each source registry (or only `source`) replicates.

    `config` should have no error findings: routing assumes valid filters and regions.
    """
    registries = [r for r in config.registries if source is None or r.address == source]
    return Route(
        repository=repository,
        sources=tuple(_route_from(config, registry, repository) for registry in registries),
    )


def _route_from(config: Config, registry: SourceRegistry, repository: str) -> SourceRoute:
    hops = tuple(
        Hop(
            source=registry.address,
            destination=destination,
            rules=rules,
            template=creation_template_for(config.templates, destination, repository),
            policy_managed=(
                config.manages_policy_of(destination.account)
                if destination.account != registry.account
                else None
            ),
        )
        for destination, rules in _matching_destinations(registry, repository).items()
    )
    return SourceRoute(
        source=registry.address,
        rule_count=len(registry.rules),
        hops=hops,
        not_reached=_chained_destinations(config, registry.address, hops, repository),
    )


def destinations_sent_to(
    rules: Iterable[ReplicationRule], repository: str
) -> frozenset[RegistryAddress]:
    """The destinations that `rules` (a file's, or the live ones) send a push of
    `repository` to."""
    return frozenset(
        destination.address
        for replication_rule in rules
        if replicates_every_repository(replication_rule)
        or matching_prefix(replication_rule.prefixes or (), repository) is not None
        for destination in replication_rule.destinations
    )


def _matching_destinations(
    registry: SourceRegistry, repository: str
) -> dict[RegistryAddress, tuple[RuleMatch, ...]]:
    """Each destination a push reaches, in the file's order, with every rule sending it there."""
    by_destination: dict[RegistryAddress, list[RuleMatch]] = {}
    for index, replication_rule in enumerate(registry.rules):
        if replicates_every_repository(replication_rule):
            prefix = None
        else:
            prefix = matching_prefix(replication_rule.prefixes or (), repository)
            if prefix is None:
                continue
        match = RuleMatch(replication_rule.name, index, prefix)
        for destination in replication_rule.destinations:
            rules = by_destination.setdefault(destination.address, [])
            # The same destination twice in one rule (W111) is still one hop.
            if match not in rules:
                rules.append(match)
    return {address: tuple(rules) for address, rules in by_destination.items()}


def matching_prefix(prefixes: Iterable[str], repository: str) -> str | None:
    """The longest filter that `repository` starts with (the most telling), or None."""
    matching = [prefix for prefix in prefixes if replicates(repository, (prefix,))]
    return max(matching, key=len) if matching else None


def creation_template_for(
    templates: Iterable[CreationTemplate], registry: RegistryAddress, repository: str
) -> CreationTemplate | None:
    """The REPLICATION template of `registry` that applies to `repository`.

    The template whose namespace (prefix plus `/`) holds the repository, the longest
    such prefix winning; else the registry's ROOT template; else none.
    """
    candidates = [t for t in templates if t.address == registry and "REPLICATION" in t.applied_for]
    matching = [
        t
        for t in candidates
        if t.prefix != ROOT and repository.startswith(template_namespace(t.prefix))
    ]
    if matching:
        return max(matching, key=lambda t: len(template_namespace(t.prefix)))
    return next((t for t in candidates if t.prefix == ROOT), None)


def _chained_destinations(
    config: Config, origin: RegistryAddress, hops: tuple[Hop, ...], repository: str
) -> tuple[NotReached, ...]:
    """Registries that the sources' own rules would forward to, if replication chained.

    Followed hop by hop (breadth first), so each is named with the nearest registry a
    push would have to go to; registries the push reaches anyway, or the origin, are
    left out.
    """
    registries = {registry.address: registry for registry in config.registries}
    seen = {origin, *(hop.destination for hop in hops)}
    not_reached: list[NotReached] = []
    frontier = [hop.destination for hop in hops]
    while frontier:
        next_frontier: list[RegistryAddress] = []
        for via in frontier:
            forwarding = registries.get(via)
            if forwarding is None:
                continue
            for destination in _matching_destinations(forwarding, repository):
                if destination in seen:
                    continue
                seen.add(destination)
                not_reached.append(NotReached(destination, via))
                next_frontier.append(destination)
        frontier = next_frontier
    return tuple(not_reached)
