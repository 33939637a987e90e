"""Fixtures for the replication emulator: moto in-process with the harness installed, two
accounts (the base credentials are 123456789012; 222222222222 by AssumeRole), and images."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

TESTS_FOLDER = Path(__file__).resolve().parent.parent
if str(TESTS_FOLDER) not in sys.path:
    sys.path.insert(0, str(TESTS_FOLDER))

from emulator.support import (  # noqa: E402
    SOURCE_ACCOUNT,
    SOURCE_REGION,
    credentials_for,
)
from harness import ecr_gaps  # noqa: E402
from harness.images import push_image  # noqa: E402


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials only; no profile, config file or endpoint of the machine leaks in."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "ECR_EMULATOR_")) or name == "MOTO_ACCOUNT_ID":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws() -> Iterator[None]:
    """moto in-process with the emulator installed, its settings at their defaults."""
    ecr_gaps.install()
    ecr_gaps.reset_replication_settings()
    with mock_aws():
        yield
    ecr_gaps.reset_replication_settings()


Ecr = Callable[..., Any]
# botocore retries LimitExceededException as throttling, with sleeps; the tests need none.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def ecr(aws: None) -> Ecr:
    """`ecr(region, account=SOURCE_ACCOUNT)`: an ECR client acting as that account."""
    cache: dict[tuple[str, str], Any] = {}

    def client(region: str = SOURCE_REGION, account: str = SOURCE_ACCOUNT) -> Any:
        if (account, region) not in cache:
            cache[account, region] = boto3.client(
                "ecr", region_name=region, config=NO_RETRIES, **credentials_for(account)
            )
        return cache[account, region]

    return client


Push = Callable[..., str]


@pytest.fixture
def push(ecr: Ecr) -> Push:
    """`push(repository, tag="v1", seed=None, region=SOURCE_REGION, account=SOURCE_ACCOUNT)`
    creates the repository if needed, puts the image as boto3 does, returns its digest."""

    def put(
        repository: str,
        tag: str | None = "v1",
        seed: str | None = None,
        region: str = SOURCE_REGION,
        account: str = SOURCE_ACCOUNT,
    ) -> str:
        return push_image(ecr(region, account), repository, tag, seed)

    return put


Configure = Callable[..., None]


@pytest.fixture
def replicate(ecr: Ecr) -> Configure:
    """`replicate(*rules, region=SOURCE_REGION, account=SOURCE_ACCOUNT)`."""

    def configure(
        *rules: dict[str, Any], region: str = SOURCE_REGION, account: str = SOURCE_ACCOUNT
    ) -> None:
        ecr(region, account).put_replication_configuration(
            replicationConfiguration={"rules": list(rules)}
        )

    return configure
