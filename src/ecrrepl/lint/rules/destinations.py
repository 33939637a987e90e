"""Destinations: where rules send images, and what ECR does when they repeat or chain."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ecrrepl.config.model import (
    Config,
    Destination,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.findings import Finding
from ecrrepl.lint.registry import get_rule, rule

_CONSIDERATIONS = (
    'ECR user guide, "Private image replication", considerations: '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"
)
_PUT_REPLICATION = (
    "ECR API reference, PutReplicationConfiguration: "
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html"
)


@rule("E107", "destination that is the source registry itself", source=_PUT_REPLICATION)
def destination_is_source(config: Config) -> Iterator[Finding]:
    """A registry cannot replicate to itself.

    A destination without `account` is in the registry's own account, so a
    destination whose region is the registry's own region names the registry itself.
    ECR refuses it (an image cannot be copied onto itself); the intent was usually
    another region or another account.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: us-west-2}]

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: us-east-2}]
    """
    check = get_rule("E107")
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            for destination in replication_rule.destinations:
                if destination.address == registry.address:
                    yield check.finding(
                        f"{replication_rule.label(index)} replicates registry "
                        f"{registry.address} to itself; remove this destination",
                        destination.where,
                    )


@rule(
    "E109",
    "rule with no destinations",
    source=(
        "ECR API reference, ReplicationRule (destinations is required): "
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html"
    ),
)
def rule_without_destinations(config: Config) -> Iterator[Finding]:
    """A rule must send images somewhere.

    A rule with `destinations: []` replicates nothing, yet it counts against the
    {limits.MAX_RULES_PER_REGISTRY} rules of the registry and reads as if it did something.
    To stop replicating a registry, give it `rules: []`; to stop one rule, remove it.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: []

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules: []
    """
    check = get_rule("E109")
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            if not replication_rule.destinations:
                yield check.finding(
                    f"{replication_rule.label(index)} has no destinations, so it replicates "
                    "nothing; add a destination or remove the rule",
                    replication_rule.at("destinations"),
                )


@rule("W111", "same destination twice in one rule", source=_PUT_REPLICATION)
def repeated_destination(config: Config) -> Iterator[Finding]:
    """A rule lists each destination once.

    A destination is an account and a region; `{region: us-east-1}` and
    `{account: <the registry's own account>, region: us-east-1}` are the same one.
    The repeat adds nothing and usually hides a typo for another region or account.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations:
                  - {region: us-east-1}
                  - {account: "111111111111", region: us-east-1}

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations:
                  - {region: us-east-1}
                  - {region: us-east-2}
    """
    check = get_rule("W111")
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            first_by_address: dict[RegistryAddress, Destination] = {}
            for destination in replication_rule.destinations:
                first = first_by_address.setdefault(destination.address, destination)
                if first is not destination:
                    yield check.finding(
                        f"{replication_rule.label(index)} already lists destination "
                        f"{destination.address} on line {first.where.line}; remove the repeat",
                        destination.where,
                    )


@rule(
    "W113",
    "two rules of one registry send the same repositories to the same destination",
    source=f"{_CONSIDERATIONS}; {_PUT_REPLICATION}",
)
def overlapping_rules(config: Config) -> Iterator[Finding]:
    """Two rules should not both send a repository to the same destination.

    Filters are prefixes, so rules overlap when a filter of one starts with a filter
    of the other, or when either rule has no filters. ECR replicates an image to a
    destination once, so the second rule is redundant there; when the two rules
    disagree on `delete_replication`, which one ECR follows is not documented.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - name: prod
                filters: [prod]
                destinations: [{region: us-east-1}]
              - name: api
                filters: [prod/api]
                destinations: [{region: us-east-1}]
                delete_replication: true

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - name: prod
                filters: [prod/]
                destinations: [{region: us-east-1}]
              - name: api
                filters: [api/]
                destinations: [{region: us-east-1}]
                delete_replication: true
    """
    check = get_rule("W113")
    for registry in config.registries:
        for overlap in _overlaps(registry):
            first = registry.rules[overlap.first_index]
            second = registry.rules[overlap.second_index]
            conflict = (
                "; they also disagree on delete_replication"
                if first.delete_replication != second.delete_replication
                else ""
            )
            yield check.finding(
                f"{second.label(overlap.second_index)} and {first.label(overlap.first_index)} "
                f"both replicate {overlap.repositories} to {overlap.destination.address}, "
                f"and ECR copies an image there once, so one of them is redundant{conflict}",
                overlap.destination.where,
            )


class _Overlap(NamedTuple):
    first_index: int
    second_index: int
    # The second rule's entry for the shared destination: where the finding points.
    destination: Destination
    repositories: str


def _overlaps(registry: SourceRegistry) -> Iterator[_Overlap]:
    """Each pair of rules that send common repositories to a common destination, once.

    A pair that overlaps at several destinations is reported at the first of them in
    the later rule's own list, which is where a reader of that rule looks first.
    """
    indices_by_address: dict[RegistryAddress, set[int]] = {}
    for index, replication_rule in enumerate(registry.rules):
        for destination in replication_rule.destinations:
            indices_by_address.setdefault(destination.address, set()).add(index)
    shared_by_pair: dict[tuple[int, int], dict[RegistryAddress, tuple[str, ...] | None]] = {}
    for address, indices in indices_by_address.items():
        if len(indices) > 1:
            for pair, shared in _overlapping_pairs(registry.rules, sorted(indices)).items():
                shared_by_pair.setdefault(pair, {})[address] = shared
    for (first, second), shared_at in sorted(shared_by_pair.items()):
        destination = next(d for d in registry.rules[second].destinations if d.address in shared_at)
        yield _Overlap(first, second, destination, _describe(shared_at[destination.address]))


def _overlapping_pairs(
    rules: Sequence[ReplicationRule], indices: Sequence[int]
) -> dict[tuple[int, int], tuple[str, ...] | None]:
    """Pairs (earlier, later) of the given rules whose filters share repositories.

    The value is the narrower side of the first overlap found: the prefixes of the
    shared repositories, or None for every repository. Filters are swept in sorted
    order with a stack of the filters that are prefixes of the current one, which is
    linear after sorting; comparing every filter with every other would be quadratic
    in a registry's filters. The sweep stops once every pair is known to overlap.
    """
    found: dict[tuple[int, int], tuple[str, ...] | None] = {}
    unfiltered = {i for i in indices if rules[i].filters is None}
    for position, index in enumerate(indices):
        for other in indices[position + 1 :]:
            if index in unfiltered or other in unfiltered:
                narrower = other if index in unfiltered else index
                found[(index, other)] = rules[narrower].prefixes
    all_pairs = len(indices) * (len(indices) - 1) // 2
    sorted_prefixes = sorted(
        {
            (prefix, index)
            for index in indices
            if index not in unfiltered
            for prefix in rules[index].prefixes or ()
            if prefix
        }
    )
    enclosing: list[tuple[str, int]] = []
    for prefix, index in sorted_prefixes:
        if len(found) == all_pairs:
            break
        while enclosing and not prefix.startswith(enclosing[-1][0]):
            enclosing.pop()
        for _, other in enclosing:
            if other != index:
                found.setdefault((min(index, other), max(index, other)), (prefix,))
        enclosing.append((prefix, index))
    return found


def _describe(prefixes: tuple[str, ...] | None, shown: int = 3) -> str:
    if prefixes is None:
        return "every repository"
    named = [repr(p) for p in prefixes[:shown]]
    if len(prefixes) > shown:
        named.append(f"{len(prefixes) - shown} more prefixes")
    return "repositories matching " + ", ".join(named)


@rule(
    "W114",
    "chain: a destination is itself a source here, and images will not travel on",
    source=_CONSIDERATIONS,
)
def replication_chain(config: Config) -> Iterator[Finding]:
    """ECR replicates an image once per push: replication does not chain.

    When registry A replicates to B and B replicates to C, an image pushed to A
    reaches B and stops there; it never reaches C. To get it to C, add C as a
    destination of A's rule. Destinations that A already reaches directly, and two
    registries that replicate to each other, are not reported.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: us-east-1}]
          - account: "111111111111"
            region: us-east-1
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: us-east-1}, {region: eu-west-1}]
          - account: "111111111111"
            region: us-east-1
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
    """
    check = get_rule("W114")
    onward_by_source: dict[RegistryAddress, set[RegistryAddress]] = {}
    for registry in config.registries:
        onward = onward_by_source.setdefault(registry.address, set())
        onward.update(d.address for r in registry.rules for d in r.destinations)
    for registry in config.registries:
        # What the registry already sends somewhere directly is not missed on the way.
        reached = {registry.address} | {d.address for r in registry.rules for d in r.destinations}
        reported: set[RegistryAddress] = set()
        for replication_rule in registry.rules:
            for destination in replication_rule.destinations:
                stop = destination.address
                if stop == registry.address or stop in reported:
                    continue
                reported.add(stop)
                missed = sorted(onward_by_source.get(stop, set()) - reached)
                if missed:
                    yield check.finding(
                        f"images pushed to {registry.address} stop at {stop}, because ECR "
                        f"replicates once per push: {stop}'s own rules do not carry them on "
                        f"to {_list_addresses(missed)}",
                        destination.where,
                    )


def _list_addresses(addresses: Sequence[RegistryAddress], shown: int = 3) -> str:
    names = [str(a) for a in addresses[:shown]]
    if len(addresses) > shown:
        names.append(f"{len(addresses) - shown} more")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
