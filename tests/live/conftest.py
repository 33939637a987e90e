"""Faults of the live engine, in-process: moto with its gaps closed, the command line called
as `ecrrepl.cli.main`, and the whole live state compared before and after.

The estate is harness/lab.py's: the source registry is reached with the base (fake)
credentials, the two destinations by AssumeRole, as in production.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.cli import main
from harness import lab
from harness.accounts import ecr_client
from harness.cli import Outcome
from harness.live_steps import Live

# A registry no configuration should ever write: the "wrong account" of identity tests.
ELSEWHERE = ("111111111111", "us-west-2")
REGISTRIES = (lab.SOURCE, lab.EU, lab.DR, ELSEWHERE)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory: configuration files here, backups under .ecrrepl/."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def aws(workdir: Path, aws: None) -> None:
    """moto as everywhere, entered in the working directory, where backups land."""


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
    return lambda name, text: lab.write_file(workdir, name, text)


@pytest.fixture
def config_file(write_file: Callable[[str, str], str]) -> str:
    """ecrrepl.yaml: 123456789012/us-west-2 sends to its own us-east-1 and to two accounts."""
    return write_file("ecrrepl.yaml", lab.CONFIG)


@pytest.fixture
def reduced_config_file(write_file: Callable[[str, str], str]) -> str:
    """reduced.yaml: the same source, no longer sending to either other account."""
    return write_file("reduced.yaml", lab.REDUCED)


@pytest.fixture
def foreign_statement() -> dict[str, Any]:
    """A statement someone else owns in a registry policy ecrrepl writes to."""
    copy: dict[str, Any] = json.loads(json.dumps(lab.FOREIGN))
    return copy


@pytest.fixture
def ecr() -> Callable[[tuple[str, str]], Any]:
    return lambda registry: ecr_client(*registry)


def registry_state(registry: tuple[str, str]) -> dict[str, Any]:
    """Everything ecrrepl may write in one registry, exactly as AWS returns it."""
    client = ecr_client(*registry)
    policy = lab.policy_text(client)
    templates = client.describe_repository_creation_templates()["repositoryCreationTemplates"]
    return {
        "replication": lab.replication(client),
        "registry_policy": policy,
        "templates": [{k: v for k, v in t.items() if not k.endswith("At")} for t in templates],
    }


@pytest.fixture
def live_state() -> Callable[[], dict[tuple[str, str], dict[str, Any]]]:
    """The state of every registry the tests' configurations touch."""
    return lambda: {registry: registry_state(registry) for registry in REGISTRIES}


@pytest.fixture
def statements() -> Callable[[tuple[str, str]], list[dict[str, Any]]]:
    return lambda registry: lab.statements_of(lab.policy_text(ecr_client(*registry)))


@pytest.fixture
def backup_files(workdir: Path) -> Callable[[], list[Path]]:
    return lambda: lab.backups(workdir)


@pytest.fixture
def live(
    run: Callable[..., Outcome],
    write_file: Callable[[str, str], str],
    ecr: Callable[[tuple[str, str]], Any],
    live_state: Callable[[], dict[tuple[str, str], dict[str, Any]]],
    statements: Callable[[tuple[str, str]], list[dict[str, Any]]],
    backup_files: Callable[[], list[Path]],
    foreign_statement: dict[str, Any],
) -> Live:
    return Live(run, write_file, ecr, live_state, statements, backup_files, foreign_statement)
