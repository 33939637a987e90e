"""Calling the emulator the way the gap tests do: moto's own answers, as error lines,
and what stock moto does, observed in a fresh interpreter the harness never patched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError


def ecr_client(region: str = "us-west-2") -> Any:
    """A client of moto's default account (the base fake keys)."""
    return boto3.client("ecr", region_name=region)


def error_of(call: Any) -> str:
    """`Code: Message` of the ClientError that `call()` must raise."""
    with pytest.raises(ClientError) as raised:
        call()
    details = raised.value.response["Error"]
    return f"{details['Code']}: {details['Message']}"


def stock_moto_answers(probe: str, cwd: Path | None = None) -> dict[str, Any]:
    """Run `probe` (Python that prints one JSON line last) without the suite's patches,
    settings or endpoint: what unpatched moto does."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MOTO_ACCOUNT_ID")}
    env |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    env.pop("AWS_ENDPOINT_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=True,
    )
    observed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return observed
