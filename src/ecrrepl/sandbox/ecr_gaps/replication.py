"""Replication on push, replication of deletions, and DescribeImageReplicationStatus.

Stock moto stores a replication configuration but never acts on it, and has no
DescribeImageReplicationStatus. Here a PutImage through the API replicates the image to
every destination of the source registry's live configuration whose rule matches the
repository; each replication is recorded per image and destination, and reported by
DescribeImageReplicationStatus. See settings.py for how long a replication stays
IN_PROGRESS before the copy lands.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.exceptions import InvalidParameterException
from moto.ecr.models import ECRBackend, Image, Repository
from moto.ecr.responses import ECRResponse

from .copying import ImageCopy, copy_image, destination_backend, replication_lock
from .replication_configuration import Destination, replication_destinations
from .settings import replication_settings

IN_PROGRESS = "IN_PROGRESS"
COMPLETE = "COMPLETE"
FAILED = "FAILED"


@dataclass
class DestinationStatus:
    """The replication of one image to one destination: copies not yet landed, and how
    many more polls report it in progress before they land."""

    destination: Destination
    polls_left: int
    pending: list[ImageCopy] = field(default_factory=list)
    status: str = IN_PROGRESS
    failure_code: str | None = None

    def settle(self, source_account: str) -> None:
        failures = [copy_image(source_account, self.destination, c) for c in self.pending]
        self.pending.clear()
        self.failure_code = next((f for f in reversed(failures) if f), None)
        self.status = FAILED if self.failure_code else COMPLETE

    def as_dict(self) -> dict[str, str]:
        answer = {**self.destination.as_dict(), "status": self.status}
        if self.failure_code:
            answer["failureCode"] = self.failure_code
        return answer


# (repository name, image digest) -> destination -> its replication.
Ledger = dict[tuple[str, str], dict[Destination, DestinationStatus]]


def ledger(backend: ECRBackend) -> Ledger:
    # Kept on the source backend, so that moto's reset forgets it with everything else.
    found: Ledger | None = getattr(backend, "ecrrepl_replication_ledger", None)
    if found is None:
        found = {}
        backend.ecrrepl_replication_ledger = found  # type: ignore[attr-defined]
    return found


def replicate_push(
    backend: ECRBackend, repository: Repository, image: Image, tag: str | None
) -> None:
    """Start replicating a pushed image to each matching destination: one hop only, since
    copies land through moto's backend and never through this API handler."""
    destinations = replication_destinations(backend, repository.name)
    if not destinations:
        return
    copy = ImageCopy.of(repository, image, tag)
    polls = replication_settings().in_progress_polls
    with replication_lock:
        statuses = ledger(backend).setdefault((repository.name, copy.digest), {})
        for destination in destinations:
            earlier = statuses.get(destination)
            waiting = earlier.pending if earlier and earlier.status == IN_PROGRESS else []
            entry = DestinationStatus(destination, polls, [*waiting, copy])
            statuses[destination] = entry
            if polls == 0:
                entry.settle(backend.account_id)


def record_replication(
    backend: ECRBackend, destination: Destination, copy: ImageCopy, failure_code: str | None
) -> None:
    """Record a replication that has already landed (or failed), as a backfill's."""
    with replication_lock:
        statuses = ledger(backend).setdefault((copy.repository_name, copy.digest), {})
        statuses[destination] = DestinationStatus(
            destination, 0, [], FAILED if failure_code else COMPLETE, failure_code
        )


def observe_replications(backend: ECRBackend, repository_name: str, digest: str) -> list[Any]:
    """One poll of an image's replications: each in progress spends a poll, or lands."""
    with replication_lock:
        statuses = ledger(backend).get((repository_name, digest), {})
        for entry in statuses.values():
            if entry.status != IN_PROGRESS:
                continue
            if entry.polls_left > 0:
                entry.polls_left -= 1
            else:
                entry.settle(backend.account_id)
        return [entry.as_dict() for entry in statuses.values()]


def _tags_by_digest(backend: ECRBackend, repository_name: str) -> dict[str, set[str]]:
    repository = backend.repositories.get(repository_name)
    images = repository.images if repository else []
    return {image.get_image_digest(): set(image.image_tags) for image in images}


def replicate_deletions(
    backend: ECRBackend,
    repository_name: str,
    before: dict[str, set[str]],
    after: dict[str, set[str]],
) -> None:
    """Repeat in each destination whose rule enables deleteReplication what a deletion did in
    the source: a removed tag is removed there; an image gone (deleted by digest, or its
    last tag removed) is deleted there with all its tags.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication-delete.html
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
    Expiry by lifecycle policy is not emulated (moto does not expire images).
    """
    gone = [digest for digest in before if digest not in after]
    untagged = {d: before[d] - after[d] for d in after if d in before and before[d] - after[d]}
    if not gone and not untagged:
        return
    destinations = replication_destinations(backend, repository_name)
    deleting = [destination for destination, deletes in destinations.items() if deletes]
    with replication_lock:
        for destination in deleting:
            target = destination_backend(destination)
            if target is None:
                continue
            present = _tags_by_digest(target, repository_name)
            ids = [{"imageDigest": d} for d in gone if d in present]
            ids += [
                {"imageTag": tag}
                for digest, tags in untagged.items()
                for tag in sorted(tags & present.get(digest, set()))
            ]
            if ids:
                target.batch_delete_image(repository_name, None, ids)


# --- API handlers -------------------------------------------------------------------------


def handle_put_image(self: ECRResponse) -> ActionResult:
    """PutImage as moto answers it, then replication of the pushed image."""
    backend = self.ecr_backend
    name = self._get_param("repositoryName")
    tag = self._get_param("imageTag")
    image = backend.put_image(
        name,
        self._get_param("imageManifest"),
        tag,
        self._get_param("imageManifestMediaType"),
        self._get_param("imageDigest"),
    )
    replicate_push(backend, backend.repositories[name], image, tag)
    return ActionResult({"image": image})


def handle_batch_delete_image(self: ECRResponse) -> ActionResult:
    """BatchDeleteImage as moto answers it, then replication of what it deleted."""
    backend = self.ecr_backend
    name = self._get_param("repositoryName")
    before = _tags_by_digest(backend, name)
    answer = backend.batch_delete_image(
        name, self._get_param("registryId"), self._get_param("imageIds")
    )
    replicate_deletions(backend, name, before, _tags_by_digest(backend, name))
    return ActionResult(answer)


def handle_describe_image_replication_status(self: ECRResponse) -> ActionResult:
    """The replication status of one image in each destination it was replicated to.

    AWS: RepositoryNotFoundException, ImageNotFoundException; statuses IN_PROGRESS,
    COMPLETE or FAILED with a failureCode. An image never replicated has no statuses.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageReplicationStatus.html
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageReplicationStatus.html
    """
    backend = self.ecr_backend
    name = self._get_param("repositoryName")
    asked = self._get_param("imageId") or {}
    if not asked.get("imageTag") and not asked.get("imageDigest"):
        raise InvalidParameterException(
            "Invalid parameter at 'imageId' failed to satisfy constraint: "
            "'an imageTag or an imageDigest is required'"
        )
    repository = backend._get_repository(name, self._get_param("registryId"))
    image = repository._get_image(asked.get("imageTag"), asked.get("imageDigest"))
    digest = image.get_image_digest()
    image_id = {"imageDigest": digest}
    if asked.get("imageTag"):
        image_id["imageTag"] = asked["imageTag"]
    return ActionResult(
        {
            "repositoryName": name,
            "imageId": image_id,
            "replicationStatuses": observe_replications(backend, name, digest),
        }
    )
