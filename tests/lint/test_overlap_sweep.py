"""W113's sweep (lint/overlaps.py) against the quadratic definition, with the answer cut
to a few rules: many rules share a prefix, and only the earliest are kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrrepl.config.model import Destination, ReplicationRule, RepositoryFilter
from ecrrepl.lint.overlaps import earliest_overlapping, smallest

ACCOUNT = "111111111111"
rule_filters = st.none() | st.lists(st.sampled_from(["a", "ab", "ab/", "b", "", "a"]), max_size=3)


def _rule(values: list[str] | None) -> ReplicationRule:
    return ReplicationRule(
        filters=None if values is None else tuple(RepositoryFilter(prefix=v) for v in values),
        destinations=(Destination(account=ACCOUNT, region="us-east-1"),),
    )


def _overlap(first: list[str] | None, second: list[str] | None) -> bool:
    if first is None or second is None:
        return True
    return any(a and b and (a.startswith(b) or b.startswith(a)) for a in first for b in second)


# slow: a sweep of 300 random registries against the quadratic definition.
@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(rule_filters, min_size=1, max_size=14), st.integers(1, 4), st.data())
def test_the_earliest_overlapping_rules_are_found_whatever_is_kept(
    shapes: list[list[str] | None], keep: int, data: st.DataObject
) -> None:
    rules = [_rule(values) for values in shapes]
    indices = sorted(data.draw(st.sets(st.sampled_from(range(len(rules))), min_size=1)))
    found = earliest_overlapping(rules, indices, keep)
    expected = {
        later: [
            first for first in indices if first < later and _overlap(shapes[first], shapes[later])
        ][:keep]
        for later in indices
    }
    assert found == expected


def test_a_thousand_rules_of_one_prefix_keep_the_earliest() -> None:
    rules = [_rule(["prod/"]) for _ in range(1000)]
    found = earliest_overlapping(rules, range(1000), 3)
    assert found[0] == [] and found[1] == [0] and found[999] == [0, 1, 2]


def test_smallest_merges_two_lists_once_each() -> None:
    assert smallest([1, 4], [4, 2, 9], 3) == [1, 2, 4]
    assert smallest([1, 4, 6], [], 2) == [1, 4]


# slow: 60 registries of 50 to 90 rules, enough to pass the cap on findings.
@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            rule_filters,
            st.sampled_from([("us-east-1",), ("eu-west-1",), ("us-east-1", "eu-west-1")]),
        ),
        min_size=50,
        max_size=90,
    )
)
def test_w113_shows_the_first_pairs_in_order_and_counts_them_all(
    shapes: list[tuple[list[str] | None, tuple[str, ...]]],
) -> None:
    from ecrrepl.config.model import SourceRegistry
    from ecrrepl.lint.rules.destinations import (
        MAX_OVERLAP_FINDINGS,
        MAX_OVERLAPS_NAMED,
        _overlaps,
    )

    rules = tuple(
        ReplicationRule(
            filters=None if values is None else tuple(RepositoryFilter(prefix=v) for v in values),
            destinations=tuple(Destination(account=ACCOUNT, region=r) for r in regions),
        )
        for values, regions in shapes
    )
    registry = SourceRegistry(account=ACCOUNT, region="us-west-2", rules=rules)
    overlaps, count = _overlaps(registry)

    expected = []
    for later, (second, second_regions) in enumerate(shapes):
        earlier = [
            first
            for first, (values, regions) in enumerate(shapes[:later])
            if set(regions) & set(second_regions) and _overlap(values, second)
        ]
        named = earlier[:MAX_OVERLAPS_NAMED]
        more = len(earlier) > MAX_OVERLAPS_NAMED
        expected += [(first, later, more and first == named[-1]) for first in named]
    expected.sort()
    assert count == len(expected)
    assert [(o.first_index, o.second_index, o.more) for o in overlaps] == expected[
        : MAX_OVERLAP_FINDINGS + 1
    ]
