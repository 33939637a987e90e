"""Gap f: which tags a repository's exclusion filters cover.

Stock moto reads an exclusion filter as a regular expression matched at the start of
the tag (`re.match`), so filter `latest` covers `latest-rc` and `release-*` covers
`releases`. The filters are WILDCARD filters (botocore ECR model,
ImageTagMutabilityExclusionFilterType; pattern `^[0-9a-zA-Z._*-]{1,128}$`): here the
whole tag must match, `*` standing for any run of characters, by the same function the
plan and the lint use (ecrrepl.tag_mutability, which says where that reading comes from).
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html
"""

from __future__ import annotations

from moto.ecr.exceptions import ImageAlreadyExistsException
from moto.ecr.models import ECRBackend, Image, Repository

from ecrrepl.tag_mutability import tag_is_immutable


def exclusion_filters(repository: Repository) -> tuple[str, ...]:
    return tuple(f["filter"] for f in repository.image_tag_mutability_exclusion_filters or ())


def resolve_image_tag_mutability(
    self: ECRBackend, repository: Repository, proposed_image_tag: str
) -> list[Image]:
    """The images that hold the tag now; ImageAlreadyExistsException when the tag is
    immutable under the repository's setting (ecrrepl.tag_mutability.tag_is_immutable)."""
    holding = [image for image in repository.images if proposed_image_tag in image.image_tags]
    if holding and tag_is_immutable(
        repository.image_tag_mutability, exclusion_filters(repository), proposed_image_tag
    ):
        raise ImageAlreadyExistsException(
            registry_id=repository.registry_id,
            image_tag=proposed_image_tag,
            digest=holding[0].get_image_digest(),
            repository_name=repository.name,
        )
    return holding
