"""The identity guard: the credentials for an account must belong to that account.

A profile that points at the wrong account, or a role ARN copied from another
environment, would otherwise read or overwrite the wrong registries. Before ecrrepl
touches an account it asks STS who the credentials are, once per account and run,
and refuses the whole run on the first mismatch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from ecrrepl.aws.answers import MalformedAnswer, Node
from ecrrepl.aws.failures import describe_failure, malformed_answers
from ecrrepl.errors import UsageError, UserError

if TYPE_CHECKING:
    from ecrrepl.aws.session import Sessions

MAX_PARALLEL_CHECKS = 16


def refusal(problem: str) -> UserError:
    """The error that stops a run over an account whose credentials cannot act as it."""
    return UserError(f"{problem}; nothing was written")


class IdentityGuard:
    """Asks STS once per account and run, and remembers the answer, good or bad: a thread
    asking about an account whose check is under way waits for that check."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._outcomes: dict[str, Future[str | None]] = {}
        self._stopping: set[str] = set()
        self._lock = threading.Lock()

    def stops_the_run(self, account: str) -> bool:
        """Whether the check of `account` failed in a way that stops a read of many accounts:
        its credentials are another account's (a mistake of the setup), or STS answered
        something that is not STS's answer. An account that cannot be reached (access
        denied, STS unreachable) only leaves its own registries unread (aws/reader.py)."""
        with self._lock:
            return account in self._stopping

    def _stop(self, account: str, problem: str) -> str:
        with self._lock:
            self._stopping.add(account)
        return problem

    def verified(self) -> frozenset[str]:
        with self._lock:
            outcomes = dict(self._outcomes)
        return frozenset(
            account
            for account, outcome in outcomes.items()
            if outcome.done() and outcome.exception() is None and outcome.result() is None
        )

    def verify(self, accounts: Iterable[str]) -> None:
        """Check `accounts` in parallel; refuse with the first failure in account order."""
        ordered = sorted(set(accounts))
        with self._lock:
            unasked = [account for account in ordered if account not in self._outcomes]
        if len(unasked) > 1:
            workers = min(len(unasked), MAX_PARALLEL_CHECKS)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(self.problem_with, unasked))
        for account in ordered:
            self.require(account)

    def require(self, account: str) -> None:
        problem = self.problem_with(account)
        if problem is not None:
            raise refusal(problem)

    def problem_with(self, account: str) -> str | None:
        """Why the credentials for `account` cannot act as it, or None once verified."""
        with self._lock:
            outcome = self._outcomes.get(account)
            asking = outcome is None
            if outcome is None:
                outcome = self._outcomes[account] = Future()
        if asking:
            try:
                outcome.set_result(self._ask(account))
            except BaseException as error:
                # Not an answer but a bug: the threads waiting for this check see it too.
                outcome.set_exception(error)
                raise
        return outcome.result()

    def _ask(self, account: str) -> str | None:
        sessions = self._sessions
        try:
            access = sessions.describe_access(account)
            region = sessions.home_region(account)
            sts = sessions.sts(account)
            with malformed_answers("GetCallerIdentity", account, region):
                actual = Node(sts.get_caller_identity()).text("Account")
        except (MalformedAnswer, UsageError) as error:
            return self._stop(account, error.message)
        except UserError as error:
            return error.message
        except (ClientError, BotoCoreError) as error:
            return (
                f"the credentials for account {account} ({access}) cannot be used in "
                f"region {region}: {describe_failure(error)}"
            )
        if actual != account:
            return self._stop(
                account,
                f"credentials for account {account} belong to account {actual} ({access})",
            )
        return None
