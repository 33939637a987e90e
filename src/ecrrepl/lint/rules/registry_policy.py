"""The registry policy each cross-account destination needs from this configuration."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ecrrepl.config.model import AccountAccess, Config, RegistryAddress, SourceRegistry
from ecrrepl.limits import CHECKED
from ecrrepl.lint.registry import Report, rule
from ecrrepl.policy import MAX_POLICY_CHARS, merge_policy, policy_text, required_statements
from ecrrepl.policy_grants import merged

_REPLICATION_PERMISSIONS = (
    'ECR user guide, "Private registry permissions for replication": '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html"
)


def _first_senders(config: Config) -> dict[RegistryAddress, SourceRegistry]:
    """The first source registry that sends to each destination, in one pass: asking
    for each destination in turn would read the whole file once per destination."""
    first: dict[RegistryAddress, SourceRegistry] = {}
    for registry in config.registries:
        for replication_rule in registry.rules:
            for destination in replication_rule.destinations:
                first.setdefault(destination.address, registry)
    return first


@rule(
    "E203",
    f"generated registry policy over {MAX_POLICY_CHARS} characters for a destination registry",
    source=f"{_REPLICATION_PERMISSIONS}; {MAX_POLICY_CHARS.source} (checked {CHECKED})",
)
def registry_policy_too_large(config: Config) -> Iterator[Report]:
    """The registry policy ecrrepl writes into a destination must fit in
    {limits.MAX_REGISTRY_POLICY_CHARS} characters.

    Without `owner:`, every source registry that replicates into another account's
    registry gets one statement in that registry's policy, listing the repository ARNs
    its filters can reach (one ARN per filter prefix). With `owner:`, the statements
    are merged across source registries and accounts: one statement for the accounts
    that need the same repositories, so that 200 source registries in 50 accounts
    sending the same prefixes need one statement of 50 principals. Many filters, or
    many source registries without an owner, into one destination make that policy
    grow; PutRegistryPolicy refuses text over {limits.MAX_REGISTRY_POLICY_CHARS}
    characters, and then nothing can replicate there. The size counted here is that of
    ecrrepl's own statements alone: statements others keep in the same policy add to it.
    Set `owner:` when many registries replicate into one destination; use fewer,
    broader prefixes (here, 180 short ones from two rules) when even merged statements
    do not fit.
    """
    first_senders: dict[RegistryAddress, SourceRegistry] | None = None
    for destination, needs in required_statements(config).items():
        # What ecrrepl writes (policy_grants.written_statements), computed here per
        # destination: the merge runs only for an owner, the per-registry size first.
        statements: Sequence[Any] = needs
        if config.owner is not None:
            statements = merged(config.owner, destination, needs)
        size = _size(statements)
        if size <= MAX_POLICY_CHARS:
            continue
        if first_senders is None:
            first_senders = _first_senders(config)
        sender = first_senders.get(destination)
        if sender is None:
            continue
        patterns = sum(len(need.resources) for need in needs)
        senders = f"{len(needs)} source registr{'y' if len(needs) == 1 else 'ies'}"
        if config.owner is None:
            merged_size = _size(merged("x", destination, needs))
            advice = (
                "set `owner:` to merge the statements across source registries and "
                f"accounts (about {merged_size} characters then)"
                if merged_size <= MAX_POLICY_CHARS
                else "use fewer, broader filters: even statements merged across source "
                f"registries (`owner:`) would be about {merged_size} characters"
            )
        else:
            advice = (
                f"even merged into {len(statements)} statements; use fewer, broader "
                "filters, or fewer registries replicating there"
            )
        yield Report(
            f"the registry policy ecrrepl generates for {destination} would be {size} "
            f"characters, over the limit of {MAX_POLICY_CHARS} ({senders}, {patterns} "
            f"repository patterns); {advice}",
            sender.where,
        )


def _size(statements: Sequence[Any]) -> int:
    policy = merge_policy(None, statements, ())
    return 0 if policy is None else len(policy_text(policy))


@rule(
    "W204",
    "cross-account destination reached with the base credentials (no role_arn or profile) "
    "while its policy is managed",
    source=_REPLICATION_PERMISSIONS,
)
def unreachable_destination_account(config: Config) -> Iterator[Report]:
    """A destination account whose registry policy ecrrepl writes needs a way to reach it.

    Replication into another account needs a statement in that account's registry
    policy, and ecrrepl writes it (unless `manage_registry_policy: false`). An account
    with no `accounts` entry is reached with the base credentials, which usually belong
    to the source account: the identity check then stops `diff` and `apply` for that
    account. Say how to reach it with `role_arn` or `profile`, or set
    `manage_registry_policy: false` when another team owns that policy.
    """
    if config.unbuilt & {"file", "account"}:
        return  # the account's entry may be one that could not be built
    reported: set[str] = set()
    for registry in config.registries:
        for replication_rule in registry.rules:
            for destination in replication_rule.destinations:
                account = destination.account
                access = config.access(account)
                if (
                    account == registry.account
                    or account in reported
                    or not config.manages_policy_of(account)
                    or (access is not None and access.reached_otherwise)
                    # A role_arn or profile written but unreadable: its E004 says so.
                    or (access is not None and _unreadable_way_in(access))
                ):
                    continue
                reported.add(account)
                yield Report(
                    f"account {account} has no role_arn or profile under `accounts`, so "
                    f"ecrrepl would write the registry policy of {destination.address} with "
                    "the base credentials, which usually belong to another account; add "
                    "role_arn or profile for it under `accounts`, or manage_registry_policy: "
                    "false",
                    destination.at("account"),
                )


def _unreadable_way_in(access: AccountAccess) -> bool:
    return access.unreadable("role_arn", access.role_arn) or access.unreadable(
        "profile", access.profile
    )
