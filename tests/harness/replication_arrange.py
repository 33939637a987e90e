"""Arranging the emulated AWS for the tests of status, backfill and the immutable-tag
warning: two accounts reached by AssumeRole, images pushed with small manifests, the
replication configuration and registry policy `ecrrepl apply` would write."""

from __future__ import annotations

import json
from typing import Any

from ecrrepl.sandbox.images import push_image
from harness import configs
from harness.accounts import ecr_client
from harness.policies import repositories, root, statement

SOURCE_ACCOUNT = configs.SOURCE_ACCOUNT
DR_ACCOUNT = configs.OTHER_ACCOUNT


# Both accounts by AssumeRole; rule `prod` sends prod/ to us-east-1 and to DR's Ireland.
TWO_ACCOUNTS_ENTRIES = [configs.account(SOURCE_ACCOUNT), configs.account(DR_ACCOUNT)]
TWO_ACCOUNTS = configs.document(
    configs.registry(
        configs.rule("us-east-1", (DR_ACCOUNT, "eu-west-1"), name="prod", filters=["prod/"])
    ),
    accounts=TWO_ACCOUNTS_ENTRIES,
)


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
                    statement(
                        f"Ecrrepl{source_account}",
                        root(source_account),
                        ["ecr:CreateRepository", "ecr:ReplicateImage"],
                        repositories((account, region)),
                    )
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
