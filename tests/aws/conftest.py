"""Fixtures for the AWS layer: fake credentials, moto with its gaps closed, observed clients."""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

TESTS_FOLDER = Path(__file__).resolve().parent.parent
if str(TESTS_FOLDER) not in sys.path:
    sys.path.insert(0, str(TESTS_FOLDER))

from ecrrepl.aws.session import Sessions  # noqa: E402
from ecrrepl.config.model import AccountAccess, Config  # noqa: E402
from ecrrepl.validation import load_files  # noqa: E402
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
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without their sleeps, so retry tests stay fast."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def aws() -> Iterator[None]:
    """moto in-process, with the documented behaviour moto lacks patched in."""
    ecr_gaps.install()
    with mock_aws():
        yield


def assume(account: str, role: str = "setup") -> boto3.Session:
    """A session acting as `account` in moto, for arranging and checking state."""
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="test-setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


@pytest.fixture
def as_account() -> Callable[[str], boto3.Session]:
    return assume


@pytest.fixture
def load_config(tmp_path: Path) -> Callable[[str], Config]:
    """A Config from YAML text, through the real loader; the text must be clean."""

    def load(text: str) -> Config:
        path = tmp_path / "ecrrepl.yaml"
        path.write_text(text, encoding="utf-8")
        result = load_files([str(path)])
        assert result.findings == []
        return result.config

    return load


Hook = tuple[str, Callable[..., Any]]


class ObservedSessions(Sessions):
    """Sessions whose every client records the API calls it makes (once per call, not
    per retry) and carries `hooks`, event handlers registered ahead of moto's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []
        self.hooks: list[Hook] = []
        self._record_lock = threading.Lock()

    def _new_client(self, session: boto3.Session, service: str, region: str) -> Any:
        client = super()._new_client(session, service, region)
        client.meta.events.register("before-call.*.*", self._record)
        for event, handler in self.hooks:
            client.meta.events.register_first(event, handler)
        return client

    def _record(self, model: Any, **kwargs: Any) -> None:
        with self._record_lock:
            self.calls.append(model.name)

    def counts(self) -> Counter[str]:
        with self._record_lock:
            return Counter(self.calls)


@pytest.fixture
def observed_sessions() -> Callable[..., ObservedSessions]:
    def make(
        config: Config | None = None,
        *,
        accounts: dict[str, AccountAccess] | None = None,
        profile: str | None = None,
        hooks: list[Hook] | None = None,
    ) -> ObservedSessions:
        if config is not None:
            sessions = ObservedSessions.for_config(config, profile=profile)
        else:
            sessions = ObservedSessions(accounts or {}, profile=profile)
        assert isinstance(sessions, ObservedSessions)
        sessions.hooks = list(hooks or [])
        return sessions

    return make
