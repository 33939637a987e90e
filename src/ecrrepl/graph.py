"""The registries of a configuration as a graph, computed offline for `ecrrepl graph`.

One node per registry (an account in a region), one edge per source/destination pair
carrying every rule that sends there and the filters it sends. With a repository name,
the graph is that repository's route instead: the hops `ecrrepl route` lists, and the
registries the configuration's chains suggest but a push never reaches, because ECR
replicates an image once and does not pass it on.

Renderers (`render/graph_mermaid.py`, `render/graph_dot.py`) turn a `Graph` into text;
nothing here knows either syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from ecrrepl.config.model import Config, CreationTemplate, RegistryAddress, ReplicationRule
from ecrrepl.plan.model import Plan, Section
from ecrrepl.route import Crossing, Route, RuleMatch


class EdgeKind(Enum):
    REPLICATES = "replicates"
    # A chain the configuration suggests: the image does not travel this edge.
    DOES_NOT_CHAIN = "does-not-chain"


class EdgeChange(Enum):
    """What a plan does to an edge; None on an edge is one it leaves as it is."""

    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True)
class Node:
    address: RegistryAddress
    # Whether the configuration owns this registry's replication configuration.
    source: bool
    # The prefixes of the creation templates shown at this registry.
    templates: tuple[str, ...]


@dataclass(frozen=True)
class Edge(Crossing):
    source: RegistryAddress
    destination: RegistryAddress
    # One line per rule that sends along this edge, such as "prod: prod/, base-".
    labels: tuple[str, ...]
    kind: EdgeKind = EdgeKind.REPLICATES
    change: EdgeChange | None = None

    @property
    def crossing(self) -> str | None:
        """What the edge crosses, in words: billed transfer, a registry policy to allow it."""
        if self.kind is EdgeKind.DOES_NOT_CHAIN:
            return None
        words = [
            word
            for word, crosses in (
                ("cross-account", self.cross_account),
                ("cross-region", self.cross_region),
            )
            if crosses
        ]
        return ", ".join(words) or None


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    # The repository whose route this is; None for the whole configuration.
    repository: str | None = None
    # Each account's `alias` from the configuration, where it gives one.
    aliases: Mapping[str, str] = field(default_factory=dict)

    def by_account(self) -> list[tuple[str, list[Node]]]:
        """The nodes grouped by account, accounts and regions in sorted order."""
        groups: dict[str, list[Node]] = {}
        for node in self.nodes:
            groups.setdefault(node.address.account, []).append(node)
        return sorted(groups.items())

    def account_title(self, account: str) -> str:
        """An account's group title: its ID, and its alias where the file gives one."""
        alias = self.aliases.get(account)
        return f"account {account} ({alias})" if alias else f"account {account}"


def account_aliases(config: Config) -> dict[str, str]:
    return {
        account: access.alias
        for account, access in config.accounts.items()
        if access.alias is not None
    }


def rule_label(rule: ReplicationRule, index: int) -> str:
    """A rule as one short line: its name (or position) and what it sends."""
    name = rule.name or f"#{index + 1}"
    if not rule.prefixes:
        return f"{name}: every repository"
    return f"{name}: {', '.join(rule.prefixes)}"


def _match_label(match: RuleMatch) -> str:
    if match.prefix is None:
        return f"{match.label}: every repository"
    return f"{match.label}: {match.prefix}"


Pair = tuple[RegistryAddress, RegistryAddress]


def _pair_labels(
    source: RegistryAddress, rules: Iterable[ReplicationRule]
) -> dict[Pair, list[str]]:
    """Each (source, destination) pair the rules send along, with a label per rule."""
    labels: dict[Pair, list[str]] = {}
    for index, rule in enumerate(rules):
        label = rule_label(rule, index)
        for destination in rule.destinations:
            pair = labels.setdefault((source, destination.address), [])
            # The same destination twice in one rule (W111) is one edge, one label.
            if label not in pair:
                pair.append(label)
    return labels


def config_graph(config: Config) -> Graph:
    """Every registry of the configuration and every source/destination pair."""
    labels: dict[Pair, list[str]] = {}
    for registry in config.registries:
        labels.update(_pair_labels(registry.address, registry.rules))
    edges = tuple(
        Edge(source, destination, tuple(texts))
        for (source, destination), texts in sorted(labels.items())
    )
    templates: dict[RegistryAddress, list[str]] = {}
    for template in config.templates:
        templates.setdefault(template.address, []).append(_template_label(template))
    addresses = {
        *config.source_addresses,
        *(edge.destination for edge in edges),
        *templates,
    }
    return Graph(
        nodes=_nodes(addresses, config.source_addresses, templates),
        edges=edges,
        aliases=account_aliases(config),
    )


def route_graph(config: Config, route: Route) -> Graph:
    """One repository's route: where each push goes, and where the chain stops."""
    edges: list[Edge] = []
    templates: dict[RegistryAddress, list[str]] = {}
    for source_route in route.sources:
        for hop in source_route.hops:
            edges.append(
                Edge(hop.source, hop.destination, tuple(_match_label(m) for m in hop.rules))
            )
            if hop.template is not None:
                label = _template_label(hop.template)
                if label not in templates.setdefault(hop.destination, []):
                    templates[hop.destination].append(label)
    # A chain stops where a push to one source would have to travel on; when the
    # registry it stops at is itself routed (a push there does replicate), that edge wins.
    travelled = {(edge.source, edge.destination) for edge in edges}
    for source_route in route.sources:
        for stop in source_route.not_reached:
            if (stop.via, stop.destination) not in travelled:
                travelled.add((stop.via, stop.destination))
                edges.append(
                    Edge(stop.via, stop.destination, ("does not chain",), EdgeKind.DOES_NOT_CHAIN)
                )
    addresses = {
        *(source_route.source for source_route in route.sources),
        *(edge.destination for edge in edges),
        *(edge.source for edge in edges),
    }
    return Graph(
        nodes=_nodes(addresses, config.source_addresses, templates),
        edges=tuple(edges),
        repository=route.repository,
        aliases=account_aliases(config),
    )


def plan_graph(plan: Plan) -> Graph:
    """The registries a plan touches: the edges of each source registry it changes, marked
    added, changed or removed, beside those it leaves; and the destinations whose policy
    or templates it writes."""
    edges: list[Edge] = []
    sources: set[RegistryAddress] = set()
    for section in plan.replication:
        if not section.changes:
            continue
        sources.add(section.registry)
        wanted = _pair_labels(section.registry, section.rules)
        live = _pair_labels(section.registry, section.live_rules)
        for pair in sorted(wanted.keys() | live.keys()):
            change = _edge_change(pair, wanted, live, section.rules, section.live_rules)
            texts = wanted.get(pair) or live[pair]
            edges.append(Edge(pair[0], pair[1], tuple(texts), change=change))
    destination_sections: list[Section] = [*plan.registry_policies, *plan.templates]
    touched = {
        section.registry for section in destination_sections if section.changes or section.errors
    }
    addresses = {*sources, *touched, *(edge.destination for edge in edges)}
    return Graph(nodes=_nodes(addresses, frozenset(sources), {}), edges=tuple(edges))


def _edge_change(
    pair: Pair,
    wanted: dict[Pair, list[str]],
    live: dict[Pair, list[str]],
    wanted_rules: Iterable[ReplicationRule],
    live_rules: Iterable[ReplicationRule],
) -> EdgeChange | None:
    if pair not in live:
        return EdgeChange.ADDED
    if pair not in wanted:
        return EdgeChange.REMOVED
    # Names are not stored in AWS: an edge changes when what it sends changes.
    if _sent_along(pair, wanted_rules) != _sent_along(pair, live_rules):
        return EdgeChange.CHANGED
    return None


def _sent_along(pair: Pair, rules: Iterable[ReplicationRule]) -> frozenset[tuple[str, ...] | None]:
    """What the rules send along a pair: each rule's filters (None: every repository)."""
    return frozenset(
        tuple(sorted(rule.prefixes)) if rule.prefixes else None
        for rule in rules
        if any(destination.address == pair[1] for destination in rule.destinations)
    )


def _template_label(template: CreationTemplate) -> str:
    applied = (
        "" if template.applied_for == ("REPLICATION",) else f" ({', '.join(template.applied_for)})"
    )
    return f"{template.prefix}{applied}"


def _nodes(
    addresses: Iterable[RegistryAddress],
    sources: frozenset[RegistryAddress],
    templates: dict[RegistryAddress, list[str]],
) -> tuple[Node, ...]:
    return tuple(
        Node(address, address in sources, tuple(templates.get(address, ())))
        for address in sorted(set(addresses))
    )
