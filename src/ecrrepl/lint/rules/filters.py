"""Repository filters: their documented shape, and what they leave out or repeat."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecrrepl import limits
from ecrrepl.config.model import Config, ReplicationRule, RepositoryFilter
from ecrrepl.lint.registry import Report, rule

# botocore's ECR model, shape RepositoryFilterValue: its lengths and the pattern that
# the schema shares with editors, from the one table.
FILTER_MIN_LENGTH = limits.MIN_FILTER_LENGTH
FILTER_MAX_LENGTH = limits.MAX_FILTER_LENGTH
FILTER_PATTERN = re.compile(limits.FILTER_PATTERN)


def filter_problem(prefix: str) -> str | None:
    """Why `prefix` is not a valid ECR repository filter, or None when it is.

    The likely mistakes (a wildcard, upper case) are told before the length, because
    they say what to change: `*` alone is too short, but the fix is to drop the `*`.
    """
    if _is_valid(prefix):
        return None
    if "*" in prefix:
        unstarred = prefix.replace("*", "")
        hint = f"; did you mean {unstarred!r}?" if _is_valid(unstarred) else ""
        return f"filter {prefix!r} has a wildcard, but filters are prefixes, no wildcards{hint}"
    if prefix != prefix.lower():
        hint = f"; did you mean {prefix.lower()!r}?" if _is_valid(prefix.lower()) else ""
        return f"filter {prefix!r} has upper case, but repository names are lower case{hint}"
    if len(prefix) < FILTER_MIN_LENGTH:
        return (
            f"filter {prefix!r} is too short: ECR filters are "
            f"{FILTER_MIN_LENGTH} to {FILTER_MAX_LENGTH} characters"
        )
    if len(prefix) > FILTER_MAX_LENGTH:
        return (
            f"filter {prefix[:20]!r}... is too long ({len(prefix)} characters): ECR filters "
            f"are at most {FILTER_MAX_LENGTH}"
        )
    return (
        f"filter {prefix!r} is not a repository-name prefix: lower-case letters and digits, "
        "separated by '.', '_', '-' or '/', with no '/' at the start and no '//'"
    )


def _is_valid(prefix: str) -> bool:
    return (
        FILTER_MIN_LENGTH <= len(prefix) <= FILTER_MAX_LENGTH
        and FILTER_PATTERN.fullmatch(prefix) is not None
    )


@rule(
    "E104",
    "filter that breaks the documented length or pattern",
    source=(
        "botocore ECR model, shape RepositoryFilterValue; ECR API reference, "
        "RepositoryFilter: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"
        "API_RepositoryFilter.html"
    ),
)
def invalid_filter(config: Config) -> Iterator[Report]:
    """A filter must be a repository-name prefix of {limits.MIN_FILTER_LENGTH} to
    {limits.MAX_FILTER_LENGTH} characters.

    ECR's only filter type is PREFIX_MATCH: the filter is compared with the start of
    each repository name, literally. Repository names are lower case, so a filter with
    upper case matches nothing, and `*` is not a wildcard: PutReplicationConfiguration
    refuses both, and the whole configuration with them.
    """
    placed = [each for registry in config.registries for each in registry.rules]
    # Each prefix written is judged once: a large file repeats a few prefixes.
    problems: dict[str, str | None] = {}
    for replication_rule in placed + list(config.unplaced_rules):
        for repository_filter in replication_rule.filters or ():
            prefix = repository_filter.prefix
            if prefix in problems:
                problem = problems[prefix]
            else:
                problem = problems[prefix] = filter_problem(prefix)
            if problem is not None:
                yield Report(problem, repository_filter.where)


@rule(
    "W112",
    "filter that repeats or is covered by another filter of the same rule",
    source=(
        "ECR API reference, RepositoryFilter (PREFIX_MATCH): "
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html"
    ),
)
def redundant_filter(config: Config) -> Iterator[Report]:
    """A filter that repeats another, or starts with another, adds nothing.

    Filters are prefixes: `prod` already matches every repository that `prod/api`
    matches (and `production` too). The longer filter is dead weight that counts
    against the {limits.MAX_FILTERS_PER_RULE} filters of a rule, and it suggests the
    author meant something narrower than what the shorter filter does.
    """
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            filters = replication_rule.filters
            if filters is None or len(filters) < 2:
                continue  # one filter covers no other: most rules of a large file
            label = replication_rule.label(index)
            for redundant, covering in _redundant_filters(filters):
                if covering == redundant.prefix:
                    message = f"filter {covering!r} appears twice in {label}; remove the repeat"
                else:
                    message = (
                        f"filter {redundant.prefix!r} of {label} is covered by filter "
                        f"{covering!r}, since filters are prefixes; remove it"
                    )
                yield Report(message, redundant.where)


def _redundant_filters(
    filters: tuple[RepositoryFilter, ...],
) -> Iterator[tuple[RepositoryFilter, str]]:
    """Each filter that another filter of the same rule makes redundant, with that filter.

    In sorted order, every string between a prefix `p` and a string that starts with
    `p` also starts with `p`; so the last filter not covered by anything before it is
    the one to test against. This keeps the check O(n log n) per rule.
    """
    first_by_prefix: dict[str, RepositoryFilter] = {}
    for repository_filter in filters:
        first = first_by_prefix.setdefault(repository_filter.prefix, repository_filter)
        if first is not repository_filter:
            yield repository_filter, first.prefix
    covering: str | None = None
    for prefix in sorted(first_by_prefix):
        # An empty filter is E104's to report, not a cover for everything.
        if covering and prefix.startswith(covering):
            yield first_by_prefix[prefix], covering
        else:
            covering = prefix


@rule(
    "I116",
    "rule without filters replicates every repository",
    source=(
        "ECR API reference, ReplicationRule (repositoryFilters is optional): "
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html"
    ),
)
def rule_without_filters(config: Config) -> Iterator[Report]:
    """A rule that omits `filters` replicates every repository of its registry.

    That is sometimes the intent (a disaster-recovery copy of everything), but it also
    sends test and scratch repositories across regions and accounts, at a transfer
    and storage cost. Listing prefixes keeps the copy to what is meant.
    """
    for registry in config.registries:
        for index, replication_rule in enumerate(registry.rules):
            if replicates_every_repository(replication_rule):
                yield Report(
                    f"{replication_rule.label(index)} has no filters, so it replicates every "
                    f"repository of registry {registry.address}; add filters to limit it",
                    replication_rule.at("filters"),
                )


def replicates_every_repository(replication_rule: ReplicationRule) -> bool:
    return replication_rule.filters is None
