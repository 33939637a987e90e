"""`make demo`: the main job of ecrrepl against the local ECR emulator, as a user runs it.

Starts `ecrrepl sandbox configs/demo.yaml` (the emulator on 127.0.0.1, a free port),
takes the `export` lines it prints as a user pastes them into a shell, and on
configs/demo.yaml (which replicates into a second account reached by AssumeRole)
runs validate, route, diff, apply and diff again; then pushes an image and waits for
it to replicate (`status --wait`), and copies an image pushed before replication was
configured (`backfill`). Nothing leaves this machine.
"""

from __future__ import annotations

import os
import queue
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

import boto3

from ecrrepl.sandbox.access import pasted
from ecrrepl.sandbox.images import push_image

ROOT = Path(__file__).resolve().parent.parent
ECRREPL = str(Path(sys.executable).parent / "ecrrepl")
CONFIG = "configs/demo.yaml"
START_SECONDS = 60
# The sandbox's last line before it serves: the example push.
LAST_LINE = "aws ecr put-image"


def run(env: dict[str, str], *arguments: str, expect: tuple[int, ...] = (0,)) -> None:
    print(f"\n\033[1m$ ecrrepl {shlex.join(arguments)}\033[0m", flush=True)
    completed = subprocess.run([ECRREPL, *arguments], env=env, cwd=ROOT, check=False)
    print(f"\033[2m(exit {completed.returncode})\033[0m", flush=True)
    if completed.returncode not in expect:
        raise SystemExit(f"demo: `ecrrepl {shlex.join(arguments)}` exited {completed.returncode}")


def step(words: str) -> None:
    print(f"\n\033[1m# {words}\033[0m", flush=True)


def _machine_free_environment() -> dict[str, str]:
    """This machine's environment without any AWS setting: only the sandbox's count."""
    return {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}


def _echo_until_serving(stdout: IO[str]) -> list[str]:
    """Print the sandbox's lines as they come, up to the last one before it serves."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    printed: list[str] = []
    while (line := lines.get(timeout=START_SECONDS)) is not None:
        print(f"  {line}", flush=True)
        printed.append(line)
        if line.startswith(LAST_LINE):
            return printed
    raise SystemExit("demo: the sandbox stopped before it served")


def main() -> None:
    base = _machine_free_environment()
    print(f"\n\033[1m$ ecrrepl sandbox {CONFIG} --port 0\033[0m   (in its own shell)", flush=True)
    # Each replication reports IN_PROGRESS to two polls before it lands, as AWS would for
    # a while, so that `status --wait` has something to wait for.
    sandbox = subprocess.Popen(
        [ECRREPL, "sandbox", CONFIG, "--port", "0"],
        env={**base, "ECR_EMULATOR_IN_PROGRESS_POLLS": "2"},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        env = pasted(_echo_until_serving(sandbox.stdout), base)
        with tempfile.TemporaryDirectory() as backups:
            demo(env, backups)
    finally:
        sandbox.send_signal(signal.SIGINT)
        sandbox.wait(timeout=30)
    print(f"\nDemo complete: the sandbox stopped (exit {sandbox.returncode}).")


def demo(env: dict[str, str], backups: str) -> None:
    source = boto3.client(
        "ecr",
        region_name="us-west-2",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    run(env, "validate", CONFIG)
    run(env, "route", CONFIG, "prod/api")
    step("An image pushed before replication is configured: it will need a backfill.")
    push_image(source, "prod/web", "v1")
    run(env, "diff", CONFIG, "--exit-code", expect=(3,))
    run(env, "apply", CONFIG, "--yes", "--backup-dir", backups)
    run(env, "diff", CONFIG, "--exit-code")
    step("docker push of prod/api:v1 to 123456789012/us-west-2 (emulated)")
    push_image(source, "prod/api", "v1")
    run(env, "status", CONFIG, "--repository", "prod/api", "--tag", "v1", "--wait")
    run(env, "backfill", CONFIG, "--dry-run")
    run(env, "backfill", CONFIG, "--yes", "--wait")
    run(env, "status", CONFIG, "--repository", "prod/web", "--tag", "v1")


if __name__ == "__main__":
    main()
