"""Arranging the emulated AWS for the tests of status, backfill and the immutable-tag
warning: accounts reached by AssumeRole, images pushed with small manifests, the
replication configuration and registry policy `ecrrepl apply` would write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3

from harness.images import push_image

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


def assume(account: str) -> boto3.Session:
    """A session acting as `account` in moto, for arranging and checking state."""
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="test-setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def ecr(account: str, region: str) -> Any:
    return assume(account).client("ecr", region_name=region)


def push(client: Any, repository: str, tag: str, label: str | None = None) -> str:
    """Push an image (creating the repository if needed); returns its digest."""
    return push_image(client, repository, tag, label or f"{repository}:{tag}")


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


# --- the installed command against a moto server ------------------------------------------

ECRREPL = Path(sys.executable).parent / "ecrrepl"


def command_environment(endpoint: str) -> dict[str, str]:
    """The environment of `ecrrepl` run as a user would: fake base credentials, no AWS
    files of this machine, and the emulator as its endpoint."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "NO_COLOR"}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    env.pop("MOTO_ACCOUNT_ID", None)
    return env


def run_ecrrepl(
    env: dict[str, str], cwd: Path, *arguments: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ECRREPL), *arguments],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
