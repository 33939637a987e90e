"""Stand-ins for ecrrepl's Sessions: one whose clients record the calls they make, and
one with a single ECR client answered by botocore's Stubber."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
from botocore.stub import Stubber

from ecrrepl.aws.session import ClientSource, Sessions
from ecrrepl.config.model import RegistryAddress

Hook = tuple[str, Callable[..., Any]]


class ObservedSessions(Sessions):
    """Sessions whose every client records the API calls it makes (once per call, not
    per retry) and carries `hooks`, event handlers registered ahead of moto's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []
        self.hooks: list[Hook] = []
        self._record_lock = threading.Lock()

    def _new_client(self, source: ClientSource, service: str, region: str) -> Any:
        client = super()._new_client(source, service, region)
        client.meta.events.register("before-call.*.*", self._record)
        for event, handler in self.hooks:
            client.meta.events.register_first(event, handler)
        return client

    def _record(self, model: Any, **kwargs: Any) -> None:
        with self._record_lock:
            self.calls.append(model.name)

    def counts(self) -> Counter[str]:
        with self._record_lock:
            return Counter(self.calls)


class StubbedSessions:
    """Just enough of Sessions: the one ECR client, stubbed."""

    def __init__(self, region: str = "us-west-2") -> None:
        self.client = boto3.client(
            "ecr",
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.stubber = Stubber(self.client)

    def ecr(self, address: RegistryAddress) -> Any:
        return self.client
