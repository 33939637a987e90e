"""Retries of a shared client, kept apart per account.

botocore keeps the state of its retries per client: standard mode's retry quota, and
adaptive mode's client-side rate limiter, which starts slowing every request of the
client once one is throttled. AWS advises against adaptive mode for a client that
serves several tenants: "throttling or outages associated with one resource will
result in increased latency and failures when accessing all other resources via the
same client" (AWS SDK for Java, RetryMode.ADAPTIVE,
https://docs.aws.amazon.com/AWSJavaSDK/latest/javadoc/com/amazonaws/retry/RetryMode.html;
the AWS SDKs and Tools reference guide,
"Retry behavior": adaptive mode "is not recommended for multi-tenant applications,
unless you take care to isolate application tenants",
https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html, checked
2026-12-02). ECR's request quotas are an account's in a region (ECR user guide, "Amazon
ECR service quotas", as reader.py cites it), so a client shared by
accounts (aws/acting.py) keeps that state per account: it is created in standard mode,
its client-wide retry handler is replaced, and each account gets botocore's own
standard retry handler and adaptive rate limiter, built for it on its first call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from botocore.retries import adaptive, standard

from ecrrepl.aws import acting

Handler = Callable[..., Any]


class _Kept:
    """Stands in for a client while botocore's retry handlers register, and keeps them."""

    def __init__(self, service_model: Any) -> None:
        self.meta = SimpleNamespace(service_model=service_model, events=self)
        self.handlers: dict[str, Handler] = {}

    def register(self, event_name: str, handler: Handler, unique_id: str | None = None) -> None:
        self.handlers[event_name] = handler


class AccountRetries:
    """The retry handler and rate limiter of each account a shared client acts as."""

    def __init__(self, client: Any, max_attempts: int) -> None:
        self._service_model = client.meta.service_model
        self._max_attempts = max_attempts
        service = self._service_model.service_id.hyphenize()
        # The events botocore's standard and adaptive modes hook (botocore/retries/).
        self._events = (
            f"needs-retry.{service}",
            f"after-call.{service}",
            "before-send",
            "needs-retry",
        )
        self._lock = threading.Lock()
        self._accounts: dict[str, dict[str, Handler]] = {}
        events = client.meta.events
        # The client-wide handler of standard mode (registered under this id by
        # botocore.retries.standard.register_retry_handler) gives way to the account's.
        unique_id = f"retry-config-{service}"
        events.unregister(self._events[0], unique_id=unique_id)
        events.register(self._events[0], self._dispatch(self._events[0]), unique_id=unique_id)
        for event in self._events[1:]:
            events.register(event, self._dispatch(event))

    def _dispatch(self, event: str) -> Handler:
        def handle(**kwargs: Any) -> Any:
            return self._handlers(acting.current().account)[event](**kwargs)

        return handle

    def _handlers(self, account: str) -> dict[str, Handler]:
        # Read without the lock on every call: a dict's get is atomic, and an account's
        # handlers, once there, never change.
        found = self._accounts.get(account)
        if found is not None:
            return found
        with self._lock:
            found = self._accounts.get(account)
            if found is None:
                kept: Any = _Kept(self._service_model)
                standard.register_retry_handler(kept, max_attempts=self._max_attempts)
                adaptive.register_retry_handler(kept)
                found = self._accounts[account] = kept.handlers
            return found

    def limiter_of(self, account: str) -> Any:
        """`account`'s adaptive rate limiter (botocore's ClientRateLimiter)."""
        return getattr(self._handlers(account)["before-send"], "__self__", None)
