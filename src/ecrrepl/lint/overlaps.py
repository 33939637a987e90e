"""Which rules of one registry share repositories, found without comparing every pair.

W113's search (lint/rules/destinations.py): filters are prefixes, so two rules overlap
when a filter of one starts with a filter of the other, or when either has none. A
sorted sweep finds, for each rule, the earliest earlier rules it overlaps, in n log n.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.config.model import ReplicationRule


def smallest(first: list[int], second: list[int], keep: int) -> list[int]:
    """The `keep` smallest of both lists, each once; `first` is sorted and unique."""
    if not second:
        return first[:keep]
    return sorted({*first, *second})[:keep]


def earliest_overlapping(
    rules: Sequence[ReplicationRule], indices: Sequence[int], keep: int
) -> dict[int, list[int]]:
    """For each of the given rules (sorted indices, one destination), the `keep` smallest
    indices of earlier rules among them whose filters share repositories with its own.

    The distinct prefixes are swept in sorted order with a stack of the prefixes of the
    current one: its ancestors. A prefix overlaps exactly its ancestors, its descendants
    and itself, so each stack entry carries the smallest rule indices above it and, once
    its descendants are done, below it; the rules that share one prefix are handled
    together, however many they are. The work is n log n after sorting, whatever the
    overlaps.
    """
    found: dict[int, list[int]] = {}
    unfiltered = [i for i in indices if rules[i].filters is None]
    rules_by_prefix: dict[str, list[int]] = {}
    for position, index in enumerate(indices):
        if rules[index].filters is None:
            found[index] = list(indices[: min(position, keep)])
            continue
        found[index] = [i for i in unfiltered[:keep] if i < index]
        for prefix in rules[index].prefixes or ():
            if not prefix:
                continue  # an empty filter is E104's to report, not a cover for everything
            sharing = rules_by_prefix.setdefault(prefix, [])
            if not sharing or sharing[-1] != index:  # a filter a rule repeats counts once
                sharing.append(index)
    # prefix, its rules (sorted), smallest rules among the ancestors, among descendants
    stack: list[tuple[str, list[int], list[int], list[int]]] = []

    def close(entry: tuple[str, list[int], list[int], list[int]]) -> None:
        _, sharing, above, below = entry
        around = smallest(above, below, keep + 1)
        for position, index in enumerate(sharing):
            # The earlier rules of the same prefix, then those above and below it.
            earlier = sharing[: min(position, keep)]
            near = earlier if not around else smallest(earlier, around, keep + 1)
            if around:
                near = [i for i in near if i < index][:keep]
            found[index] = smallest(found[index], near, keep) if found[index] else near
        if stack:
            prefix, parent_sharing, parent_above, parent_below = stack[-1]
            merged = smallest(parent_below, [*sharing[: keep + 1], *below], keep + 1)
            stack[-1] = (prefix, parent_sharing, parent_above, merged)

    for prefix in sorted(rules_by_prefix):
        while stack and not prefix.startswith(stack[-1][0]):
            close(stack.pop())
        above: list[int] = []
        if stack:
            _, parent_sharing, parent_above, _ = stack[-1]
            above = smallest(parent_above, parent_sharing[: keep + 1], keep + 1)
        stack.append((prefix, rules_by_prefix[prefix], above, []))
    while stack:
        close(stack.pop())
    return found


def shared_prefixes(first: ReplicationRule, second: ReplicationRule) -> tuple[str, ...] | None:
    """The narrower side of the two rules' overlap: the prefixes of the shared
    repositories, or None for every repository."""
    if first.filters is None or second.filters is None:
        narrower = second if first.filters is None else first
        return narrower.prefixes
    tagged = sorted(
        {(p, 0) for p in first.prefixes or () if p} | {(p, 1) for p in second.prefixes or () if p}
    )
    enclosing: list[tuple[str, int]] = []
    for prefix, side in tagged:
        while enclosing and not prefix.startswith(enclosing[-1][0]):
            enclosing.pop()
        if any(other != side for _, other in enclosing):
            return (prefix,)
        enclosing.append((prefix, side))
    return ()
