"""Destination repositories with immutable tags, where replicated tags get lost.

ECR replicates an image into an existing destination repository with that repository's
settings. When a tag is immutable there and the repository already holds it, the image
arrives without it: "If a repository in the destination has tag immutability enabled
and an image with the same tag exists, the image is replicated but without the tag." A
deployment that pulls by tag there keeps getting the old image. Which tags are
immutable follows all four settings (tag_mutability): every tag under IMMUTABLE; all
but those matching an exclusion filter under IMMUTABLE_WITH_EXCLUSION; only those
matching one under MUTABLE_WITH_EXCLUSION (a re-pushed `release-*` tag arrives
untagged); none under MUTABLE. The plan warns on the replication section of each
source registry whose rules send into such repositories, naming the destination, the
repositories and their immutable tags.

Source: ECR user guide, private image replication,
https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.config.model import (
    RegistryAddress,
    SourceRegistry,
    prefixes_sent_to,
    replicates,
)
from ecrrepl.state import LiveState, TagImmutability
from ecrrepl.tag_mutability import immutable_tags_in_words

# A warning names this many repositories, then says how many more there are.
NAMED_REPOSITORIES = 5


def immutable_tag_warnings(registry: SourceRegistry, live: LiveState) -> tuple[str, ...]:
    """One warning per destination of `registry` whose immutable tags it feeds."""
    warnings = []
    for destination, prefixes in prefixes_sent_to([registry]).items():
        immutable = live.immutable_repositories.get(destination, ())
        fed = [
            repository for repository in immutable if replicates(repository.repository, prefixes)
        ]
        if fed:
            warnings.append(_warning(destination, fed))
    return tuple(warnings)


def _named(repository: TagImmutability) -> str:
    tags = immutable_tags_in_words(repository.mutability, repository.exclusion_filters)
    return f"{repository.repository} ({tags})"


def _warning(destination: RegistryAddress, repositories: Sequence[TagImmutability]) -> str:
    count = len(repositories)
    named = ", ".join(_named(r) for r in repositories[:NAMED_REPOSITORIES])
    if count > NAMED_REPOSITORIES:
        named += f" and {count - NAMED_REPOSITORIES} more"
    noun = "repository" if count == 1 else "repositories"
    return (
        f"{destination} keeps tags immutable in {count} {noun} these rules replicate "
        f"into: {named}. An image replicated there under an immutable tag the repository "
        "already holds arrives untagged"
    )
