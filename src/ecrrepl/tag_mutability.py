"""Which tags a repository's tag mutability setting keeps immutable: the one answer the
plan's warning, the template lint and the test emulator share.

botocore ECR model (ImageTagMutability, ImageTagMutabilityExclusionFilter; checked
2026-12-02) has four settings, and AWS's own descriptions of them (AWS CDK,
aws_ecr.TagMutability) say:

- MUTABLE: every tag can be overwritten;
- IMMUTABLE: no tag can be;
- IMMUTABLE_WITH_EXCLUSION: every tag is immutable except those matching a filter;
- MUTABLE_WITH_EXCLUSION: every tag is mutable except those matching a filter, which
  "should remain unchanged".

A filter is of type WILDCARD, 1..128 characters of `[0-9a-zA-Z._*-]`; `*` is the only
character with a meaning. The reference does not spell out the match; ecrrepl reads a
filter as ECR's other tag wildcards (lifecycle policy `tagPatternList`) are read: the
whole tag must match, `*` standing for any run of characters, none included. So
`release-*` matches `release-1.2` and `release-`, not `prerelease-1`; `latest` matches
`latest` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

MUTABLE = "MUTABLE"
IMMUTABLE = "IMMUTABLE"
IMMUTABLE_WITH_EXCLUSION = "IMMUTABLE_WITH_EXCLUSION"
MUTABLE_WITH_EXCLUSION = "MUTABLE_WITH_EXCLUSION"
SETTINGS = (MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION)


@lru_cache(maxsize=256)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def matches_exclusion_filter(pattern: str, tag: str) -> bool:
    """Whether the whole `tag` matches the WILDCARD filter `pattern` (`*`: any run)."""
    return _wildcard(pattern).fullmatch(tag) is not None


def tag_is_immutable(mutability: str | None, filters: Iterable[str], tag: str) -> bool:
    """Whether `tag`, once in a repository with this setting, cannot move to another image.

    None is MUTABLE, AWS's default.
    """
    matched = any(matches_exclusion_filter(f, tag) for f in filters)
    if mutability == IMMUTABLE:
        return True
    if mutability == IMMUTABLE_WITH_EXCLUSION:
        return not matched
    if mutability == MUTABLE_WITH_EXCLUSION:
        return matched
    return False


def matches_every_tag(pattern: str) -> bool:
    """Whether the filter matches every tag: `*` (or `**`...), a run of anything."""
    return bool(pattern) and not pattern.strip("*")


def keeps_some_tags(mutability: str | None, filters: Iterable[str]) -> bool:
    """Whether some tag can be immutable under this setting.

    IMMUTABLE_WITH_EXCLUSION with the filter `*` excludes every tag: none is immutable.
    A filter holds 1..128 characters, so any filter of MUTABLE_WITH_EXCLUSION matches
    some tag.
    """
    if mutability == IMMUTABLE:
        return True
    if mutability == IMMUTABLE_WITH_EXCLUSION:
        return not any(matches_every_tag(f) for f in filters)
    return mutability == MUTABLE_WITH_EXCLUSION and any(True for _ in filters)


def immutable_tags_in_words(mutability: str | None, filters: Iterable[str]) -> str:
    """Which tags are immutable, for a message: "every tag", "tags matching release-*"."""
    filters = tuple(filters)
    if not keeps_some_tags(mutability, filters):
        return "no tag"
    quoted = [f"`{f}`" for f in filters]
    shown = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
    if mutability == IMMUTABLE:
        return "every tag"
    if mutability == IMMUTABLE_WITH_EXCLUSION:
        return f"every tag except those matching {shown}" if shown else "every tag"
    if mutability == MUTABLE_WITH_EXCLUSION and shown:
        return f"tags matching {shown}"
    return "no tag"
