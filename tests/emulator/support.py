"""Plain helpers for the emulator tests: accounts, image manifests, rules, policies."""

from __future__ import annotations

import json
from typing import Any

from ecrrepl.sandbox.images import MEDIA_TYPE, image_manifest  # noqa: F401 (re-exported)
from harness.accounts import BASE_ACCOUNT

SOURCE_ACCOUNT = BASE_ACCOUNT
OTHER_ACCOUNT = "222222222222"
SOURCE_REGION = "us-west-2"


def rule(*destinations: tuple[str, str], filters: tuple[str, ...] = (), **extra: Any) -> Any:
    """A replication rule to (region, account) destinations."""
    found: dict[str, Any] = {
        "destinations": [{"region": r, "registryId": a} for r, a in destinations],
        **extra,
    }
    if filters:
        found["repositoryFilters"] = [{"filter": f, "filterType": "PREFIX_MATCH"} for f in filters]
    return found


def grant(*actions: str, source: str = SOURCE_ACCOUNT, **statement: Any) -> str:
    """A registry policy for OTHER_ACCOUNT in eu-west-1 granting `source` the actions."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Replication",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{source}:root"},
                    "Action": list(actions),
                    "Resource": f"arn:aws:ecr:eu-west-1:{OTHER_ACCOUNT}:repository/*",
                    **statement,
                }
            ],
        }
    )


def images_in(client: Any, repository: str) -> dict[str, list[str]]:
    """digest -> sorted tags of every image in a repository; {} when it does not exist."""
    try:
        details = client.describe_images(repositoryName=repository)["imageDetails"]
    except client.exceptions.RepositoryNotFoundException:
        return {}
    return {d["imageDigest"]: sorted(d.get("imageTags", [])) for d in details}
