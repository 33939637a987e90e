"""Fixtures for the AWS layer: sessions acting as an account, clients that record their calls."""

from __future__ import annotations

from collections.abc import Callable

import boto3
import pytest

from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import AccountAccess, Config
from harness.accounts import assume
from harness.sessions import Hook, ObservedSessions


@pytest.fixture
def as_account() -> Callable[[str], boto3.Session]:
    return assume


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


@pytest.fixture
def sessions(config: Config) -> Sessions:
    """Sessions of the test module's `config` fixture: the configuration it names."""
    return Sessions.for_config(config)
