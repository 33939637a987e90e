"""Fixtures for `ecrrepl status`: fake credentials, the ECR emulator in-process, a file.

The accounts of the configurations here are reached by AssumeRole, as in production;
moto tells them apart by the keys it hands out. Helpers to arrange AWS are in
replication_arrange.py (shared with tests/backfill and tests/immutable).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from moto import mock_aws

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from replication_arrange import TWO_ACCOUNTS  # noqa: E402

from harness import ecr_gaps  # noqa: E402


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials only; no profile, config file or endpoint of the machine leaks in."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "MOTO_ACCOUNT_ID":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws() -> Iterator[None]:
    """moto in-process with the ECR emulator; replications land at once unless a test
    asks for polls in progress."""
    ecr_gaps.install()
    ecr_gaps.reset_replication_settings()
    with mock_aws():
        yield
    ecr_gaps.reset_replication_settings()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., str]:
    def write(text: str = TWO_ACCOUNTS, name: str = "ecrrepl.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write
