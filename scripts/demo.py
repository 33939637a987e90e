"""`make demo`: the main job of ecrrepl against a local AWS emulator, as a user runs it.

Starts a moto server on 127.0.0.1 (a free port) with ECR replication emulated, points
the installed `ecrrepl` at it through AWS_ENDPOINT_URL with fake credentials, and on
configs/demo.yaml (which replicates into a second account reached by AssumeRole)
runs validate, route, diff, apply and diff again; then pushes an image and waits for
it to replicate (`status --wait`), and copies an image pushed before replication was
configured (`backfill`). Nothing leaves this machine.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import boto3  # noqa: E402

from harness.images import push_image  # noqa: E402
from harness.server import moto_server  # noqa: E402

ECRREPL = str(Path(sys.executable).parent / "ecrrepl")
CONFIG = "configs/demo.yaml"


def run(env: dict[str, str], *arguments: str, expect: tuple[int, ...] = (0,)) -> None:
    print(f"\n\033[1m$ ecrrepl {shlex.join(arguments)}\033[0m", flush=True)
    completed = subprocess.run([ECRREPL, *arguments], env=env, cwd=ROOT, check=False)
    print(f"\033[2m(exit {completed.returncode})\033[0m", flush=True)
    if completed.returncode not in expect:
        raise SystemExit(f"demo: `ecrrepl {shlex.join(arguments)}` exited {completed.returncode}")


def step(words: str) -> None:
    print(f"\n\033[1m# {words}\033[0m", flush=True)


def main() -> None:
    print("Starting a local AWS emulator (moto) on 127.0.0.1 ...", flush=True)
    # Each replication reports IN_PROGRESS to two polls before it lands, as AWS would for
    # a while, so that `status --wait` has something to wait for.
    with moto_server(in_progress_polls=2) as endpoint, tempfile.TemporaryDirectory() as backups:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("AWS_") or key == "AWS_CONFIG_FILE"
        }
        env.update(
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="demo",
            AWS_SECRET_ACCESS_KEY="demo",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        print(f"Emulator at {endpoint}; ecrrepl reaches it through AWS_ENDPOINT_URL.")
        source = boto3.client(
            "ecr",
            region_name="us-west-2",
            endpoint_url=endpoint,
            aws_access_key_id="demo",
            aws_secret_access_key="demo",
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
    print("\nDemo complete: the emulator is stopped.")


if __name__ == "__main__":
    main()
