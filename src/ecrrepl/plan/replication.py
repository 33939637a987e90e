"""The replication configuration of one source registry: desired rules against live ones.

Rules, their filters and their destinations are sets as far as ECR is concerned, so a
reordered file shows no change. Rule names are not sent to AWS and live rules have
none: desired rules are paired with live ones by content. Identical rules pair first;
what is left pairs by shared filters, then by identical destinations, and such a pair
is reported as one changed rule; anything still unpaired is added or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ecrrepl.config.model import RegistryAddress, ReplicationRule
from ecrrepl.plan.model import Action, Change, ReplicationSection
from ecrrepl.plan.words import Scope, destination_words, destinations_words, quoted

# A rule without filters reaches every repository; as a token it shares nothing with a
# prefix, and everything with another rule without filters.
_EVERY_REPOSITORY = "\0every"


@dataclass(frozen=True)
class RuleShape:
    """What a rule means to ECR, without its name or order."""

    prefixes: frozenset[str] | None
    destinations: frozenset[RegistryAddress]
    delete_replication: bool

    @classmethod
    def of(cls, rule: ReplicationRule) -> RuleShape:
        # An empty filter list replicates every repository, like an absent one.
        prefixes = rule.prefixes
        return cls(
            prefixes=frozenset(prefixes) if prefixes else None,
            destinations=frozenset(destination.address for destination in rule.destinations),
            delete_replication=rule.delete_replication,
        )

    @property
    def filter_tokens(self) -> frozenset[str]:
        return self.prefixes if self.prefixes is not None else frozenset({_EVERY_REPOSITORY})


def plan_replication(
    registry: RegistryAddress,
    desired: Sequence[ReplicationRule],
    live: Sequence[ReplicationRule],
) -> ReplicationSection:
    desired_shapes = [RuleShape.of(rule) for rule in desired]
    live_shapes = [RuleShape.of(rule) for rule in live]

    unpaired_live = list(range(len(live)))
    unpaired_desired: list[int] = []
    for index, shape in enumerate(desired_shapes):
        twin = next((j for j in unpaired_live if live_shapes[j] == shape), None)
        if twin is None:
            unpaired_desired.append(index)
        else:
            unpaired_live.remove(twin)
    unchanged = len(desired) - len(unpaired_desired)

    paired: dict[int, int] = {}
    for related in (_shares_filters, _same_destinations):
        for desired_index, live_index in _pair(
            unpaired_desired, unpaired_live, desired_shapes, live_shapes, related
        ):
            paired[desired_index] = live_index
            unpaired_desired.remove(desired_index)
            unpaired_live.remove(live_index)

    changes: list[Change] = []
    for index, rule in enumerate(desired):
        if index in paired:
            changes.append(
                _changed_rule(rule.label(index), live_shapes[paired[index]], desired_shapes[index])
            )
        elif index in unpaired_desired:
            changes.append(_added_rule(rule.label(index), desired_shapes[index]))
    for live_index in unpaired_live:
        changes.append(_removed_rule(f"live rule #{live_index + 1}", live_shapes[live_index]))
    return ReplicationSection(
        registry=registry,
        rules=tuple(desired),
        changes=tuple(changes),
        unchanged=unchanged,
        live_rules=tuple(live),
    )


Relatedness = Callable[[RuleShape, RuleShape], int]


def _shares_filters(desired: RuleShape, live: RuleShape) -> int:
    return len(desired.filter_tokens & live.filter_tokens)


def _same_destinations(desired: RuleShape, live: RuleShape) -> int:
    return 1 if desired.destinations == live.destinations else 0


def _pair(
    desired_indexes: list[int],
    live_indexes: list[int],
    desired_shapes: list[RuleShape],
    live_shapes: list[RuleShape],
    related: Relatedness,
) -> list[tuple[int, int]]:
    """Greedy pairing, closest first; ties go to the earlier rules, so the result is stable."""
    candidates = []
    for i in desired_indexes:
        for j in live_indexes:
            score = related(desired_shapes[i], live_shapes[j])
            if score > 0:
                shared = len(desired_shapes[i].destinations & live_shapes[j].destinations)
                candidates.append((-score, -shared, i, j))
    pairs: list[tuple[int, int]] = []
    taken_desired: set[int] = set()
    taken_live: set[int] = set()
    for _, _, i, j in sorted(candidates):
        if i not in taken_desired and j not in taken_live:
            pairs.append((i, j))
            taken_desired.add(i)
            taken_live.add(j)
    return pairs


# --- changes in words ------------------------------------------------------------------


def _content(shape: RuleShape) -> tuple[str, ...]:
    filters = "none (every repository)" if shape.prefixes is None else quoted(shape.prefixes)
    destinations = ", ".join(destination_words(d) for d in sorted(shape.destinations))
    lines = [f"filters: {filters}", f"destinations: {destinations}"]
    if shape.delete_replication:
        lines.append("delete_replication: true")
    return tuple(lines)


class _Effects:
    """Sentences that differ only by their destinations are told once, for all of them."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], list[RegistryAddress]] = {}

    def add(self, before: str, destination: RegistryAddress, after: str = "") -> None:
        self._groups.setdefault((before, after), []).append(destination)

    def sentences(self) -> tuple[str, ...]:
        return tuple(
            f"{before}{destinations_words(destinations)}{after}"
            for (before, after), destinations in self._groups.items()
        )


def _added_rule(label: str, shape: RuleShape) -> Change:
    scope = Scope(shape.prefixes)
    effects = _Effects()
    for destination in sorted(shape.destinations):
        effects.add(f"{scope.verb('start', 'starts')} replicating to ", destination)
        if shape.delete_replication:
            effects.add(f"images deleted from {scope.subject} are also deleted in ", destination)
    return Change(Action.ADD, label, _content(shape), effects.sentences())


def _removed_rule(label: str, shape: RuleShape) -> Change:
    scope = Scope(shape.prefixes)
    effects = _Effects()
    for destination in sorted(shape.destinations):
        effects.add(f"{scope.verb('stop', 'stops')} replicating to ", destination)
    return Change(Action.REMOVE, label, _content(shape), effects.sentences())


def _changed_rule(label: str, before: RuleShape, after: RuleShape) -> Change:
    return Change(Action.CHANGE, label, _differences(before, after), _change_effects(before, after))


def _differences(before: RuleShape, after: RuleShape) -> tuple[str, ...]:
    lines = []
    if before.prefixes != after.prefixes:
        if before.prefixes is None:
            lines.append(f"filters added: {quoted(after.prefixes or ())} (was: every repository)")
        elif after.prefixes is None:
            lines.append(f"filters removed: {quoted(before.prefixes)} (now: every repository)")
        else:
            if added := after.prefixes - before.prefixes:
                lines.append(f"filters added: {quoted(added)}")
            if removed := before.prefixes - after.prefixes:
                lines.append(f"filters removed: {quoted(removed)}")
    for destination in sorted(after.destinations - before.destinations):
        lines.append(f"destination added: {destination_words(destination)}")
    for destination in sorted(before.destinations - after.destinations):
        lines.append(f"destination removed: {destination_words(destination)}")
    if before.delete_replication != after.delete_replication:
        lines.append(
            f"delete_replication: {str(before.delete_replication).lower()} -> "
            f"{str(after.delete_replication).lower()}"
        )
    return tuple(lines)


def _change_effects(before: RuleShape, after: RuleShape) -> tuple[str, ...]:
    was, now = Scope(before.prefixes), Scope(after.prefixes)
    effects = _Effects()
    for destination in sorted(before.destinations | after.destinations):
        sent_before = destination in before.destinations
        sent_after = destination in after.destinations
        if sent_after and not sent_before:
            effects.add(f"{now.verb('start', 'starts')} replicating to ", destination)
        elif sent_before and not sent_after:
            effects.add(f"{was.verb('stop', 'stops')} replicating to ", destination)
        elif before.prefixes != after.prefixes:
            _narrowed_or_widened(effects, destination, before.prefixes, after.prefixes)
        deletes_before = sent_before and before.delete_replication
        deletes_after = sent_after and after.delete_replication
        if deletes_after and not deletes_before:
            effects.add(f"images deleted from {now.subject} are also deleted in ", destination)
        elif deletes_before and not deletes_after and sent_after:
            effects.add(f"images deleted from {now.subject} are no longer deleted in ", destination)
    return effects.sentences()


def _narrowed_or_widened(
    effects: _Effects,
    destination: RegistryAddress,
    before: frozenset[str] | None,
    after: frozenset[str] | None,
) -> None:
    if before is None:
        effects.add("replication to ", destination, f" narrows to {Scope(after).subject}")
    elif after is None:
        effects.add("every repository starts replicating to ", destination)
    else:
        if added := after - before:
            effects.add(f"{Scope(added).verb('start', 'starts')} replicating to ", destination)
        if removed := before - after:
            effects.add(f"{Scope(removed).verb('stop', 'stops')} replicating to ", destination)
