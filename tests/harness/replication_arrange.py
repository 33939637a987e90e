"""Arranging the emulated AWS for the tests of status, backfill and the immutable-tag
warning: two accounts reached by AssumeRole, images pushed with small manifests, the
replication configuration and registry policy `ecrrepl apply` would write."""

from __future__ import annotations

import json
from typing import Any

from ecrrepl.sandbox.images import push_image
from harness.accounts import ecr_client

SOURCE_ACCOUNT = "111111111111"
DR_ACCOUNT = "222222222222"

TWO_ACCOUNTS = """\
version: 1
accounts:
  "111111111111": {role_arn: "arn:aws:iam::111111111111:role/ecrrepl"}
  "222222222222": {role_arn: "arn:aws:iam::222222222222:role/ecrrepl"}
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - name: prod
        filters: [prod/]
        destinations:
          - region: us-east-1
          - {account: "222222222222", region: eu-west-1}
"""


def ecr(account: str, region: str) -> Any:
    """An ECR client acting as `account` (neither is moto's default: both by AssumeRole)."""
    return ecr_client(account, region)


def push(client: Any, repository: str, tag: str, label: str | None = None) -> str:
    """Push an image (creating the repository if needed); returns its digest."""
    return push_image(client, repository, tag, label or f"{repository}:{tag}")


def tags_in(account: str, region: str, repository: str) -> list[str]:
    """Every tag in a repository, sorted; [] when it does not exist."""
    client = ecr(account, region)
    try:
        images = client.describe_images(repositoryName=repository)["imageDetails"]
    except client.exceptions.RepositoryNotFoundException:
        return []
    return sorted(tag for image in images for tag in image.get("imageTags", []))


def allow_replication(client: Any, region: str, source_account: str = SOURCE_ACCOUNT) -> None:
    """The registry policy a cross-account destination needs (as `ecrrepl apply` writes)."""
    account = client.describe_registry()["registryId"]
    client.put_registry_policy(
        policyText=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": f"Ecrrepl{source_account}",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{source_account}:root"},
                        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
                        "Resource": f"arn:aws:ecr:{region}:{account}:repository/*",
                    }
                ],
            }
        )
    )


def replicate(client: Any, *destinations: tuple[str, str], prefix: str | None = "prod/") -> None:
    rule: dict[str, Any] = {
        "destinations": [{"registryId": a, "region": r} for a, r in destinations]
    }
    if prefix is not None:
        rule["repositoryFilters"] = [{"filter": prefix, "filterType": "PREFIX_MATCH"}]
    client.put_replication_configuration(replicationConfiguration={"rules": [rule]})
