"""Repository creation templates: the immutable tags of the repositories replication
creates (I310)."""

from __future__ import annotations

from collections.abc import Iterator

from ecrrepl.config.model import Config, CreationTemplate, prefixes_sent_to
from ecrrepl.lint.registry import Report, rule
from ecrrepl.tag_mutability import (
    MUTABLE_WITH_EXCLUSION,
    immutable_tags_in_words,
    keeps_some_tags,
)

ROOT = "ROOT"
REPLICATION_GUIDE = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"


def _replicated_into(template: CreationTemplate, prefixes: frozenset[str] | None) -> bool:
    """Whether filters sending to the template's registry can reach its namespace."""
    if prefixes is None or template.prefix == ROOT:
        return True
    namespace = template.namespace
    return any(p.startswith(namespace) or namespace.startswith(p) for p in prefixes)


@rule(
    "I310",
    "REPLICATION template whose repositories keep some tags immutable",
    source=f'ECR user guide, "Private image replication": {REPLICATION_GUIDE} '
    "(botocore ECR model, ImageTagMutability and ImageTagMutabilityExclusionFilter)",
)
def replicated_immutable_tags(config: Config) -> Iterator[Report]:
    """A template that makes tags immutable in repositories replication creates keeps
    re-pushed tags from arriving.

    "If a repository in the destination has tag immutability enabled and an image with
    the same tag exists, the image is replicated but without the tag": a tag pushed
    again in the source (`latest`, a rebuilt `1.4`) keeps naming the old image in the
    destination, and what pulls it there gets the old image. Which tags that concerns
    follows the template's `image_tag_mutability`: every tag under `IMMUTABLE`; all but
    those matching an exclusion filter under `IMMUTABLE_WITH_EXCLUSION`; only those
    matching one under `MUTABLE_WITH_EXCLUSION` (a re-pushed `release-*` tag arrives
    untagged); none under `MUTABLE`. Filters are wildcards over the whole tag (`*`: any
    run of characters). This is an info, not a warning: immutable tags are often what
    is wanted, when sources never push a tag twice. Reported for templates applied for
    REPLICATION whose namespace the rules replicate into.
    """
    sent = prefixes_sent_to(config.registries)
    for template in config.templates:
        mutability = template.image_tag_mutability
        filters = template.image_tag_mutability_exclusion_filters
        if "REPLICATION" not in template.applied_for or not keeps_some_tags(mutability, filters):
            continue
        if template.address not in sent or not _replicated_into(
            template, sent[template.address]
        ):
            continue
        where = (
            "every repository replication creates there that no other template covers"
            if template.prefix == ROOT
            else f"the repositories replication creates under '{template.namespace}'"
        )
        again = "such a tag"
        if mutability == MUTABLE_WITH_EXCLUSION:
            again = "a " + immutable_tags_in_words(mutability, filters).replace("tags", "tag", 1)
        yield Report(
            f"template '{template.prefix}' in {template.address} makes "
            f"{immutable_tags_in_words(mutability, filters)} immutable in {where}: when a "
            f"source pushes {again} again, the image arrives there untagged and the tag "
            "keeps naming the old image",
            template.at("image_tag_mutability"),
        )
