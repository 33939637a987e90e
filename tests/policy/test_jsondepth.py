"""Measuring how deep a JSON text nests, before json.loads would recurse into it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrrepl.jsondepth import nested_deeper_than


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ("[[]]", 2),
        ("[[]][[[]]]", 3),
        ('{"a": "[[[[{{{{"}', 1),
        ('{"a": "\\"[[[", "b": [[]]}', 3),
        ('["\\\\", [[]]]', 3),
        ("", 0),
        ("not json [[", 2),
    ],
)
def test_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert not nested_deeper_than(text, depth)
    assert nested_deeper_than(text, depth - 1) == (depth > 0)


def test_a_hostile_text_is_measured_in_linear_time_without_recursion() -> None:
    assert nested_deeper_than("[" * 100_000, 64)
    # Many escaped quotes in one unterminated string: each is read once.
    assert not nested_deeper_than('"' + '\\"' * 100_000, 1)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


@given(json_values)
def test_depth_agrees_with_the_parsed_document(value: object) -> None:
    text = json.dumps(value)
    depth = _depth(value)
    assert not nested_deeper_than(text, depth)
    if depth:
        assert nested_deeper_than(text, depth - 1)
