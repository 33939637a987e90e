"""Reading what `export` adopts: every registry of many accounts, concurrently, all or nothing.

Each account's identity is checked first (`aws/identity.py`: the role assumed, or the
profile or base credentials, must act as that account); its reads start as soon as its
own check has passed, in one bounded pool. Then the registry policy of every
cross-account destination that lies in an adopted account is read, in whatever region
it is: export decides from it whether the file may manage that account's policies.

Any failure (an account that cannot be reached, a read refused) stops the whole
export: the first failure in account order for the checks, in address order for the
reads, is reported and nothing is written. A file meant to be applied must not
silently miss an account, since `rules: []` for a registry it lists would clear it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from ecrrepl import regions
from ecrrepl.adoption import AdoptedState
from ecrrepl.aws.identity import refusal
from ecrrepl.aws.reader import (
    DEFAULT_MAX_WORKERS,
    cross_account_destinations,
    read_registry_policy,
    read_replication,
    read_templates,
)
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import UserError

T = TypeVar("T")


class _Unverified(Exception):
    """A read skipped because its account's identity check failed; the check reports it."""


def _when_verified(check: Future[str | None], read: Callable[[], T]) -> T:
    if check.result() is not None:
        raise _Unverified
    return read()


def _refuse_first_problem(checks: Mapping[str, Future[str | None]]) -> None:
    for _, check in sorted(checks.items()):
        problem = check.result()
        if problem is not None:
            raise refusal(problem)


def _results(futures: Mapping[RegistryAddress, Future[T]]) -> dict[RegistryAddress, T]:
    """Every result in the order asked for, or the first failure in address order."""
    failures: dict[RegistryAddress, UserError] = {}
    results: dict[RegistryAddress, T] = {}
    for address, future in futures.items():
        try:
            results[address] = future.result()
        except UserError as error:
            failures[address] = error
    if failures:
        raise failures[min(failures)]
    return results


def adopted_registries(
    accounts: Sequence[str], region_names: Sequence[str]
) -> tuple[RegistryAddress, ...]:
    """Every registry export lists: each account in each region, in the order given."""
    return tuple(
        RegistryAddress(account, region) for account in accounts for region in region_names
    )


def read_adopted(
    sessions: Sessions,
    accounts: Sequence[str],
    region_names: Sequence[str],
    *,
    max_workers: int = DEFAULT_MAX_WORKERS,
) -> AdoptedState:
    """The replication rules and templates of every registry of `accounts` in
    `region_names`, and the registry policies of their destinations in those accounts."""
    registries = adopted_registries(accounts, region_names)
    adopted = frozenset(accounts)
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        # Checks first: a read that waits for its check never waits for an untaken one.
        checks = {
            account: pool.submit(sessions.identities.problem_with, account)
            for account in sorted(adopted)
        }

        def submit(
            read: Callable[[Sessions, RegistryAddress], T], addresses: Iterable[RegistryAddress]
        ) -> dict[RegistryAddress, Future[T]]:
            return {
                address: pool.submit(
                    _when_verified, checks[address.account], partial(read, sessions, address)
                )
                for address in addresses
            }

        try:
            replication_reads = submit(read_replication, registries)
            template_reads = submit(
                read_templates, [a for a in registries if regions.offers_templates(a.region)]
            )
            _refuse_first_problem(checks)
            replication = _results(replication_reads)
            destinations = sorted(
                address
                for address in cross_account_destinations(replication.items())
                if address.account in adopted
            )
            policies = _results(submit(read_registry_policy, destinations))
            templates = _results(template_reads)
        except UserError:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return AdoptedState(replication=replication, templates=templates, registry_policies=policies)
