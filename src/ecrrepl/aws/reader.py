"""Reading the live state that a configuration touches, concurrently and exactly once.

The call budget (DESIGN.md): one DescribeRegistry per source registry, one
GetRegistryPolicy per cross-account destination registry, one template listing per
registry where the file declares templates, one repository listing (DescribeRepositories,
paginated) per destination registry, after one GetCallerIdentity per account.
Reads of different registries run in a bounded thread pool; nothing is read twice.

The destination registries are those the file sends to, plus those the live rules of
its source registries still send to when the file may manage that account's policy:
a statement that a source registry no longer needs there must be found to be removed.
The repository listing finds the destination repositories with tag immutability on,
where a replicated image whose tag already exists arrives untagged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ecrrepl.aws.convert import rules_from_api, template_from_api
from ecrrepl.aws.failures import aws_failures
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.errors import UserError
from ecrrepl.policy import parse_policy_text
from ecrrepl.state import LiveState

T = TypeVar("T")

DEFAULT_MAX_WORKERS = 16
# botocore ECR model, ImageTagMutability: the settings under which an existing tag cannot
# move to another image. ECR user guide, private image replication: "If a repository in
# the destination has tag immutability enabled and an image with the same tag exists,
# the image is replicated but without the tag."
IMMUTABLE_TAG_SETTINGS = frozenset({"IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"})


# --- single reads ----------------------------------------------------------------------


def read_replication(sessions: Sessions, address: RegistryAddress) -> tuple[ReplicationRule, ...]:
    """The replication rules of one registry (DescribeRegistry); none when it has none."""
    client = sessions.ecr(address)
    with aws_failures("DescribeRegistry", address.account, address.region):
        answer = client.describe_registry()
    return rules_from_api(answer.get("replicationConfiguration"))


def read_registry_policy(sessions: Sessions, address: RegistryAddress) -> JsonObject | None:
    """The registry policy of one registry, parsed; None when it has none."""
    client = sessions.ecr(address)
    with aws_failures("GetRegistryPolicy", address.account, address.region):
        try:
            answer = client.get_registry_policy()
        except client.exceptions.RegistryPolicyNotFoundException:
            return None
    text = answer.get("policyText")
    if not text:
        return None
    where = f"registry policy of account {address.account} region {address.region}"
    return parse_policy_text(text, where)


def read_templates(sessions: Sessions, address: RegistryAddress) -> tuple[CreationTemplate, ...]:
    """Every repository creation template of one registry, sorted by prefix."""
    client = sessions.ecr(address)
    found = []
    with aws_failures("DescribeRepositoryCreationTemplates", address.account, address.region):
        for page in client.get_paginator("describe_repository_creation_templates").paginate():
            found.extend(page.get("repositoryCreationTemplates", []))
    templates = (template_from_api(t, address.account, address.region) for t in found)
    return tuple(sorted(templates, key=lambda t: t.prefix))


def read_immutable_repositories(
    sessions: Sessions, address: RegistryAddress, prefixes: frozenset[str] | None
) -> tuple[str, ...]:
    """Sorted names of the repositories with tag immutability on in one registry, among
    those whose names start with one of `prefixes` (None: every repository)."""
    client = sessions.ecr(address)
    names = []
    with aws_failures("DescribeRepositories", address.account, address.region):
        for page in client.get_paginator("describe_repositories").paginate():
            for repository in page.get("repositories", []):
                if repository.get("imageTagMutability") not in IMMUTABLE_TAG_SETTINGS:
                    continue
                name = repository["repositoryName"]
                if prefixes is None or any(name.startswith(p) for p in prefixes):
                    names.append(name)
    return tuple(sorted(names))


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


def prefixes_sent_to(config: Config) -> dict[RegistryAddress, frozenset[str] | None]:
    """The filters of every rule that sends to each destination; None when a rule sends
    every repository there (no filters)."""
    sent: dict[RegistryAddress, frozenset[str] | None] = {}
    for registry in config.registries:
        for rule in registry.rules:
            for destination in rule.destinations:
                so_far = sent.get(destination.address, frozenset())
                if not rule.prefixes or so_far is None:
                    sent[destination.address] = None
                else:
                    sent[destination.address] = so_far | frozenset(rule.prefixes)
    return sent


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


def _results(futures: dict[RegistryAddress, Future[T]]) -> dict[RegistryAddress, T]:
    """Every result, or the first failure in address order once all have finished."""
    failures: list[tuple[RegistryAddress, UserError]] = []
    results: dict[RegistryAddress, T] = {}
    for address, future in sorted(futures.items()):
        try:
            results[address] = future.result()
        except UserError as error:
            failures.append((address, error))
    if failures:
        raise failures[0][1]
    return results


def _submit_all(
    pool: ThreadPoolExecutor,
    read: Callable[[Sessions, RegistryAddress], T],
    sessions: Sessions,
    addresses: Iterable[RegistryAddress],
) -> dict[RegistryAddress, Future[T]]:
    return {address: pool.submit(read, sessions, address) for address in addresses}


def read_state(
    config: Config, sessions: Sessions, *, max_workers: int = DEFAULT_MAX_WORKERS
) -> LiveState:
    """Everything in AWS that `config` owns or depends on, in the model's types."""
    sources = sorted(config.source_addresses)
    declared_destinations = cross_account_destinations(
        (registry.address, registry.rules) for registry in config.registries
    )
    templated = sorted({template.address for template in config.templates})
    unread = _unreachable_unmanaged(config, sessions, declared_destinations)
    declared_destinations = frozenset(a for a in declared_destinations if a not in unread)
    # Same-account destinations are in a source's account; the others were verified for
    # their policy. Registries whose policy could not be read are not listed either.
    destinations = {
        address: prefixes
        for address, prefixes in prefixes_sent_to(config).items()
        if address not in unread
    }
    sessions.verify_identities(
        {a.account for a in sources}
        | {a.account for a in declared_destinations}
        | {a.account for a in templated}
    )
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        replication_reads = _submit_all(pool, read_replication, sessions, sources)
        policy_reads = _submit_all(
            pool, read_registry_policy, sessions, sorted(declared_destinations)
        )
        template_reads = _submit_all(pool, read_templates, sessions, templated)
        immutable_reads = _submit_immutable_reads(pool, sessions, destinations)
        try:
            replication = _results(replication_reads)
            extra = _live_only_destinations(config, replication, declared_destinations)
            sessions.verify_identities(a.account for a in extra)
            policy_reads |= _submit_all(pool, read_registry_policy, sessions, sorted(extra))
            policies = _results(policy_reads)
            templates = _results(template_reads)
            immutable = _results(immutable_reads)
        except UserError:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return LiveState(
        replication=replication,
        registry_policies=policies,
        templates=templates,
        unread_policies=unread,
        immutable_repositories=immutable,
    )


def _submit_immutable_reads(
    pool: ThreadPoolExecutor,
    sessions: Sessions,
    destinations: Mapping[RegistryAddress, frozenset[str] | None],
) -> dict[RegistryAddress, Future[tuple[str, ...]]]:
    return {
        address: pool.submit(read_immutable_repositories, sessions, address, prefixes)
        for address, prefixes in sorted(destinations.items())
    }


def _unreachable_unmanaged(
    config: Config, sessions: Sessions, destinations: frozenset[RegistryAddress]
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
        problem = sessions.identities.problem_with(address.account)
        if problem is not None:
            unread[address] = problem
    return unread
