"""Which tags each of the four tag mutability settings keeps immutable, and how a
WILDCARD exclusion filter matches a tag (the whole tag; `*` for any run)."""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrrepl.tag_mutability import (
    immutable_tags_in_words,
    keeps_some_tags,
    matches_exclusion_filter,
    tag_is_immutable,
)


@pytest.mark.parametrize(
    ("pattern", "tag", "matches"),
    [
        ("latest", "latest", True),
        ("latest", "latest-rc", False),
        ("latest", "my-latest", False),
        ("release-*", "release-1.2", True),
        ("release-*", "release-", True),
        ("release-*", "releases", False),
        ("release-*", "prerelease-1", False),
        ("*-stable", "v2-stable", True),
        ("v*.*", "v1.2", True),
        ("v*.*", "v12", False),
        ("*", "anything", True),
        # `.` is a character, not "any character".
        ("v1.0", "v1x0", False),
    ],
)
def test_a_filter_matches_the_whole_tag(pattern: str, tag: str, matches: bool) -> None:
    assert matches_exclusion_filter(pattern, tag) is matches


# Filters hold only [0-9a-zA-Z._*-] (botocore ECR model, ImageTagMutabilityExclusionFilterValue),
# so fnmatch, whose other wildcards (`?`, `[`) cannot occur, is an independent oracle.
@given(
    pattern=st.text(alphabet="ab.-_*", min_size=1, max_size=8),
    tag=st.text(alphabet="ab.-_", min_size=1, max_size=10),
)
def test_matching_agrees_with_shell_wildcards(pattern: str, tag: str) -> None:
    assert matches_exclusion_filter(pattern, tag) is fnmatch.fnmatchcase(tag, pattern)


@pytest.mark.parametrize(
    ("mutability", "filters", "tag", "immutable"),
    [
        ("MUTABLE", (), "latest", False),
        (None, (), "latest", False),
        ("IMMUTABLE", (), "latest", True),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "dev-*"), "latest", False),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "dev-*"), "dev-7", False),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "dev-*"), "1.4.2", True),
        ("MUTABLE_WITH_EXCLUSION", ("release-*",), "release-1.4", True),
        ("MUTABLE_WITH_EXCLUSION", ("release-*",), "latest", False),
    ],
)
def test_each_setting_keeps_its_tags_immutable(
    mutability: str | None, filters: tuple[str, ...], tag: str, immutable: bool
) -> None:
    assert tag_is_immutable(mutability, filters, tag) is immutable


@pytest.mark.parametrize(
    ("mutability", "filters", "keeps", "words"),
    [
        ("MUTABLE", (), False, "no tag"),
        (None, (), False, "no tag"),
        ("IMMUTABLE", (), True, "every tag"),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest",), True, "every tag except those matching `latest`"),
        ("MUTABLE_WITH_EXCLUSION", ("a", "b", "c"), True, "tags matching `a`, `b` or `c`"),
        # Without filters AWS refuses the setting (E309); nothing is immutable then.
        ("MUTABLE_WITH_EXCLUSION", (), False, "no tag"),
        # `*` excludes every tag from immutability: every tag stays mutable.
        ("IMMUTABLE_WITH_EXCLUSION", ("*",), False, "no tag"),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "**"), False, "no tag"),
        ("IMMUTABLE_WITH_EXCLUSION", ("*-rc",), True, "every tag except those matching `*-rc`"),
        ("MUTABLE_WITH_EXCLUSION", ("*",), True, "tags matching `*`"),
    ],
)
def test_whether_and_which_tags_are_kept(
    mutability: str | None, filters: tuple[str, ...], keeps: bool, words: str
) -> None:
    assert keeps_some_tags(mutability, filters) is keeps
    assert immutable_tags_in_words(mutability, filters) == words


@given(
    mutability=st.sampled_from(["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION",
                                "MUTABLE_WITH_EXCLUSION"]),
    filters=st.lists(st.text(alphabet="a*-", min_size=1, max_size=4), max_size=3),
    tags=st.lists(st.text(alphabet="ab-", max_size=5), min_size=1, max_size=8),
)  # fmt: skip
def test_no_tag_is_immutable_where_none_is_said_to_be_kept(
    mutability: str, filters: list[str], tags: list[str]
) -> None:
    if not keeps_some_tags(mutability, filters):
        assert not any(tag_is_immutable(mutability, filters, tag) for tag in tags)
