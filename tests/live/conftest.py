"""Faults of the live engine, in-process: moto with its gaps closed, the command line called
as `ecrrepl.cli.main`, and the whole live state compared before and after."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

TESTS_FOLDER = Path(__file__).resolve().parent.parent
if str(TESTS_FOLDER) not in sys.path:
    sys.path.insert(0, str(TESTS_FOLDER))

from ecrrepl.cli import main  # noqa: E402
from harness import ecr_gaps  # noqa: E402

SOURCE = ("123456789012", "us-west-2")
EU = ("222222222222", "eu-west-1")
DR = ("333333333333", "us-east-2")
# A registry no configuration should ever write: the "wrong account" of identity tests.
ELSEWHERE = ("111111111111", "us-west-2")
REGISTRIES = (SOURCE, EU, DR, ELSEWHERE)

# moto's default account is that of the base (fake) credentials: the source is reached
# with them, the two destinations by AssumeRole, as in production.
CONFIG = """\
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
          - {account: "222222222222", region: eu-west-1}
      - name: dr
        destinations:
          - {account: "333333333333", region: us-east-2}
"""

# The same source registry, no longer sending to 333333333333 nor to eu-west-1.
CONFIG_REDUCED = """\
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

FOREIGN_STATEMENT = {
    "Sid": "PullThroughCacheTeam",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
    "Action": ["ecr:ReplicateImage"],
    "Resource": "arn:aws:ecr:eu-west-1:222222222222:repository/other/*",
}


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials only; no profile, config file or endpoint of the machine leaks in."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name in ("MOTO_ACCOUNT_ID", "NO_COLOR"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory: configuration files here, backups under .ecrrepl/."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def aws(workdir: Path) -> Iterator[None]:
    """moto in-process, with the documented behaviour moto lacks patched in."""
    ecr_gaps.install()
    with mock_aws():
        yield


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without their sleeps, so retry tests stay fast."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """`ecrrepl ARGS...` in-process: exit code, stdout and stderr."""

    def run_command(*args: str) -> Outcome:
        capsys.readouterr()
        exit_code = main(list(args))
        captured = capsys.readouterr()
        return Outcome(exit_code, captured.out, captured.err)

    return run_command


@pytest.fixture
def write_file(workdir: Path) -> Callable[[str, str], str]:
    def write(name: str, text: str) -> str:
        (workdir / name).write_text(text, encoding="utf-8")
        return name

    return write


@pytest.fixture
def config_file(write_file: Callable[[str, str], str]) -> str:
    """ecrrepl.yaml: 123456789012/us-west-2 sends to its own us-east-1 and to two accounts."""
    return write_file("ecrrepl.yaml", CONFIG)


@pytest.fixture
def reduced_config_file(write_file: Callable[[str, str], str]) -> str:
    """reduced.yaml: the same source, no longer sending to either other account."""
    return write_file("reduced.yaml", CONFIG_REDUCED)


@pytest.fixture
def foreign_statement() -> dict[str, Any]:
    """A statement someone else owns in a registry policy ecrrepl writes to."""
    copy: dict[str, Any] = json.loads(json.dumps(FOREIGN_STATEMENT))
    return copy


def ecr_client(account: str, region: str) -> Any:
    """An ECR client acting as `account`: the base credentials, or an assumed role."""
    if account == SOURCE[0]:
        return boto3.client("ecr", region_name=region)
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/test-setup", RoleSessionName="test-setup"
    )["Credentials"]
    return boto3.client(
        "ecr",
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


@pytest.fixture
def ecr() -> Callable[[tuple[str, str]], Any]:
    return lambda registry: ecr_client(*registry)


def registry_state(registry: tuple[str, str]) -> dict[str, Any]:
    """Everything ecrrepl may write in one registry, exactly as AWS returns it."""
    client = ecr_client(*registry)
    try:
        policy: str | None = client.get_registry_policy()["policyText"]
    except client.exceptions.RegistryPolicyNotFoundException:
        policy = None
    templates = client.describe_repository_creation_templates()["repositoryCreationTemplates"]
    return {
        "replication": client.describe_registry().get("replicationConfiguration"),
        "registry_policy": policy,
        "templates": [{k: v for k, v in t.items() if not k.endswith("At")} for t in templates],
    }


@pytest.fixture
def live_state() -> Callable[[], dict[tuple[str, str], dict[str, Any]]]:
    """The state of every registry the tests' configurations touch."""
    return lambda: {registry: registry_state(registry) for registry in REGISTRIES}


def policy_statements(registry: tuple[str, str]) -> list[dict[str, Any]]:
    text = registry_state(registry)["registry_policy"]
    return [] if text is None else list(json.loads(text)["Statement"])


@pytest.fixture
def statements() -> Callable[[tuple[str, str]], list[dict[str, Any]]]:
    return policy_statements


def backups(workdir: Path) -> list[Path]:
    folder = workdir / ".ecrrepl" / "backups"
    return sorted(folder.glob("*.json")) if folder.exists() else []


@pytest.fixture
def backup_files(workdir: Path) -> Callable[[], list[Path]]:
    return lambda: backups(workdir)
