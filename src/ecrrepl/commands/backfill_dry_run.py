"""`ecrrepl backfill --dry-run`: how many images each backfill would copy; nothing starts.

Per destination, the source repositories its live rules send there and, in each, the
images the destination's repository of the same name does not hold yet, compared by
digest. The sources say it only between the lines (checked 2026-12-02): the user guide,
"Private image replication", keeps the repository name and keeps "the destination and
source synchronized"; botocore's ECR model gives DescribeImageReplicationStatus one
imageId for the source and every destination, and ImageDetail.imageDigest is "the
sha256 digest of the image manifest". No source says in words that a copy keeps the
digest, so the contract tests (tests/contract) pin it against real AWS.

Reads: one DescribeRepositories per source registry; one DescribeImages per source
repository counted and per destination repository compared (a destination repository
that does not exist holds nothing).

A destination in an account the credentials cannot act as (the identity check) is not
compared: every image counts, and the report says why. A destination the source's live
rules do not send to is reported, not counted, and the others are counted all the same:
a real run would refuse it (apply first). The dry run then exits 1, so that a script
sees that the backfill would not go through as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ecrrepl.aws.concurrency import read_concurrently
from ecrrepl.backfill import (
    BackfillTarget,
    DryRunEntry,
    RepositoryCount,
    missing_images,
)
from ecrrepl.config.model import RegistryAddress, replicates

if TYPE_CHECKING:
    from ecrrepl.aws.session import Sessions



def dry_run_entries(
    sessions: Sessions,
    every_target: Sequence[BackfillTarget],
    live_targets: Sequence[BackfillTarget],
    prefixes: dict[BackfillTarget, frozenset[str] | None],
) -> list[DryRunEntry]:
    """One entry per target of `every_target`, in its order: counted when it is among
    `live_targets`, else reported as not live. A destination whose account the
    credentials cannot act as is not compared: every image counts, and the entry says why
    (the source's reads were enough before destinations were compared)."""
    from ecrrepl.aws.images import list_repository_names

    live = set(live_targets)
    sources = list(dict.fromkeys(target.source for target in live_targets))
    accounts = sorted({target.destination.account for target in live_targets})
    checks = read_concurrently(sessions.identities.problem_with, accounts)
    problems = dict(zip(accounts, checks, strict=True))
    names = dict(
        zip(
            sources,
            read_concurrently(lambda source: list_repository_names(sessions, source), sources),
            strict=True,
        )
    )
    chosen = {
        target: [n for n in names[target.source] if replicates(n, prefixes[target])]
        for target in live_targets
    }
    in_sources = _digests(sessions, {(t.source, n) for t, ns in chosen.items() for n in ns})
    at_destinations = _digests(
        sessions,
        {
            (t.destination, n)
            for t, ns in chosen.items()
            if problems[t.destination.account] is None
            for n in ns
        },
        absent_is_empty=True,
    )

    def entry(target: BackfillTarget) -> DryRunEntry:
        if target not in live:
            return DryRunEntry(target=target, prefixes=None, live=False)
        problem = problems[target.destination.account]
        return DryRunEntry(
            target=target,
            prefixes=prefixes[target],
            repositories=tuple(
                RepositoryCount(
                    name,
                    len(in_sources[(target.source, name)]),
                    missing_images(
                        in_sources[(target.source, name)],
                        at_destinations.get((target.destination, name), frozenset()),
                    ),
                )
                for name in chosen[target]
            ),
            not_compared=problem,
        )

    return [entry(target) for target in every_target]


def _digests(
    sessions: Sessions,
    wanted: set[tuple[RegistryAddress, str]],
    *,
    absent_is_empty: bool = False,
) -> dict[tuple[RegistryAddress, str], frozenset[str]]:
    from ecrrepl.aws.images import image_digests

    ordered = sorted(wanted)
    found = read_concurrently(
        lambda pair: image_digests(sessions, pair[0], pair[1], absent_is_empty=absent_is_empty),
        ordered,
    )
    return dict(zip(ordered, found, strict=True))
