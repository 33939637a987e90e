"""Gap f closed: a tag already in a repository moves to a new image, or the push is
refused, by the repository's tag mutability setting with its WILDCARD exclusion filters
matched against the whole tag (ecrrepl.tag_mutability, used by the emulator too). Stock
moto's regular-expression reading is pinned in test_moto_gaps.py."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from ecrrepl.sandbox.images import image_manifest


def pushed_twice(mutability: str, filters: list[str], tag: str) -> str:
    """Push two images under one tag; "moved" when the second took it, else the error."""
    ecr = boto3.client("ecr", region_name="us-west-2")
    extra: dict[str, Any] = {}
    if filters:
        extra["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in filters
        ]
    ecr.create_repository(repositoryName="app", imageTagMutability=mutability, **extra)
    ecr.put_image(repositoryName="app", imageManifest=image_manifest("one"), imageTag=tag)
    try:
        ecr.put_image(repositoryName="app", imageManifest=image_manifest("two"), imageTag=tag)
    except ecr.exceptions.ImageAlreadyExistsException:
        return "refused"
    return "moved"


@pytest.mark.parametrize(
    ("mutability", "filters", "tag", "outcome"),
    [
        ("MUTABLE", [], "latest", "moved"),
        ("IMMUTABLE", [], "latest", "refused"),
        ("IMMUTABLE_WITH_EXCLUSION", ["latest"], "latest", "moved"),
        # The whole tag must match: `latest` does not cover `latest-rc`.
        ("IMMUTABLE_WITH_EXCLUSION", ["latest"], "latest-rc", "refused"),
        ("IMMUTABLE_WITH_EXCLUSION", ["dev-*"], "dev-42", "moved"),
        ("MUTABLE_WITH_EXCLUSION", ["release-*"], "release-1.2", "refused"),
        # `release-*` is no regular expression: `releases` is outside it.
        ("MUTABLE_WITH_EXCLUSION", ["release-*"], "releases", "moved"),
        ("MUTABLE_WITH_EXCLUSION", ["*-stable"], "v2-stable", "refused"),
    ],
)
def test_a_tag_moves_only_where_the_setting_leaves_it_mutable(
    aws: None, mutability: str, filters: list[str], tag: str, outcome: str
) -> None:
    assert pushed_twice(mutability, filters, tag) == outcome
