"""Registry policy statements for the tests, one line each: who, may do what, on what."""

from __future__ import annotations

import json
from typing import Any

Registry = tuple[str, str]  # (account, region), as RegistryAddress and harness/lab.py


def root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def repositories(registry: Registry, pattern: str = "*") -> str:
    """The ARN of the repositories of `registry` that `pattern` matches."""
    account, region = registry
    return f"arn:aws:ecr:{region}:{account}:repository/{pattern}"


def statement(
    sid: str,
    principal: str | list[str],
    action: str | list[str],
    resource: Any,
    effect: str = "Allow",
) -> dict[str, Any]:
    """A statement with its keys in the order ecrrepl and the console write them."""
    return {
        "Sid": sid,
        "Effect": effect,
        "Principal": {"AWS": principal},
        "Action": action,
        "Resource": resource,
    }


def policy_of(*statements: dict[str, Any]) -> str:
    """A registry policy text holding these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
