"""The installed `ecrrepl` command as a real subprocess, against a moto server on 127.0.0.1.

One server per test module (per xdist worker); its state is reset before every test.
The command gets a clean environment: fake keys that moto maps to its default account
123456789012 (the source registry of the tests), AWS_ENDPOINT_URL, no profile, and
empty AWS config files. The destinations 222222222222 and 333333333333 are reached by
AssumeRole, as in production.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

TESTS_FOLDER = Path(__file__).resolve().parent.parent
if str(TESTS_FOLDER) not in sys.path:
    sys.path.insert(0, str(TESTS_FOLDER))

from harness.server import moto_server, reset  # noqa: E402

ECRREPL = Path(sys.executable).parent / "ecrrepl"
BASE_ACCOUNT = "123456789012"
COMMAND_TIMEOUT_SECONDS = 60

Registry = tuple[str, str]


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


class Lab:
    """A working directory, the command, and a way to arrange and inspect the registries."""

    def __init__(self, endpoint: str, workdir: Path) -> None:
        self.endpoint = endpoint
        self.workdir = workdir
        self._clients: dict[Registry, Any] = {}
        home = workdir.parent / "home"
        home.mkdir(exist_ok=True)
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_CONFIG_FILE": str(home / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    # --- the command -------------------------------------------------------------------

    def run(self, *args: str) -> Outcome:
        """`ecrrepl ARGS...` with no terminal: stdin is /dev/null."""
        completed = subprocess.run(
            [str(ECRREPL), *args],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        return Outcome(completed.returncode, completed.stdout, completed.stderr)

    def write(self, name: str, text: str) -> str:
        (self.workdir / name).write_text(text, encoding="utf-8")
        return name

    def backups(self) -> list[Path]:
        folder = self.workdir / ".ecrrepl" / "backups"
        return sorted(folder.glob("*.json")) if folder.exists() else []

    # --- the registries, as their owners see them ---------------------------------------

    def ecr(self, registry: Registry) -> Any:
        """A client acting as the registry's account (cached: the server forgets the
        assumed-role keys only at the next test's reset)."""
        if registry not in self._clients:
            self._clients[registry] = self._new_ecr_client(registry)
        return self._clients[registry]

    def _new_ecr_client(self, registry: Registry) -> Any:
        account, region = registry
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
        )
        if account != BASE_ACCOUNT:
            sts = session.client("sts", region_name="us-east-1", endpoint_url=self.endpoint)
            credentials = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/test-setup", RoleSessionName="test-setup"
            )["Credentials"]
            session = boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                region_name=region,
            )
        return session.client("ecr", endpoint_url=self.endpoint)

    def replication(self, registry: Registry) -> Any:
        return self.ecr(registry).describe_registry().get("replicationConfiguration")

    def policy_text(self, registry: Registry) -> str | None:
        client = self.ecr(registry)
        try:
            text: str = client.get_registry_policy()["policyText"]
        except client.exceptions.RegistryPolicyNotFoundException:
            return None
        return text

    def statements(self, registry: Registry) -> list[dict[str, Any]]:
        text = self.policy_text(registry)
        return [] if text is None else list(json.loads(text)["Statement"])

    def put_policy(self, registry: Registry, statements: list[dict[str, Any]]) -> None:
        policy = {"Version": "2012-10-17", "Statement": statements}
        self.ecr(registry).put_registry_policy(policyText=json.dumps(policy))

    def state(self, *registries: Registry) -> dict[Registry, Any]:
        return {
            registry: (self.replication(registry), self.policy_text(registry))
            for registry in registries
        }


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def lab(endpoint: str, tmp_path: Path) -> Lab:
    reset(endpoint)
    workdir = tmp_path / "work"
    workdir.mkdir()
    return Lab(endpoint, workdir)
