"""The environment every test runs in: fake credentials only, so that no profile, config
file, endpoint or emulator setting of the machine leaks in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def fake_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials only; the AWS files named are in tmp_path, for a test to write."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "ECR_EMULATOR_")) or name in ("MOTO_ACCOUNT_ID", "NO_COLOR"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
