"""The estate of the live-engine and end-to-end tests, and reading back what ecrrepl left.

moto's default account 123456789012 (the base fake keys) owns the source registry; the
destinations 222222222222 and 333333333333 are reached by AssumeRole, as in production.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Registry = tuple[str, str]

SOURCE = ("123456789012", "us-west-2")
EU = ("222222222222", "eu-west-1")
DR = ("333333333333", "us-east-2")

# CONFIG without rule `dr` and without eu-west-1 (222222222222) in rule `prod`: the source
# registry sends prod/ and base- to its own us-east-1 only, to neither other account.
REDUCED = """\
version: 1
accounts:
  "222222222222":
    role_arn: arn:aws:iam::222222222222:role/ecrrepl
  "333333333333":
    role_arn: arn:aws:iam::333333333333:role/ecrrepl
registries:
  - account: "123456789012"
    region: us-west-2
    rules:
      - name: prod
        filters: [prod/, base-]
        destinations:
          - region: us-east-1
"""

# REDUCED, and rule `prod` sends to 222222222222/eu-west-1 too, and rule `dr` sends every
# repository to 333333333333/us-east-2.
CONFIG = (
    REDUCED
    + """\
          - {account: "222222222222", region: eu-west-1}
      - name: dr
        destinations:
          - {account: "333333333333", region: us-east-2}
"""
)

# A statement someone else owns in a registry policy ecrrepl writes to.
FOREIGN = {
    "Sid": "PullThroughCacheTeam",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
    "Action": ["ecr:ReplicateImage"],
    "Resource": "arn:aws:ecr:eu-west-1:222222222222:repository/other/*",
}


def write_file(folder: Path, name: str, text: str) -> str:
    """Write a file the command is given by name, relative to its working directory."""
    (folder / name).write_text(text, encoding="utf-8")
    return name


def backups(workdir: Path) -> list[Path]:
    """The backups apply and restore took, oldest first."""
    folder = workdir / ".ecrrepl" / "backups"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def replication(client: Any) -> Any:
    """A registry's replication configuration, exactly as ECR returns it."""
    return client.describe_registry().get("replicationConfiguration")


def policy_text(client: Any) -> str | None:
    """A registry's policy text, exactly as ECR returns it; None when it has none."""
    try:
        text: str = client.get_registry_policy()["policyText"]
    except client.exceptions.RegistryPolicyNotFoundException:
        return None
    return text


def statements_of(text: str | None) -> list[dict[str, Any]]:
    return [] if text is None else list(json.loads(text)["Statement"])


def put_statements(client: Any, statements: list[dict[str, Any]]) -> None:
    policy = {"Version": "2012-10-17", "Statement": statements}
    client.put_registry_policy(policyText=json.dumps(policy))
