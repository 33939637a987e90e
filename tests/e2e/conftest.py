"""The installed `ecrrepl` command as a real subprocess, against a moto server on 127.0.0.1.

One server per xdist worker; its state is reset before every test (the `endpoint` fixture).
The command gets a clean environment: fake keys that moto maps to its default account
123456789012 (the source registry of the tests), AWS_ENDPOINT_URL, no profile, and
empty AWS config files. The destinations 222222222222 and 333333333333 are reached by
AssumeRole, as in production.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.accounts import ecr_client
from harness.cli import Outcome, command_environment, run_ecrrepl
from harness.lab import (
    Registry,
    backups,
    policy_text,
    put_statements,
    replication,
    statements_of,
    write_file,
)


class Lab:
    """A working directory, the command, and a way to arrange and inspect the registries."""

    def __init__(self, endpoint: str, workdir: Path) -> None:
        self.endpoint = endpoint
        self.workdir = workdir
        self._clients: dict[Registry, Any] = {}
        self.env = command_environment(endpoint, workdir.parent / "home")

    # --- the command -------------------------------------------------------------------

    def run(self, *args: str) -> Outcome:
        """`ecrrepl ARGS...` with no terminal: stdin is /dev/null."""
        completed = run_ecrrepl(self.env, self.workdir, *args)
        return Outcome(completed.returncode, completed.stdout, completed.stderr)

    def write(self, name: str, text: str) -> str:
        return write_file(self.workdir, name, text)

    def backups(self) -> list[Path]:
        return backups(self.workdir)

    # --- the registries, as their owners see them ---------------------------------------

    def ecr(self, registry: Registry) -> Any:
        """A client acting as the registry's account (cached: the server forgets the
        assumed-role keys only at the next test's reset)."""
        if registry not in self._clients:
            self._clients[registry] = ecr_client(*registry, endpoint_url=self.endpoint)
        return self._clients[registry]

    def replication(self, registry: Registry) -> Any:
        return replication(self.ecr(registry))

    def policy_text(self, registry: Registry) -> str | None:
        return policy_text(self.ecr(registry))

    def statements(self, registry: Registry) -> list[dict[str, Any]]:
        return statements_of(self.policy_text(registry))

    def put_policy(self, registry: Registry, statements: list[dict[str, Any]]) -> None:
        put_statements(self.ecr(registry), statements)

    def state(self, *registries: Registry) -> dict[Registry, Any]:
        return {
            registry: (self.replication(registry), self.policy_text(registry))
            for registry in registries
        }


@pytest.fixture
def lab(endpoint: str, tmp_path: Path) -> Lab:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return Lab(endpoint, workdir)
