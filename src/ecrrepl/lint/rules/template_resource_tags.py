"""The resource tags a template puts on the repositories it creates (E314)."""

from __future__ import annotations

from collections.abc import Iterator

from ecrrepl import limits
from ecrrepl.config.model import Config
from ecrrepl.findings import Location
from ecrrepl.lint.registry import Report, rule

KEY = "resource_tags"
# The limits on keys, values and their number are the limits table's; the ECR user
# guide's tag restrictions (TAG_RESTRICTIONS, checked 2026-12-02) say the same.
# The guide reserves `aws:` for keys and values alike. Compared without case: AWS's
# tag restrictions elsewhere (the ECS API reference's Tag, for one) reserve "aws:, AWS:,
# or any upper or lowercase combination of such".
RESERVED_PREFIX = "aws:"
TAG_RESTRICTIONS = (
    'ECR user guide, "Tagging a private repository in Amazon ECR", tag restrictions: '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-using-tags.html"
)


@rule(
    "E314",
    f"resource tag key over {limits.MAX_TAG_KEY_LENGTH} or value over "
    f"{limits.MAX_TAG_VALUE_LENGTH} characters, an `aws:` prefix, or over "
    f"{limits.MAX_TAGS_PER_RESOURCE} tags",
    source=TAG_RESTRICTIONS + "; botocore ECR model, Tag, CreateRepository's errors "
    "InvalidTagParameterException and TooManyTagsException",
)
def invalid_resource_tags(config: Config) -> Iterator[Report]:
    """A template's `resource_tags` obey ECR's tag restrictions.

    ECR puts the tags on every repository the template creates, and its tag
    restrictions apply: at most {limits.MAX_TAGS_PER_RESOURCE} tags, a key of 1 to
    {limits.MAX_TAG_KEY_LENGTH} characters, a value of at most
    {limits.MAX_TAG_VALUE_LENGTH} (an empty value is allowed), and no key or value
    starting with `aws:`, which AWS reserves for its own tags. The template calls list
    no tag errors in the botocore model; repository creation does
    (InvalidTagParameterException, TooManyTagsException), so a bad tag may only show
    when replication creates a repository from the template.
    """
    for template in config.templates:
        tags = template.resource_tags
        name = f"template '{template.prefix}'"
        if len(tags) > limits.MAX_TAGS_PER_RESOURCE:
            yield Report(
                f"{name} sets {len(tags)} resource tags; a repository takes at most "
                f"{limits.MAX_TAGS_PER_RESOURCE}",
                template.at(KEY),
            )
        for key, value in tags.items():
            key_at = template.key_at(KEY, (key,))
            if not 1 <= len(key) <= limits.MAX_TAG_KEY_LENGTH:
                yield Report(
                    f"tag key '{key[:40]}' of {name} is {len(key)} characters; keys are 1 to "
                    f"{limits.MAX_TAG_KEY_LENGTH}",
                    key_at,
                )
            yield from _reserved(key, f"tag key '{key}' of {name}", key_at)
            value_at = template.value_at(KEY, (key,))
            if len(value) > limits.MAX_TAG_VALUE_LENGTH:
                yield Report(
                    f"the value of tag '{key}' of {name} is {len(value)} characters; values "
                    f"are at most {limits.MAX_TAG_VALUE_LENGTH}",
                    value_at,
                )
            yield from _reserved(value, f"the value of tag '{key}' of {name}", value_at)


def _reserved(text: str, subject: str, where: Location) -> Iterator[Report]:
    """The one restriction keys and values share: no `aws:` prefix, in any case."""
    if text.lower().startswith(RESERVED_PREFIX):
        yield Report(
            f"{subject} starts with '{text[:4]}': the aws: prefix is reserved for AWS's own "
            "tags",
            where,
        )
