"""Settings of the replication emulator: how long replications stay in progress.

AWS replicates asynchronously ("The majority of images replicate in less than 30 minutes"),
so a tool that reports replication must cope with IN_PROGRESS. The emulator has no clock:
a replication stays in progress for a number of *polls*, the reads that report it
(DescribeImageReplicationStatus for an image's replications; DescribeReplicationBackfillResults
and ListReplicationBackfills for a backfill), and only then takes effect.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html

In-process:  `replication_settings(in_progress_polls=2)`, `reset_replication_settings()`.
Moto server: the environment variable ECR_EMULATOR_IN_PROGRESS_POLLS at start, and
`POST /ecr-emulator/settings` with `{"in_progress_polls": 2}` (see ecrrepl/sandbox/server.py).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace

IN_PROGRESS_POLLS_VARIABLE = "ECR_EMULATOR_IN_PROGRESS_POLLS"


@dataclass(frozen=True)
class ReplicationSettings:
    """`in_progress_polls`: how many polls report a replication or backfill as in progress
    before it takes effect; 0 (the default) makes it take effect at once. A replication
    keeps the value in force when it started."""

    in_progress_polls: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.in_progress_polls, bool) or not isinstance(self.in_progress_polls, int):
            raise ValueError("in_progress_polls must be a whole number")
        if self.in_progress_polls < 0:
            raise ValueError("in_progress_polls must be 0 or more")


_lock = threading.Lock()
_current = ReplicationSettings()


def replication_settings(*, in_progress_polls: int | None = None) -> ReplicationSettings:
    """Change the settings given, keep the others; returns the settings now in force."""
    global _current
    with _lock:
        if in_progress_polls is not None:
            _current = replace(_current, in_progress_polls=in_progress_polls)
        return _current


def reset_replication_settings(defaults: ReplicationSettings | None = None) -> ReplicationSettings:
    """Put the defaults (or the settings given) back in force; returns them."""
    global _current
    with _lock:
        _current = defaults or ReplicationSettings()
        return _current


def settings_from_environment(environment: Mapping[str, str]) -> ReplicationSettings:
    """The settings an environment asks for; ValueError names a bad value."""
    text = environment.get(IN_PROGRESS_POLLS_VARIABLE, "").strip()
    if not text:
        return ReplicationSettings()
    try:
        return ReplicationSettings(in_progress_polls=int(text))
    except ValueError:
        raise ValueError(
            f"{IN_PROGRESS_POLLS_VARIABLE} must be a whole number, 0 or more, not {text!r}"
        ) from None
