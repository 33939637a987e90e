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

    Fails:
        version: 1
        accounts:
          "222222222222":
            role_arn: arn:aws:iam::222222222222:role/ecrrepl
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9,
                          b0, b1, b2, b3, b4, b5, b6, b7, b8, b9,
                          c0, c1, c2, c3, c4, c5, c6, c7, c8, c9,
                          d0, d1, d2, d3, d4, d5, d6, d7, d8, d9,
                          e0, e1, e2, e3, e4, e5, e6, e7, e8, e9,
                          f0, f1, f2, f3, f4, f5, f6, f7, f8, f9,
                          g0, g1, g2, g3, g4, g5, g6, g7, g8, g9,
                          h0, h1, h2, h3, h4, h5, h6, h7, h8, h9,
                          i0, i1, i2, i3, i4, i5, i6, i7, i8, i9,
                          j0, j1, j2, j3, j4, j5, j6, j7, j8, j9]
                destinations: [{account: "222222222222", region: ap-southeast-2}]
              - filters: [k0, k1, k2, k3, k4, k5, k6, k7, k8, k9,
                          l0, l1, l2, l3, l4, l5, l6, l7, l8, l9,
                          m0, m1, m2, m3, m4, m5, m6, m7, m8, m9,
                          n0, n1, n2, n3, n4, n5, n6, n7, n8, n9,
                          o0, o1, o2, o3, o4, o5, o6, o7, o8, o9,
                          p0, p1, p2, p3, p4, p5, p6, p7, p8, p9,
                          q0, q1, q2, q3, q4, q5, q6, q7, q8, q9,
                          r0, r1, r2, r3, r4, r5, r6, r7, r8, r9]
                destinations: [{account: "222222222222", region: ap-southeast-2}]

    Passes:
        version: 1
        accounts:
          "222222222222":
            role_arn: arn:aws:iam::222222222222:role/ecrrepl
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [team-a/, team-b/]
                destinations: [{account: "222222222222", region: ap-southeast-2}]
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

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{account: "222222222222", region: eu-west-1}]

    Passes:
        version: 1
        accounts:
          "222222222222":
            profile: dr-admin
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{account: "222222222222", region: eu-west-1}]
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
