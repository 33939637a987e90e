"""Destination repositories with tag immutability on, where replicated tags get lost.

ECR replicates an image into an existing destination repository with that repository's
settings. When the repository has tag immutability on and already holds the tag, the
image arrives without it: "If a repository in the destination has tag immutability
enabled and an image with the same tag exists, the image is replicated but without the
tag." A deployment that pulls by tag there keeps getting the old image. The plan warns
on the replication section of each source registry whose rules send into such
repositories, naming the destination and the repositories.

Source: ECR user guide, private image replication,
https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.config.model import RegistryAddress, SourceRegistry, prefixes_sent_to
from ecrrepl.state import LiveState

# A warning names this many repositories, then says how many more there are.
NAMED_REPOSITORIES = 5


def immutable_tag_warnings(registry: SourceRegistry, live: LiveState) -> tuple[str, ...]:
    """One warning per destination of `registry` whose immutable repositories it feeds."""
    warnings = []
    for destination, prefixes in prefixes_sent_to([registry]).items():
        immutable = live.immutable_repositories.get(destination, ())
        fed = [
            name
            for name in immutable
            if prefixes is None or any(name.startswith(prefix) for prefix in prefixes)
        ]
        if fed:
            warnings.append(_warning(destination, fed))
    return tuple(warnings)


def _warning(destination: RegistryAddress, repositories: Sequence[str]) -> str:
    count = len(repositories)
    named = ", ".join(repositories[:NAMED_REPOSITORIES])
    if count > NAMED_REPOSITORIES:
        named += f" and {count - NAMED_REPOSITORIES} more"
    noun = "repository" if count == 1 else "repositories"
    return (
        f"{destination} has tag immutability on in {count} {noun} these rules replicate "
        f"into ({named}): an image replicated there whose tag already exists arrives "
        "untagged"
    )
