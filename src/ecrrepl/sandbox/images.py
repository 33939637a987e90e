"""Pushing small images to the emulator, as tests and the demo need them."""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any

MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


def image_manifest(seed: str) -> str:
    """A distinct image manifest per seed (moto derives the digest from the layers)."""

    def digest(kind: str) -> str:
        return "sha256:" + hashlib.sha256(f"{kind}-{seed}".encode()).hexdigest()

    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MEDIA_TYPE,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 100,
                "digest": digest("config"),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 200,
                    "digest": digest("layer"),
                }
            ],
        }
    )


def push_image(client: Any, repository: str, tag: str | None, seed: str | None = None) -> str:
    """Put an image as `docker push` leaves it (creating the repository if needed);
    returns its digest."""
    with contextlib.suppress(client.exceptions.RepositoryAlreadyExistsException):
        client.create_repository(repositoryName=repository)
    identity = {"imageTag": tag} if tag is not None else {}
    answer = client.put_image(
        repositoryName=repository,
        imageManifest=image_manifest(seed or f"{repository}:{tag}"),
        **identity,
    )
    return str(answer["image"]["imageId"]["imageDigest"])
