"""Reading images and repositories of a registry: replication status, names, counts.

`ecrrepl status` asks where one image has replicated (DescribeImageReplicationStatus);
`ecrrepl backfill --dry-run` counts the images a backfill would copy (DescribeRepositories,
DescribeImages), by digest in the source and in the destination's repository. Reads
only; every failure leaves as a UserError naming the account and region.
"""

from __future__ import annotations

from ecrrepl.aws.answers import Node
from ecrrepl.aws.failures import aws_failures, where
from ecrrepl.aws.pages import pages
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import UserError
from ecrrepl.replication_status import ImageRef, ListedImage, ListedStatus


class ImageNotFound(UserError):
    """The image, or its repository, is not in the registry asked."""


def read_image_replication_status(
    sessions: Sessions, source: RegistryAddress, image: ImageRef
) -> ListedImage:
    """What AWS lists about `image`'s replication out of `source`."""
    client = sessions.ecr(source)
    with aws_failures("DescribeImageReplicationStatus", source.account, source.region):
        try:
            answer = client.describe_image_replication_status(
                repositoryName=image.repository,
                imageId=image.api_image_id(),  # type: ignore[arg-type]
                registryId=source.account,
            )
        except client.exceptions.RepositoryNotFoundException:
            raise ImageNotFound(
                f"repository {image.repository} not found in {where(source.account, source.region)}"
            ) from None
        except client.exceptions.ImageNotFoundException:
            raise ImageNotFound(
                f"image {image} not found in {where(source.account, source.region)}"
            ) from None
        return _listed_image(Node(answer), image)


def _listed_image(answer: Node, image: ImageRef) -> ListedImage:
    image_id = answer.optional("imageId")
    return ListedImage(
        digest=(image_id.optional_text("imageDigest") if image_id else None) or image.digest,
        statuses=tuple(
            ListedStatus(
                destination=RegistryAddress(status.text("registryId"), status.text("region")),
                status=status.text("status"),
                failure_code=status.optional_text("failureCode"),
            )
            for status in answer.items("replicationStatuses")
        ),
    )


def list_repository_names(sessions: Sessions, registry: RegistryAddress) -> tuple[str, ...]:
    """Every repository of a registry, sorted (one paginated DescribeRepositories)."""
    client = sessions.ecr(registry)
    names: list[str] = []
    with aws_failures("DescribeRepositories", registry.account, registry.region):
        for page in pages(client, "describe_repositories"):
            names.extend(r.text("repositoryName") for r in page.items("repositories"))
    return tuple(sorted(names))


def image_digests(
    sessions: Sessions, registry: RegistryAddress, repository: str, *, absent_is_empty: bool = False
) -> frozenset[str]:
    """The digests of every image DescribeImages lists in one repository, tagged or not.

    With `absent_is_empty`, a repository that does not exist holds no image (a
    destination where replication has not created it yet): RepositoryNotFoundException,
    botocore ECR model, DescribeImages errors (checked 2026-12-02).
    """
    client = sessions.ecr(registry)
    digests: set[str] = set()
    with aws_failures(
        f"DescribeImages of repository {repository}", registry.account, registry.region
    ):
        try:
            for page in pages(client, "describe_images", repositoryName=repository):
                digests.update(image.text("imageDigest") for image in page.items("imageDetails"))
        except client.exceptions.RepositoryNotFoundException:
            if not absent_is_empty:
                raise
    return frozenset(digests)
