"""Fixtures for the replication emulator, on moto in-process (`aws`): clients of two
accounts (the base credentials are 123456789012; 222222222222 by AssumeRole), images, rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config

from ecrrepl.sandbox.images import push_image
from emulator.support import SOURCE_ACCOUNT, SOURCE_REGION
from harness.accounts import credentials_for

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
