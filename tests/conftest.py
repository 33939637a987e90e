"""Fixtures for the whole suite; plain helpers to arrange and inspect AWS are in harness/.

Every test runs with fake credentials only: no profile, config file, endpoint or emulator
setting of the machine leaks in. moto and boto3 are imported by the fixtures that use
them, so that the offline folders run without loading them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Test modules import harness/ (and emulator/support.py) as packages of this folder.
TESTS_FOLDER = Path(__file__).resolve().parent
if str(TESTS_FOLDER) not in sys.path:
    sys.path.insert(0, str(TESTS_FOLDER))

from ecrrepl.sandbox.launcher import emulator_settings, moto_server, reset  # noqa: E402
from ecrrepl.validation import load_files  # noqa: E402
from harness.cli import command_environment  # noqa: E402
from harness.environment import fake_aws_environment  # noqa: E402

if TYPE_CHECKING:
    from ecrrepl.config.model import Config
    from harness.sessions import StubbedSessions


# The fixtures that put the ECR emulator behind a test: moto in-process (`aws`), a moto
# server (`server`, under `endpoint` and `env`), tests/contract's `target`, which asks for
# `aws` at run time unless it aims at real AWS, and stock moto in a fresh interpreter
# (`stock_moto_probe`). A test that uses one, directly or through another fixture, is
# marked `emulator` here, so that no test file has to remember the marker (pyproject.toml).
EMULATOR_FIXTURES = frozenset({"aws", "server", "target", "stock_moto_probe"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if EMULATOR_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.emulator)


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials only; the AWS files named are in tmp_path, for a test to write."""
    fake_aws_environment(monkeypatch, tmp_path)


@pytest.fixture
def aws() -> Iterator[None]:
    """moto in-process with its gaps closed (the ECR emulator); replications land at once
    unless a test asks for polls in progress."""
    from moto import mock_aws

    from ecrrepl.sandbox import ecr_gaps

    ecr_gaps.install()
    ecr_gaps.reset_replication_settings()
    with mock_aws():
        yield
    ecr_gaps.reset_replication_settings()


@pytest.fixture(scope="session")
def stock_moto_probe() -> Callable[..., dict[str, Any]]:
    """`stock_moto_probe(probe, cwd=None)`: what unpatched moto answers, observed in a
    fresh interpreter (harness/moto_probe.py); for the pins of tests/aws/test_moto_gaps.py."""
    from harness.moto_probe import stock_moto_answers

    return stock_moto_answers


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without their sleeps, so retry tests stay fast."""
    from botocore.retries import bucket, standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    # Adaptive mode's token bucket (session.RETRIES) waits too once throttled: not here.
    monkeypatch.setattr(bucket.TokenBucket, "_sleep_amount", lambda self, amount: 0)


@pytest.fixture
def stubbed() -> Iterator[StubbedSessions]:
    """One ECR client answered by botocore's Stubber; every answer given must be used."""
    from harness.sessions import StubbedSessions

    sessions = StubbedSessions()
    with sessions.stubber:
        yield sessions
    sessions.stubber.assert_no_pending_responses()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., str]:
    """`write_config(text, name="ecrrepl.yaml")`: the YAML text in a file; its path."""

    def write(text: str, name: str = "ecrrepl.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def load_config(write_config: Callable[..., str]) -> Callable[[str], Config]:
    """A Config from YAML text, through the real loader; the text must be clean."""

    def load(text: str) -> Config:
        result = load_files([write_config(text)])
        assert result.findings == []
        return result.config

    return load


# --- a moto server on 127.0.0.1, for the installed command -------------------------------


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """One server per xdist worker, the ECR emulator inside; tests reset it (`endpoint`)."""
    with moto_server() as url:
        yield url


@pytest.fixture
def endpoint(server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The server, reset, as the endpoint of this process's AWS clients too."""
    reset(server)
    monkeypatch.setenv("AWS_ENDPOINT_URL", server)
    return server


@pytest.fixture
def env(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the installed command against the server; each replication is
    reported IN_PROGRESS once before it lands."""
    emulator_settings(endpoint, in_progress_polls=1)
    return command_environment(endpoint, tmp_path_factory.mktemp("home"))
