"""W112 and W113 sweep sorted prefixes instead of comparing every pair of filters.

These properties hold them to the obvious quadratic definition on random small
alphabets, where prefixes collide often.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrrepl.config.model import (
    Config,
    Destination,
    ReplicationRule,
    RepositoryFilter,
    SourceRegistry,
)
from ecrrepl.findings import Finding, Location
from ecrrepl.lint.registry import get_rule

ACCOUNT = "111111111111"
prefixes = st.text(alphabet="ab/", min_size=1, max_size=4)


def _filters(values: list[str], rule_number: int = 0) -> tuple[RepositoryFilter, ...]:
    # Each filter gets its own line, so that a finding tells which one it is.
    return tuple(
        RepositoryFilter(prefix=value, where=Location("f.yaml", 100 * rule_number + k + 1, 1))
        for k, value in enumerate(values)
    )


def _config(rules: list[ReplicationRule]) -> Config:
    registry = SourceRegistry(account=ACCOUNT, region="us-west-2", rules=tuple(rules))
    return Config(files=("f.yaml",), registries=(registry,))


@settings(max_examples=300, deadline=None)
@given(st.lists(prefixes, min_size=1, max_size=8))
def test_w112_reports_exactly_the_filters_another_filter_makes_redundant(
    values: list[str],
) -> None:
    rule = ReplicationRule(
        filters=_filters(values), destinations=(Destination(account=ACCOUNT, region="us-east-1"),)
    )
    check = get_rule("W112").check
    assert check is not None
    reported = sorted(f.location.line - 1 for f in check(_config([rule])))

    redundant = [
        k
        for k, value in enumerate(values)
        if any(
            (other == value and j < k) or (other != value and value.startswith(other))
            for j, other in enumerate(values)
        )
    ]
    assert reported == redundant


destination_regions = st.lists(
    st.sampled_from(["us-east-1", "eu-west-1"]), min_size=1, max_size=2, unique=True
)
rule_shapes = st.tuples(st.none() | st.lists(prefixes, min_size=1, max_size=4), destination_regions)


RuleShape = tuple[list[str] | None, list[str]]


def _w113_findings(shapes: list[RuleShape]) -> list[Finding]:
    """W113's findings for rules r0, r1, ... of these filters (None: none) and regions."""
    rules = [
        ReplicationRule(
            name=f"r{number}",
            filters=None if values is None else _filters(values, number),
            destinations=tuple(Destination(account=ACCOUNT, region=r) for r in regions),
        )
        for number, (values, regions) in enumerate(shapes)
    ]
    check = get_rule("W113").check
    assert check is not None
    return list(check(_config(rules)))


def _pairs(findings: list[Finding]) -> list[tuple[int, int]]:
    """The (earlier, later) rule numbers each finding names, sorted."""
    return sorted(
        (int(f.message.split("'")[3][1:]), int(f.message.split("'")[1][1:])) for f in findings
    )


def _overlap(first: list[str] | None, second: list[str] | None) -> bool:
    """Whether two rules' filters (None: every repository) match a name in common."""
    if first is None or second is None:
        return True
    return any(a.startswith(b) or b.startswith(a) for a in first for b in second)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(rule_shapes, min_size=2, max_size=5))
def test_w113_reports_each_overlapping_pair_of_rules_once(shapes: list[RuleShape]) -> None:
    reported = _pairs(_w113_findings(shapes))

    expected = sorted(
        (i, j)
        for j, (second, second_regions) in enumerate(shapes)
        for i, (first, first_regions) in enumerate(shapes[:j])
        if set(first_regions) & set(second_regions) and _overlap(first, second)
    )
    assert reported == expected


def _e104_messages(*values: str) -> list[str]:
    rule = ReplicationRule(
        filters=_filters(list(values)),
        destinations=(Destination(account=ACCOUNT, region="us-east-1"),),
    )
    check = get_rule("E104").check
    assert check is not None
    return [f.message for f in check(_config([rule]))]


def test_filter_over_256_characters_is_too_long() -> None:
    assert _e104_messages("a" * 256) == []
    [message] = _e104_messages("a" * 257)
    assert message == (
        "filter 'aaaaaaaaaaaaaaaaaaaa'... is too long (257 characters): ECR filters are at most 256"
    )


def test_filter_pattern_rejects_leading_and_double_slashes_only() -> None:
    assert len(_e104_messages("/prod", "prod//api", "prod/api/", "a.b-c_d/e")) == 2


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(rule_shapes, min_size=6, max_size=12))
def test_w113_names_the_earliest_overlapping_rules_of_each_rule(shapes: list[RuleShape]) -> None:
    from ecrrepl.lint.rules.destinations import MAX_OVERLAPS_NAMED

    findings = _w113_findings(shapes)
    reported = _pairs(findings)

    earlier = {
        j: [
            i
            for i, (first, first_regions) in enumerate(shapes[:j])
            if set(first_regions) & set(second_regions) and _overlap(first, second)
        ]
        for j, (second, second_regions) in enumerate(shapes)
    }
    expected = sorted((i, j) for j, found in earlier.items() for i in found[:MAX_OVERLAPS_NAMED])
    assert reported == expected
    said_more = sorted(
        int(f.message.split("'")[1][1:]) for f in findings if "overlaps more" in f.message
    )
    assert said_more == sorted(j for j, found in earlier.items() if len(found) > MAX_OVERLAPS_NAMED)


def test_w113_lists_at_most_50_overlaps_of_a_registry_and_counts_the_rest() -> None:
    from ecrrepl.lint.rules.destinations import MAX_OVERLAP_FINDINGS

    rules = [
        ReplicationRule(
            filters=_filters(["prod/"], number),
            destinations=(Destination(account=ACCOUNT, region="us-east-1"),),
        )
        for number in range(30)
    ]
    check = get_rule("W113").check
    assert check is not None
    findings = list(check(_config(rules)))

    # Rule k overlaps min(k, 5) earlier rules: 0+1+2+3+4 + 25*5 = 135 pairs named.
    assert len(findings) == MAX_OVERLAP_FINDINGS + 1
    assert findings[-1].message.startswith(
        f"{135 - MAX_OVERLAP_FINDINGS} more pairs of overlapping rules in registry "
        "111111111111/us-west-2 are not listed"
    )
