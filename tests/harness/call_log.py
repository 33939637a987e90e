"""Every AWS call a command makes, with the registry or account it went to.

`record_calls(monkeypatch)` wraps ecrrepl's own `Sessions.ecr` and `Sessions.sts`, so
that each client they hand out registers a botocore `before-call` hook naming the
account and region it acts in: a command run in-process (`ecrrepl.cli.main`) then
leaves a log of (operation, account, region), one entry per call (not per retry).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import RegistryAddress

Call = tuple[str, str, str]  # operation, account, region


@dataclass
class CallLog:
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # The clients already hooked, kept alive so that their ids stay theirs.
    _hooked: dict[int, Any] = field(default_factory=dict)

    def hook(self, client: Any, account: str, region: str) -> None:
        with self._lock:
            if id(client) in self._hooked:
                return
            self._hooked[id(client)] = client

        def record(model: Any, **_: Any) -> None:
            with self._lock:
                self.calls.append((model.name, account, region))

        client.meta.events.register("before-call.*.*", record)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    @property
    def ecr_registries(self) -> set[RegistryAddress]:
        """Every registry an ECR call went to."""
        return {RegistryAddress(a, r) for op, a, r in self.calls if op != "GetCallerIdentity"}

    def of(self, operation: str) -> set[tuple[str, str]]:
        """Where `operation` was called: (account, region) pairs."""
        return {(a, r) for op, a, r in self.calls if op == operation}

    @property
    def writes(self) -> set[Call]:
        reads = ("Describe", "Get", "List")
        return {call for call in self.calls if not call[0].startswith(reads)}


def record_calls(monkeypatch: pytest.MonkeyPatch) -> CallLog:
    log = CallLog()
    original_ecr: Callable[..., Any] = Sessions.ecr
    original_sts: Callable[..., Any] = Sessions.sts

    def ecr(self: Sessions, address: RegistryAddress) -> Any:
        client = original_ecr(self, address)
        log.hook(client, address.account, address.region)
        return client

    def sts(self: Sessions, account: str) -> Any:
        client = original_sts(self, account)
        log.hook(client, account, self.home_region(account))
        return client

    monkeypatch.setattr(Sessions, "ecr", ecr)
    monkeypatch.setattr(Sessions, "sts", sts)
    return log
