"""Reading the live state that a configuration touches, concurrently and exactly once.

The call budget (docs/architecture.md, "Budgets"): one DescribeRegistry per source registry, one
GetRegistryPolicy per cross-account destination registry, one template listing per
registry where the file declares templates, one repository listing (DescribeRepositories,
paginated) per destination registry, after one GetCallerIdentity per account.
Reads of different registries run in a bounded thread pool, at most
MAX_READS_PER_ACCOUNT of one account at once; nothing is read twice. An account's reads
start as soon as its own identity is confirmed, while the checks of the other accounts
are still under way.

A registry that cannot be read (its account's identity check failed, access refused, an
opt-in region not enabled, an endpoint down) does not stop the others: the state names
it with the reason (LiveState.unreadable), the plan carries an error for it, and `apply`
writes nothing. Only when no registry at all could be read does the first reason, in
address order, end the run as one line.

The destination registries are those the file sends to, plus those the live rules of
its source registries still send to when the file may manage that account's policy:
a statement that a source registry no longer needs there must be found to be removed.
The repository listing finds the destination repositories where some tags are
immutable (any setting but MUTABLE), where a replicated image under such a tag that
already exists arrives untagged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from ecrrepl.aws.answers import AnswerProblem, Node
from ecrrepl.aws.collector import fewer_collections
from ecrrepl.aws.convert import rules_from_api, template_from_api
from ecrrepl.aws.failures import AwsCallFailed, aws_failures
from ecrrepl.aws.identity import refusal
from ecrrepl.aws.pages import pages
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
    prefixes_sent_to,
    replicates,
)
from ecrrepl.errors import UserError
from ecrrepl.policy import parse_policy_text
from ecrrepl.state import LiveState, TagImmutability
from ecrrepl.tag_mutability import MUTABLE, keeps_some_tags

T = TypeVar("T")

# Each read is one call or a few, mostly spent waiting on AWS; 32 overlap the waits
# of a 40-registry file with the CPU work of creating clients (scripts/bench_diff.py).
DEFAULT_MAX_WORKERS = 32
# At most this many reads of one account at once, whatever the pool's size. ECR's request
# rates are quotas of an account in a region; the ECR quotas page gives rates for the image
# push and pull actions only, none for the registry-level reads made here (ECR user guide,
# "Amazon ECR service quotas",
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html, checked
# 2026-12-02). So the bound is a choice: a quarter of the pool, and throttling beyond it
# is left to botocore's adaptive retry mode (session.RETRIES).
MAX_READS_PER_ACCOUNT = 8


# --- single reads ----------------------------------------------------------------------


def read_replication(sessions: Sessions, address: RegistryAddress) -> tuple[ReplicationRule, ...]:
    """The replication rules of one registry (DescribeRegistry); none when it has none."""
    client = sessions.ecr(address)
    with aws_failures("DescribeRegistry", address.account, address.region):
        answer = _of_registry(Node(client.describe_registry()), address)
        configuration = answer.optional("replicationConfiguration")
        return rules_from_api(None if configuration is None else configuration.value)


def read_registry_policy(sessions: Sessions, address: RegistryAddress) -> JsonObject | None:
    """The registry policy of one registry, parsed; None when it has none."""
    client = sessions.ecr(address)
    with aws_failures("GetRegistryPolicy", address.account, address.region):
        try:
            answer = _of_registry(Node(client.get_registry_policy()), address)
        except client.exceptions.RegistryPolicyNotFoundException:
            return None
        # A registry without a policy is RegistryPolicyNotFoundException (botocore ECR
        # model, GetRegistryPolicy errors; checked 2026-12-02). A success without the text
        # is no answer: read as "no policy", apply would put a policy without the
        # statements of other owners.
        text = answer.text("policyText")
    where = (
        f"registry policy that GetRegistryPolicy returned in account {address.account} "
        f"region {address.region}"
    )
    return parse_policy_text(text, where)


def read_templates(sessions: Sessions, address: RegistryAddress) -> tuple[CreationTemplate, ...]:
    """Every repository creation template of one registry, sorted by prefix."""
    client = sessions.ecr(address)
    templates: list[CreationTemplate] = []
    with aws_failures("DescribeRepositoryCreationTemplates", address.account, address.region):
        for page in pages(client, "describe_repository_creation_templates"):
            templates.extend(
                template_from_api(template, address.account, address.region)
                for template in page.items("repositoryCreationTemplates")
            )
    return tuple(sorted(templates, key=lambda t: t.prefix))


def read_immutable_repositories(
    sessions: Sessions, address: RegistryAddress, prefixes: frozenset[str] | None
) -> tuple[TagImmutability, ...]:
    """The repositories of one registry where some tags are immutable, sorted by name,
    among those whose names start with one of `prefixes` (None: every repository).

    botocore ECR model, Repository: `imageTagMutability` (absent: MUTABLE, the default)
    and `imageTagMutabilityExclusionFilters`, a list of {filterType, filter} (checked
    2026-12-02).
    """
    client = sessions.ecr(address)
    found = []
    with aws_failures("DescribeRepositories", address.account, address.region):
        for page in pages(client, "describe_repositories"):
            for repository in page.items("repositories"):
                mutability = repository.optional_text("imageTagMutability") or MUTABLE
                filters = tuple(
                    f.text("filter") for f in repository.items("imageTagMutabilityExclusionFilters")
                )
                if not keeps_some_tags(mutability, filters):
                    continue
                name = repository.text("repositoryName")
                if replicates(name, prefixes):
                    found.append(TagImmutability(name, mutability, filters))
    return tuple(sorted(found))


def _of_registry(answer: Node, address: RegistryAddress) -> Node:
    """The answer, once its `registryId` (when given) is the registry asked about."""
    registry_id = answer.optional_text("registryId")
    if registry_id is not None and registry_id != address.account:
        raise AnswerProblem(f"registryId is {registry_id!r}, not the account asked about")
    return answer


# --- what a configuration reaches --------------------------------------------------------


def cross_account_destinations(
    sources: Iterable[tuple[RegistryAddress, Iterable[ReplicationRule]]],
) -> frozenset[RegistryAddress]:
    """Destination registries in another account than the source that sends there."""
    return frozenset(
        destination.address
        for source, rules in sources
        for rule in rules
        for destination in rule.destinations
        if destination.account != source.account
    )


def _accounts_known_to(config: Config) -> frozenset[str]:
    """Accounts the file says something about, so ecrrepl knows how it may reach them."""
    known = set(config.accounts)
    for registry in config.registries:
        known.add(registry.account)
        known.update(d.account for rule in registry.rules for d in rule.destinations)
    known.update(template.account for template in config.templates)
    return frozenset(known)


def _live_only_destinations(
    config: Config,
    replication: dict[RegistryAddress, tuple[ReplicationRule, ...]],
    already: frozenset[RegistryAddress],
) -> frozenset[RegistryAddress]:
    live = cross_account_destinations(replication.items())
    known = _accounts_known_to(config)
    return frozenset(
        address
        for address in live - already
        if address.account in known and config.manages_policy_of(address.account)
    )


# --- the whole state -------------------------------------------------------------------


class _AccountNotVerified(Exception):
    """A read skipped because its account's identity check failed; the check reports it."""


def _when_verified(
    check: Future[str | None], read: Callable[[], T], bound: threading.BoundedSemaphore
) -> T:
    if check.result() is not None:
        raise _AccountNotVerified
    with bound:
        return read()


def _refuse_wrong_identities(
    sessions: Sessions, checks: Mapping[str, Future[str | None]]
) -> None:
    """The first account, in account order, whose check stops the run (credentials of
    another account, an answer that is not STS's), as the identity guard refuses it."""
    for account, check in sorted(checks.items()):
        problem = check.result()
        if problem is not None and sessions.identities.stops_the_run(account):
            raise refusal(problem)


class _Unreadable:
    """The registries that could not be read, each with the first reason found.

    One account or region that cannot be read (access refused, an opt-in region not
    enabled, an endpoint down: AwsCallFailed) leaves the others to be read and planned.
    Every other error stops the run: a usage error (an endpoint URL botocore refuses) is
    no reason of one registry, an answer that is not AWS's (a proxy's page, a policy that
    is not JSON) puts every answer in doubt, and credentials of another account than the
    file says are a mistake of the setup (the identity guard).
    """

    def __init__(self, checks: Mapping[str, Future[str | None]]) -> None:
        self._checks = checks
        self.reasons: dict[RegistryAddress, str] = {}
        self.first_error: UserError | None = None

    def results(self, futures: dict[RegistryAddress, Future[T]]) -> dict[RegistryAddress, T]:
        """The result of every read that succeeded, once all have finished."""
        results: dict[RegistryAddress, T] = {}
        for address, future in sorted(futures.items()):
            try:
                results[address] = future.result()
            except _AccountNotVerified:
                problem = self._checks[address.account].result() or "identity not confirmed"
                self._note(address, problem, refusal(problem))
            except AwsCallFailed as error:
                self._note(address, error.message, error)
        return results

    def _note(self, address: RegistryAddress, reason: str, error: UserError) -> None:
        self.reasons.setdefault(address, reason)
        if self.first_error is None:
            self.first_error = error

    def refuse_if_nothing_read(self, addresses: Iterable[RegistryAddress]) -> None:
        """When no registry at all could be read, the first reason is the one line."""
        if self.first_error is not None and set(addresses) <= self.reasons.keys():
            raise self.first_error


class _Reads:
    """Reads in one pool, each starting as soon as its own account's identity is
    confirmed. Checks are submitted ahead of the reads that wait for them, so a worker
    never waits for a check that no worker has taken."""

    def __init__(self, pool: ThreadPoolExecutor, sessions: Sessions, per_account: int) -> None:
        self._pool = pool
        self._sessions = sessions
        self._per_account = per_account
        self._bounds: dict[str, threading.BoundedSemaphore] = {}
        self.checks: dict[str, Future[str | None]] = {}

    def check(self, accounts: Iterable[str]) -> None:
        for account in sorted(set(accounts) - self.checks.keys()):
            self.checks[account] = self._pool.submit(
                self._sessions.identities.problem_with, account
            )

    def checks_of(self, accounts: Iterable[str]) -> dict[str, Future[str | None]]:
        return {account: self.checks[account] for account in accounts}

    def submit(
        self, read: Callable[[Sessions, RegistryAddress], T], addresses: Iterable[RegistryAddress]
    ) -> dict[RegistryAddress, Future[T]]:
        return {
            address: self.submit_one(address, partial(read, self._sessions, address))
            for address in _interleaved(addresses)
        }

    def submit_one(self, address: RegistryAddress, read: Callable[[], T]) -> Future[T]:
        self.check([address.account])
        bound = self._bounds.setdefault(
            address.account, threading.BoundedSemaphore(self._per_account)
        )
        return self._pool.submit(_when_verified, self.checks[address.account], read, bound)


def _interleaved(addresses: Iterable[RegistryAddress]) -> list[RegistryAddress]:
    """Region by region, so that the reads next to each other in the pool's queue are of
    different accounts and rarely wait for their account's bound."""
    return sorted(addresses, key=lambda address: (address.region, address.account))


def read_state(
    config: Config, sessions: Sessions, *, max_workers: int = DEFAULT_MAX_WORKERS
) -> LiveState:
    """Everything in AWS that `config` owns or depends on, in the model's types."""
    sources = sorted(config.source_addresses)
    declared_destinations = cross_account_destinations(
        (registry.address, registry.rules) for registry in config.registries
    )
    templated = sorted({template.address for template in config.templates})
    # Credentials of another account stop the run in every account ecrrepl may write to;
    # in one whose policy the file leaves alone, they only leave its destinations unread.
    # An account that cannot be reached at all leaves its registries unreadable.
    required = (
        {a.account for a in sources}
        | {a.account for a in declared_destinations if config.manages_policy_of(a.account)}
        | {a.account for a in templated}
    )
    with fewer_collections(), ThreadPoolExecutor(max_workers=max_workers) as pool:
        reads = _Reads(pool, sessions, MAX_READS_PER_ACCOUNT)
        reads.check(required | {a.account for a in declared_destinations})
        replication_reads = reads.submit(read_replication, sources)
        policy_reads = reads.submit(read_registry_policy, sorted(declared_destinations))
        template_reads = reads.submit(read_templates, templated)
        immutable_reads = {
            address: reads.submit_one(
                address, partial(read_immutable_repositories, sessions, address, prefixes)
            )
            for address, prefixes in sorted(prefixes_sent_to(config.registries).items())
        }
        unreadable = _Unreadable(reads.checks)
        try:
            _refuse_wrong_identities(sessions, reads.checks_of(required))
            unread = _unreachable_unmanaged(config, reads.checks, declared_destinations)
            for address in unread:
                policy_reads.pop(address)
                immutable_reads.pop(address, None)
            replication = unreadable.results(replication_reads)
            extra = _live_only_destinations(
                config, replication, declared_destinations - unread.keys()
            )
            extra_accounts = {a.account for a in extra}
            reads.check(extra_accounts)
            policy_reads |= reads.submit(read_registry_policy, sorted(extra))
            _refuse_wrong_identities(sessions, reads.checks_of(extra_accounts))
            policies = unreadable.results(policy_reads)
            templates = unreadable.results(template_reads)
            immutable = unreadable.results(immutable_reads)
        except UserError:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    unreadable.refuse_if_nothing_read(
        [*replication_reads, *policy_reads, *template_reads, *immutable_reads]
    )
    return LiveState(
        replication=replication,
        registry_policies=policies,
        templates=templates,
        unread_policies=unread,
        immutable_repositories=immutable,
        unreadable=unreadable.reasons,
    )


def _unreachable_unmanaged(
    config: Config,
    checks: Mapping[str, Future[str | None]],
    destinations: frozenset[RegistryAddress],
) -> dict[RegistryAddress, str]:
    """Destinations whose policy ecrrepl only checks, in accounts it cannot reach.

    ecrrepl never writes to an account with `manage_registry_policy: false`, so a wrong
    identity there is no reason to refuse the run: the check is skipped and the plan
    says why. Accounts it writes to still stop the run (the identity guard).
    """
    unread: dict[RegistryAddress, str] = {}
    for address in sorted(destinations):
        if config.manages_policy_of(address.account):
            continue
        problem = checks[address.account].result()
        if problem is not None:
            unread[address] = problem
    return unread
