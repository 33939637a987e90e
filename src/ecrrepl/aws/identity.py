"""The identity guard: the credentials for an account must belong to that account.

A profile that points at the wrong account, or a role ARN copied from another
environment, would otherwise read or overwrite the wrong registries. Before ecrrepl
touches an account it asks STS who the credentials are, once per account and run,
and refuses the whole run on the first mismatch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from ecrrepl.aws.failures import describe_failure
from ecrrepl.errors import UserError

if TYPE_CHECKING:
    from ecrrepl.aws.session import Sessions

MAX_PARALLEL_CHECKS = 16


class IdentityGuard:
    """Remembers which accounts were verified, so GetCallerIdentity runs once each."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._verified: set[str] = set()
        self._lock = threading.Lock()

    def verified(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._verified)

    def verify(self, accounts: Iterable[str]) -> None:
        with self._lock:
            pending = sorted(set(accounts) - self._verified)
        if not pending:
            return
        workers = min(len(pending), MAX_PARALLEL_CHECKS)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(self._check_or_error, pending))
        failures = [error for error in outcomes if error is not None]
        if failures:
            # Several accounts may fail at once; the first in account order is reported.
            raise failures[0]

    def _check_or_error(self, account: str) -> UserError | None:
        try:
            self._check(account)
        except UserError as error:
            return error
        return None

    def _check(self, account: str) -> None:
        problem = self.problem_with(account)
        if problem is not None:
            raise UserError(f"{problem}; nothing was read or written")

    def problem_with(self, account: str) -> str | None:
        """Why the credentials for `account` cannot act as it, or None once verified."""
        with self._lock:
            if account in self._verified:
                return None
        sessions = self._sessions
        try:
            access = sessions.describe_access(account)
            region = sessions.home_region(account)
            sts = sessions.sts(account)
            actual = sts.get_caller_identity()["Account"]
        except UserError as error:
            return error.message
        except (ClientError, BotoCoreError) as error:
            return (
                f"the credentials for account {account} ({access}) cannot be used in "
                f"region {region}: {describe_failure(error)}"
            )
        if actual != account:
            return f"credentials for account {account} belong to account {actual} ({access})"
        with self._lock:
            self._verified.add(account)
        return None
