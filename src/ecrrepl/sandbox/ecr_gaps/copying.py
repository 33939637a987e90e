"""Copying one image into one destination registry, as ECR replication does: the one place
where the emulator writes into another registry, possibly another account's."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any

from moto.core.exceptions import ServiceException
from moto.ecr.exceptions import ImageAlreadyExistsException
from moto.ecr.models import ECRBackend, Image, Repository, ecr_backends

from .registry_policy import CREATE_REPOSITORY, REPLICATE_IMAGE, registry_policy_allows
from .replication_configuration import Destination
from .templates import replication_template

# AWS documents no list of replication failure codes (ReplicationError is a bare string);
# these are the emulator's: a destination that does not grant the source account, and a
# destination Region moto does not serve.
PERMISSION_DENIED = "PERMISSION_DENIED"
REGION_NOT_AVAILABLE = "REGION_NOT_AVAILABLE"

# Replication state spans registries and accounts, and the moto server answers on
# several threads: one lock for every emulated replication step.
replication_lock = threading.RLock()


@dataclass(frozen=True)
class ImageCopy:
    """What replication carries: one image under one tag (None: by digest), as it was."""

    repository_name: str
    digest: str
    tag: str | None
    manifest: str
    media_type: str | None
    layers: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, repository: Repository, image: Image, tag: str | None) -> ImageCopy:
        return cls(
            repository_name=repository.name,
            digest=image.get_image_digest(),
            tag=tag,
            manifest=image.image_manifest,
            media_type=image.image_manifest_media_type,
            layers=tuple((d, s) for d, s in repository.layers.items() if d in image.image_manifest),
        )

    def image_id(self) -> dict[str, str]:
        found = {"imageDigest": self.digest}
        if self.tag is not None:
            found["imageTag"] = self.tag
        return found


def destination_backend(destination: Destination) -> ECRBackend | None:
    """The destination registry's backend; None for a Region moto does not serve."""
    if destination.region not in ecr_backends[destination.registry_id]:
        return None
    backend: ECRBackend = ecr_backends[destination.registry_id][destination.region]
    return backend


def _create_repository(backend: ECRBackend, name: str) -> Repository:
    """Create the repository replication needs: with the settings of the REPLICATION
    template that covers it, else with defaults (mutable tags, AES256, no policies).
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
    A template policy that moto refuses is left off rather than failing the replication.
    """
    template: dict[str, Any] = replication_template(backend, name) or {}
    repository: Repository = backend.create_repository(
        repository_name=name,
        registry_id=None,
        encryption_config=dict(template.get("encryptionConfiguration") or {}),
        image_scan_config=None,
        image_tag_mutability=template.get("imageTagMutability", "MUTABLE"),
        tags=list(template.get("resourceTags") or []),
        image_tag_mutability_exclusion_filters=template.get("imageTagMutabilityExclusionFilters"),
    )
    for setting, apply in (
        ("repositoryPolicy", backend.set_repository_policy),
        ("lifecyclePolicy", backend.put_lifecycle_policy),
    ):
        if template.get(setting):
            with contextlib.suppress(ServiceException):
                apply(backend.account_id, name, template[setting])
    return repository


def _permission_missing(
    backend: ECRBackend, source_account: str, name: str, repository_exists: bool
) -> bool:
    if backend.account_id == source_account:
        return False
    needed = [REPLICATE_IMAGE] + ([] if repository_exists else [CREATE_REPOSITORY])
    return not all(registry_policy_allows(backend, source_account, a, name) for a in needed)


def _put(backend: ECRBackend, copy: ImageCopy, tag: str | None) -> None:
    backend.put_image(copy.repository_name, copy.manifest, tag, copy.media_type, copy.digest)  # type: ignore[arg-type]


def copy_image(source_account: str, destination: Destination, copy: ImageCopy) -> str | None:
    """Copy the image into the destination; None when it arrived, else a failure code.

    A cross-account destination must grant the source account (see
    registry_policy_allows); otherwise nothing is created. A tag that already names
    another image and is immutable under the repository's setting (any of the four,
    exclusion filters included: see tag_mutability) is left off: "the image is
    replicated but won't contain the duplicated tag".
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
    The copy goes through moto's backend, not the API, so it does not replicate again:
    "A replication action only occurs once per image push".
    """
    with replication_lock:
        backend = destination_backend(destination)
        if backend is None:
            return REGION_NOT_AVAILABLE
        repository = backend.repositories.get(copy.repository_name)
        if _permission_missing(
            backend, source_account, copy.repository_name, repository is not None
        ):
            return PERMISSION_DENIED
        if repository is None:
            repository = _create_repository(backend, copy.repository_name)
        for layer, size in copy.layers:
            repository.layers.setdefault(layer, size)
        present = next((i for i in repository.images if i.get_image_digest() == copy.digest), None)
        if copy.tag is None or (present is not None and copy.tag in present.image_tags):
            if present is None:
                _put(backend, copy, None)
            return None
        try:
            _put(backend, copy, copy.tag)
        except ImageAlreadyExistsException:
            if present is None:
                _put(backend, copy, None)
        return None
