"""The contract tests' target: the ECR emulator in-process, or, with
ECRREPL_AWS_ACCEPTANCE=1 (`make test-aws`), real AWS through two profiles
(tests/contract/target.py says which variables, README "Contract tests against real AWS"
what it costs). `make test` unsets the flag, so it never reaches AWS."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract.target import (
    COST_NOTE,
    PROFILE_DEST,
    PROFILE_SOURCE,
    REGION_DEST,
    REGION_SOURCE,
    RUN_PREFIX,
    TAG_KEY,
    RegistryGuard,
    Target,
    acceptance_enabled,
    emulator_target,
    guarded,
    real_target,
)
from harness.environment import fake_aws_environment

# The environment pytest started with, before any test's fixtures changed it: real AWS
# needs the machine's own profiles.
STARTING_ENVIRONMENT = dict(os.environ)
REAL_AWS = acceptance_enabled(STARTING_ENVIRONMENT)


def pytest_report_header() -> list[str]:
    if not REAL_AWS:
        return ["contract tests: against the ECR emulator (ECRREPL_AWS_ACCEPTANCE is not 1)"]
    source = (
        f"profile {STARTING_ENVIRONMENT.get(PROFILE_SOURCE)}, "
        f"{STARTING_ENVIRONMENT.get(REGION_SOURCE) or 'us-west-2'}"
    )
    destination = (
        f"profile {STARTING_ENVIRONMENT.get(PROFILE_DEST)}, "
        f"{STARTING_ENVIRONMENT.get(REGION_DEST) or 'us-east-1'}"
    )
    note = COST_NOTE.format(source=source, destination=destination, prefix=RUN_PREFIX, tag=TAG_KEY)
    return note.splitlines()


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials for the emulator; for real AWS, the machine's own settings as
    pytest found them, and never an emulator endpoint."""
    if not REAL_AWS:
        fake_aws_environment(monkeypatch, tmp_path)
        return
    for name, value in STARTING_ENVIRONMENT.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if REAL_AWS:
        try:
            yield real_target(STARTING_ENVIRONMENT)
        except ValueError as error:
            pytest.fail(str(error))
        return
    request.getfixturevalue("aws")
    yield emulator_target()


@pytest.fixture
def guard(target: Target) -> Iterator[RegistryGuard]:
    """What the test may change, read first and put back afterwards, even on failure;
    everything named after the run removed."""
    with guarded(target) as reading:
        yield reading
