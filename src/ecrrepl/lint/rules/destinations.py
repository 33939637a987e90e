"""Destinations: where rules send images, and what ECR does when they repeat or chain."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ecrrepl.config.model import (
    Config,
    Destination,
    RegistryAddress,
    SourceRegistry,
)
from ecrrepl.lint.overlaps import earliest_overlapping, shared_prefixes, smallest
from ecrrepl.lint.registry import Report, rule
from ecrrepl.lint.rules._repeats import repeats

_CONSIDERATIONS = (
    'ECR user guide, "Private image replication", considerations: '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"
)
_PUT_REPLICATION = (
    "ECR API reference, PutReplicationConfiguration: "
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html"
)


@rule("E107", "destination that is the source registry itself", source=_PUT_REPLICATION)
def destination_is_source(config: Config) -> Iterator[Report]:
    """A registry cannot replicate to itself.

    A destination without `account` is in the registry's own account, so a
    destination whose region is the registry's own region names the registry itself.
    ECR refuses it (an image cannot be copied onto itself); the intent was usually
    another region or another account.
    """
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            for destination in replication_rule.destinations:
                if destination.address == registry.address:
                    yield Report(
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
def rule_without_destinations(config: Config) -> Iterator[Report]:
    """A rule must send images somewhere.

    A rule with `destinations: []` replicates nothing, yet it counts against the
    {limits.MAX_RULES_PER_REGISTRY} rules of the registry and reads as if it did something.
    To stop replicating a registry, give it `rules: []`; to stop one rule, remove it.
    """
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            lost_some = replication_rule.where in config.rules_missing_destinations
            if not replication_rule.destinations and not lost_some:
                yield Report(
                    f"{replication_rule.label(index)} has no destinations, so it replicates "
                    "nothing; add a destination or remove the rule",
                    replication_rule.at("destinations"),
                )


@rule("W111", "same destination twice in one rule", source=_PUT_REPLICATION)
def repeated_destination(config: Config) -> Iterator[Report]:
    """A rule lists each destination once.

    A destination is an account and a region; `{region: us-east-1}` and
    `{account: <the registry's own account>, region: us-east-1}` are the same one.
    The repeat adds nothing and usually hides a typo for another region or account.
    """
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            for first, destination in repeats(
                replication_rule.destinations, key=lambda destination: destination.address
            ):
                yield Report(
                    f"{replication_rule.label(index)} already lists destination "
                    f"{destination.address} on line {first.where.line}; remove the repeat",
                    destination.where,
                )


@rule(
    "W113",
    "two rules of one registry send the same repositories to the same destination",
    source=f"{_CONSIDERATIONS}; {_PUT_REPLICATION}",
)
def overlapping_rules(config: Config) -> Iterator[Report]:
    """Two rules should not both send a repository to the same destination.

    Filters are prefixes, so rules overlap when a filter of one starts with a filter
    of the other, or when either rule has no filters. ECR replicates an image to a
    destination once, so the second rule is redundant there; when the two rules
    disagree on `delete_replication`, which one ECR follows is not documented. A rule
    that overlaps many earlier rules names the 5 earliest and says there are more; a
    registry lists at most 50 overlaps and counts the rest in one finding.
    """
    for registry in config.registries:
        overlaps, count = _overlaps(registry)
        for overlap in overlaps[:MAX_OVERLAP_FINDINGS]:
            first = registry.rules[overlap.first_index]
            second = registry.rules[overlap.second_index]
            more = (
                f"; {second.label(overlap.second_index)} overlaps more earlier rules, "
                f"only the first {MAX_OVERLAPS_NAMED} are named"
                if overlap.more
                else ""
            )
            conflict = (
                "; they also disagree on delete_replication"
                if first.delete_replication != second.delete_replication
                else ""
            )
            yield Report(
                f"{second.label(overlap.second_index)} and {first.label(overlap.first_index)} "
                f"both replicate {_describe(shared_prefixes(first, second))} to "
                f"{overlap.destination.address}, "
                f"and ECR copies an image there once, so one of them is redundant{conflict}"
                f"{more}",
                overlap.destination.where,
            )
        if count > MAX_OVERLAP_FINDINGS:
            unlisted = overlaps[MAX_OVERLAP_FINDINGS]
            yield Report(
                f"{count - MAX_OVERLAP_FINDINGS} more pairs of overlapping rules in "
                f"registry {registry.address} are not listed, the first of them "
                f"{registry.rules[unlisted.second_index].label(unlisted.second_index)} and "
                f"{registry.rules[unlisted.first_index].label(unlisted.first_index)}; "
                "a registry has at most 10 rules (E101)",
                unlisted.destination.where,
            )


# A rule that overlaps many earlier rules names this many of them, the earliest first:
# every pair of 100,000 overlapping rules would be 5 billion findings.
MAX_OVERLAPS_NAMED = 5
# And a registry lists this many overlapping pairs, then counts the rest in one finding;
# only a file far over ECR's 10 rules per registry (E101) gets there.
MAX_OVERLAP_FINDINGS = 50


class _Overlap(NamedTuple):
    first_index: int
    second_index: int
    # The second rule's entry for the shared destination: where the finding points.
    destination: Destination
    # Whether the second rule overlaps more earlier rules than are named.
    more: bool = False


def _overlaps(registry: SourceRegistry) -> tuple[list[_Overlap], int]:
    """For each rule, the earliest earlier rules (at most MAX_OVERLAPS_NAMED) that send
    common repositories to a common destination; each pair once, in pair order: the
    first MAX_OVERLAP_FINDINGS + 1 of them, and how many there are.

    A pair that overlaps at several destinations is reported at the first of them in
    the later rule's own list, which is where a reader of that rule looks first.
    """
    rules = registry.rules
    indices_by_address: dict[RegistryAddress, list[int]] = {}
    for index, replication_rule in enumerate(rules):
        for destination in replication_rule.destinations:
            at = indices_by_address.setdefault(destination.address, [])
            if not at or at[-1] != index:
                at.append(index)
    wanted = MAX_OVERLAPS_NAMED + 1
    earlier_by_rule: dict[int, list[int]] = {}
    for indices in indices_by_address.values():
        if len(indices) > 1:
            for later, found in earliest_overlapping(rules, indices, wanted).items():
                known = earlier_by_rule.get(later)
                earlier_by_rule[later] = found if known is None else smallest(known, found, wanted)
    # Only the pairs a finding shows are made, sorted and given their destination; the
    # rest are counted (a file of 100,000 overlapping rules has half a million).
    count = sum(min(len(earlier), MAX_OVERLAPS_NAMED) for earlier in earlier_by_rule.values())
    shown = MAX_OVERLAP_FINDINGS + 1
    # Every later rule pairs with its earliest overlap, so the first `shown` pairs have a
    # first rule no later than the `shown`-th smallest of those earliest overlaps.
    earliest = sorted(earlier[0] for earlier in earlier_by_rule.values() if earlier)
    bound = earliest[shown - 1] if len(earliest) >= shown else None
    pairs = sorted(
        (first, later, len(earlier) > MAX_OVERLAPS_NAMED and first == named[-1])
        for later, earlier in earlier_by_rule.items()
        if (named := earlier[:MAX_OVERLAPS_NAMED])
        for first in named
        if bound is None or first <= bound
    )[:shown]
    overlaps = []
    for first, later, more in pairs:
        addresses = {d.address for d in rules[first].destinations}
        destination = next(d for d in rules[later].destinations if d.address in addresses)
        overlaps.append(_Overlap(first, later, destination, more))
    return overlaps, count


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
def replication_chain(config: Config) -> Iterator[Report]:
    """ECR replicates an image once per push: replication does not chain.

    When registry A replicates to B and B replicates to C, an image pushed to A
    reaches B and stops there; it never reaches C. To get it to C, add C as a
    destination of A's rule. Destinations that A already reaches directly, and two
    registries that replicate to each other, are not reported.
    """
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
                    yield Report(
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
