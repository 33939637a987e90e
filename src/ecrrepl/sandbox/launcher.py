"""Start the emulator's server (ecrrepl.sandbox.server) in a subprocess, for tests, the
demo and the benchmarks.

    with moto_server() as endpoint:          # "http://127.0.0.1:<port>"
        env = {**os.environ, "AWS_ENDPOINT_URL": endpoint}

The server runs in its own process, so the command-line tool under test reaches it
over HTTP exactly as it would reach AWS, and several accounts are told apart by the
access keys that moto's STS AssumeRole hands out. Only 127.0.0.1 is ever bound.

The server emulates ECR replication (ecr_gaps): `moto_server(in_progress_polls=N)`
starts it with replications in progress for N polls, and `emulator_settings(endpoint,
in_progress_polls=N)` changes that while it runs; `reset(endpoint)` restores the start.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

SERVER_MODULE = "ecrrepl.sandbox.server"
SETTINGS_PATH = "/ecr-emulator/settings"
IN_PROGRESS_POLLS_VARIABLE = "ECR_EMULATOR_IN_PROGRESS_POLLS"
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class MotoServerError(RuntimeError):
    """The local moto server did not start."""


def _server_environment(in_progress_polls: int | None) -> dict[str, str]:
    env = dict(os.environ)
    if in_progress_polls is not None:
        env[IN_PROGRESS_POLLS_VARIABLE] = str(in_progress_polls)
    # A fixed account would make every request land in one account, whatever the keys.
    env.pop("MOTO_ACCOUNT_ID", None)
    return env


def _read_ready_line(process: subprocess.Popen[str], deadline: float) -> str:
    assert process.stdout is not None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        readable, _, _ = select.select([process.stdout], [], [], 0.1)
        if readable:
            line = process.stdout.readline()
            if line.startswith("READY "):
                return line.split(" ", 1)[1].strip()
    raise MotoServerError("the moto server did not report that it is listening")


def answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def reset(endpoint: str) -> None:
    """Forget every resource in every account (moto's own reset endpoint), and put the
    replication emulator's starting settings back."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def emulator_settings(endpoint: str, *, in_progress_polls: int | None = None) -> dict[str, int]:
    """Change the replication emulator's settings given; returns those now in force."""
    changes = {} if in_progress_polls is None else {"in_progress_polls": in_progress_polls}
    request = urllib.request.Request(
        f"{endpoint}{SETTINGS_PATH}",
        data=json.dumps(changes).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        settings: dict[str, int] = json.loads(response.read())
    return settings


@contextmanager
def moto_server(
    *, in_progress_polls: int | None = None, close_connections: bool = False
) -> Iterator[str]:
    """Run a moto server until the block ends; yields its endpoint URL. Without
    `in_progress_polls`, ECR_EMULATOR_IN_PROGRESS_POLLS of this process applies (else 0).
    The server keeps connections open, as AWS does; `close_connections` closes each after
    one answer (werkzeug's own behaviour), for benchmarks that compare the two."""
    command = [sys.executable, "-m", SERVER_MODULE, "--port", "0"]
    if close_connections:
        command.append("--close-connections")
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            env=_server_environment(in_progress_polls),
        )
        try:
            yield _wait_until_listening(process, log)
        finally:
            _stop(process)


def _wait_until_listening(process: subprocess.Popen[str], log: IO[str]) -> str:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    try:
        endpoint = _read_ready_line(process, deadline)
        while not answers(endpoint):
            if time.monotonic() > deadline or process.poll() is not None:
                raise MotoServerError(f"the moto server at {endpoint} does not answer")
            time.sleep(0.05)
    except MotoServerError as error:
        log.seek(0)
        raise MotoServerError(f"{error}; its log ends with:\n{log.read()[-2000:]}") from None
    return endpoint


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
