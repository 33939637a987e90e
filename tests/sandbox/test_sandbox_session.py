"""`ecrrepl sandbox` as a user runs it: start it, paste its lines into another shell, try
the configuration, push an image, see it replicate, and stop it with Ctrl-C."""

from __future__ import annotations

import os
import queue
import shlex
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import boto3
import pytest

from ecrrepl.sandbox.access import pasted
from ecrrepl.sandbox.images import push_image
from harness.cli import ECRREPL, run_ecrrepl

from .test_sandbox_access import THREE_WAYS

pytestmark = pytest.mark.e2e

START_SECONDS = 60.0


def clean_environment(home: Path) -> dict[str, str]:
    """Nothing of AWS: the sandbox's lines must be all a shell needs."""
    home.mkdir(exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


class Session:
    def __init__(self, process: subprocess.Popen[str], printed: list[str]) -> None:
        self.process = process
        self.printed = printed

    def pasted_environment(self, base: dict[str, str]) -> dict[str, str]:
        """The environment after pasting the printed export and unset lines."""
        return pasted(self.printed, base)

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stderr


def read_until(process: subprocess.Popen[str], last: str) -> list[str]:
    """The lines printed up to the one starting with `last` (a thread reads the pipe:
    select() cannot see lines already buffered by a text stream)."""
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def read(stream: IO[str]) -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, args=(process.stdout,), daemon=True).start()
    printed: list[str] = []
    deadline = time.monotonic() + START_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        printed.append(line)
        if line.startswith(last):
            return printed
    raise AssertionError(f"the sandbox did not print {last!r}; it printed {printed}")


@pytest.fixture
def sandbox_session(tmp_path: Path) -> Iterator[tuple[Session, Path, dict[str, str]]]:
    config = tmp_path / "ecrrepl.yaml"
    config.write_text(THREE_WAYS, encoding="utf-8")
    base = clean_environment(tmp_path / "home")
    process = subprocess.Popen(
        [str(ECRREPL), "sandbox", str(config), "--port", "0"],
        env=base,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield Session(process, read_until(process, "aws ecr put-image")), config, base
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_a_configuration_tried_in_the_sandbox_replicates_across_all_three_kinds_of_access(
    sandbox_session: tuple[Session, Path, dict[str, str]], tmp_path: Path
) -> None:
    session, config, base = sandbox_session
    env = session.pasted_environment(base)
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    assert "111111111111: the base credentials" in "\n".join(session.printed)

    diff = run_ecrrepl(env, tmp_path, "diff", str(config), "--exit-code")
    assert diff.returncode == 3, diff.stderr
    apply = run_ecrrepl(env, tmp_path, "apply", str(config), "--yes", "--backup-dir", "b")
    assert apply.returncode == 0, apply.stderr
    again = run_ecrrepl(env, tmp_path, "diff", str(config), "--exit-code")
    assert again.returncode == 0, again.stdout + again.stderr

    keys = {
        "endpoint_url": env["AWS_ENDPOINT_URL"],
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
    }
    source = boto3.client("ecr", region_name="eu-central-1", **keys)
    assert source.describe_registry()["registryId"] == "111111111111"
    push_image(source, "prod/api", "v1")
    status = run_ecrrepl(
        env,
        tmp_path,
        "status",
        str(config),
        "--repository",
        "prod/api",
        "--tag",
        "v1",
        "--format",
        "json",
    )
    assert status.returncode == 0, status.stderr
    assert status.stdout.count('"COMPLETE"') == 2, status.stdout

    # The profile of the file reaches its account through the sandbox's AWS config file.
    images = _images_as_profile(env, "dr-admin", "us-east-2", "prod/api")
    assert images == ["v1"]

    code, stderr = session.interrupt()
    assert code == 0
    assert "Traceback" not in stderr
    assert "Sandbox stopped" in stderr
    assert not Path(env["AWS_CONFIG_FILE"]).exists(), "its files are removed on the way out"


def _images_as_profile(env: dict[str, str], profile: str, region: str, repo: str) -> list[str]:
    """The tags in `repo`, read as the AWS CLI would with `--profile`, in a clean process."""
    script = (
        "import boto3, json, sys\n"
        f"ecr = boto3.Session(profile_name={profile!r}, region_name={region!r}).client('ecr')\n"
        f"ids = ecr.list_images(repositoryName={repo!r})['imageIds']\n"
        "print(json.dumps(sorted(i['imageTag'] for i in ids if 'imageTag' in i)))\n"
    )
    import json
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    tags: list[str] = json.loads(done.stdout)
    return tags


def test_sigterm_stops_it_calmly_too(
    sandbox_session: tuple[Session, Path, dict[str, str]],
) -> None:
    session, _, _ = sandbox_session
    session.process.terminate()
    _, stderr = session.process.communicate(timeout=30)
    assert session.process.returncode == 0
    assert "Traceback" not in stderr


def test_a_port_in_use_is_one_line_and_exit_1(tmp_path: Path) -> None:
    config = tmp_path / "ecrrepl.yaml"
    config.write_text(THREE_WAYS, encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_ecrrepl(
            clean_environment(tmp_path / "home"),
            tmp_path,
            "sandbox",
            str(config),
            "--port",
            str(port),
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"ecrrepl: error: cannot serve on 127.0.0.1:{port}: Address already in use; "
        "choose another --port"
    ]
    assert done.stdout == ""


def test_a_configuration_with_errors_is_not_served(tmp_path: Path) -> None:
    config = tmp_path / "ecrrepl.yaml"
    config.write_text(THREE_WAYS.replace("eu-central-1", "eu-centrall-1"), encoding="utf-8")
    done = run_ecrrepl(clean_environment(tmp_path / "home"), tmp_path, "sandbox", str(config))
    assert done.returncode == 1
    assert "E105" in done.stderr
    assert "no sandbox: the configuration has 1 error" in done.stderr
    assert done.stdout == ""


def test_no_aws_variable_of_the_machine_leaks_into_the_printed_lines(
    sandbox_session: tuple[Session, Path, dict[str, str]],
) -> None:
    session, _, _ = sandbox_session
    names = {
        shlex.split(line)[1].split("=", 1)[0]
        for line in session.printed
        if line.startswith("export ")
    }
    assert names == {
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_DEFAULT_REGION",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    }
    assert os.path.isabs(
        dict(
            shlex.split(line)[1].split("=", 1)
            for line in session.printed
            if line.startswith("export ")
        )["AWS_CONFIG_FILE"]
    )
