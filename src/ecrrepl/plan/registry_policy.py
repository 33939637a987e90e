"""The registry policy of each cross-account destination: ecrrepl's statements, by Sid.

Only statements ecrrepl owns (policy.owns_statement: the Sids of the configuration's
source registries, and with `owner:` that owner's merged Sids) are compared; every
other statement is someone else's, counted as unchanged and kept byte for byte by
`policy.merge_policy`. What ecrrepl writes is policy_grants.written_statements; what
each source registry needs (for the checks of policies ecrrepl does not manage, and of
other owners' Deny statements) is policy.required_statements. Statements are compared
as IAM reads them: the order of actions, resources and principals does not matter, nor
whether a single value is written as a string or a one-element list.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ecrrepl.config.model import Config, JsonObject, RegistryAddress, SourceRegistry
from ecrrepl.plan.foreign_deny import foreign_denials
from ecrrepl.plan.model import Action, Change, PolicySection
from ecrrepl.plan.policy_merge import Pair, allowed_pairs
from ecrrepl.plan.words import join_words, resource_words, source_words
from ecrrepl.policy import (
    MAX_POLICY_CHARS,
    PolicyStatement,
    merge_policy,
    missing_grants,
    owned_sids,
    owner_sid_prefix,
    owns_statement,
    policy_text,
    required_statements,
    statement_sid,
    statements_of,
)
from ecrrepl.policy_fields import REPLICATION_ACTIONS, sid_of
from ecrrepl.policy_fields import canonical_statement as _canonical
from ecrrepl.policy_grants import Grant, written_statements
from ecrrepl.state import LiveState


def plan_registry_policies(config: Config, live: LiveState) -> tuple[PolicySection, ...]:
    required = required_statements(config)
    written = written_statements(config)
    owned = owned_sids(config)
    sources = {statement_sid(address): address for address in config.source_addresses}
    registries = set(required) | _former_destinations(config, live)
    sections = []
    for registry in sorted(registries):
        live_policy = live.registry_policies.get(registry)
        statements = required.get(registry, ())
        if config.manages_policy_of(registry.account):
            wanted = written.get(registry, ())
            sections.append(_managed(registry, live_policy, wanted, statements, owned, sources))
        elif registry in live.unread_policies:
            sections.append(_unread(registry, live.unread_policies[registry]))
        else:
            sections.append(_unmanaged(registry, live_policy, statements, config.files))
    return tuple(sections)


def _former_destinations(config: Config, live: LiveState) -> set[RegistryAddress]:
    """Cross-account registries the live rules send to, whose policies were read.

    When the file stops sending to a registry, its policy still holds the statement
    for the source, and that statement has to go.
    """
    return {
        destination.address
        for registry in config.registries
        for rule in live.replication.get(registry.address, ())
        for destination in rule.destinations
        if destination.account != registry.account and destination.address in live.registry_policies
    }


def _managed(
    registry: RegistryAddress,
    live_policy: JsonObject | None,
    wanted: Sequence[Grant],
    required: Sequence[PolicyStatement],
    owned: frozenset[str],
    sources: Mapping[str, RegistryAddress],
) -> PolicySection:
    live_statements = statements_of(live_policy)
    ours: dict[str, Mapping[str, Any]] = {}
    # (Sid, which copy: 2 for the second) of each statement that repeats a Sid.
    duplicates: list[tuple[str, int]] = []
    foreign = 0
    for statement in live_statements:
        sid = sid_of(statement)
        if not isinstance(sid, str) or not owns_statement(sid, owned):
            foreign += 1
        elif sid in ours:
            duplicates.append((sid, 2 + sum(1 for seen, _ in duplicates if seen == sid)))
        else:
            ours[sid] = statement

    changes: list[Change] = []
    unchanged = foreign
    granted_now = _pairs(ours.values())
    granted_then = _pairs(grant.as_json() for grant in wanted)
    for grant in wanted:
        current = ours.get(grant.sid)
        if current is None:
            changes.append(_added(grant, granted_now))
        elif _canonical(current) != _canonical(grant.as_json()):
            changes.append(_changed(grant, current))
        else:
            unchanged += 1
    wanted_sids = {grant.sid for grant in wanted}
    for sid, statement in ours.items():
        if sid not in wanted_sids:
            changes.append(_removed(sid, statement, sources.get(sid), granted_then))
    for sid, copy in duplicates:
        changes.append(
            Change(
                Action.REMOVE,
                f"statement {sid} (a second copy)",
                ("a Sid must be unique in a policy; the copy goes",),
                ("the one statement ecrrepl keeps under this Sid decides what is allowed",),
                # The copy's own key: plan.documents addresses it apart from the first.
                key=f"{sid}#{copy}",
            )
        )

    merged = merge_policy(live_policy, wanted, owned)
    denials = foreign_denials(registry, live_policy, required, owned)
    errors = list(denials.errors)
    if changes and merged is not None:
        size = len(policy_text(merged))
        if size > MAX_POLICY_CHARS:
            errors.append(
                f"the registry policy of {registry} would be {size} characters, over the "
                f"{MAX_POLICY_CHARS} that ECR accepts; fewer or broader filters in the rules "
                f"that replicate into it make it shorter"
            )
    return PolicySection(
        registry=registry,
        managed=True,
        policy=merged,
        changes=tuple(changes),
        unchanged=unchanged,
        warnings=denials.warnings,
        errors=tuple(errors),
        denials=denials.errors,
    )


def _unmanaged(
    registry: RegistryAddress,
    live_policy: JsonObject | None,
    required: Sequence[PolicyStatement],
    files: Sequence[str],
) -> PolicySection:
    # botocore ECR model, PutReplicationConfiguration: "When configuring cross-account
    # replication, the destination account must grant the source account permission to
    # replicate. This permission is controlled using a registry permissions policy"; the
    # ECR user guide lists the two actions (registry-permissions-create-replication.html,
    # see plan/foreign_deny.py); checked 2026-12-02. Replication into this registry would
    # fail, so it is an error; `apply --allow-missing-grants` accepts it when the grant is
    # coming.
    missing = tuple(
        _missing_grant_error(registry, statement, grants, files)
        for statement in required
        # A Deny is reported as an error below, with the statement that says it.
        if (grants := missing_grants(live_policy, statement, count_denies=False))
    )
    denials = foreign_denials(registry, live_policy, required)
    return PolicySection(
        registry=registry,
        managed=False,
        policy=None,
        unchanged=len(statements_of(live_policy)),
        warnings=denials.warnings,
        errors=(*missing, *denials.errors),
        denials=denials.errors,
        missing_grants=missing,
    )


def _missing_grant_error(
    registry: RegistryAddress,
    statement: PolicyStatement,
    grants: Sequence[str],
    files: Sequence[str],
) -> str:
    command = shlex.join(
        ["ecrrepl", "policy", *files, "--account", registry.account, "--region", registry.region]
    )
    return (
        f"replication from {statement.source} to {registry} will fail: {'; '.join(grants)}. "
        f"Account {registry.account} has manage_registry_policy: false, so its owners must add "
        f"statement {statement.sid} (Allow {statement.principal} "
        f"{' and '.join(REPLICATION_ACTIONS)}) to the registry policy in {registry.region}; "
        f"`{command}` prints it"
    )


def leftover_grant_warnings(
    registry: SourceRegistry, live: LiveState, owner: str | None = None
) -> tuple[str, ...]:
    """Destinations the live rules still send to, in accounts the file no longer names:
    their policy was not read, so the statement granting this registry cannot be removed."""
    statement = (
        f"statement {statement_sid(registry.address)}"
        if owner is None
        else f"a statement {owner_sid_prefix(owner)}..."
    )
    desired = {d.address for rule in registry.rules for d in rule.destinations}
    live_destinations = {
        d.address
        for rule in live.replication.get(registry.address, ())
        for d in rule.destinations
        if d.account != registry.account
    }
    return tuple(
        f"{registry.address} stops replicating to {destination}, whose registry policy may "
        f"still grant it ({statement}); ecrrepl cannot reach "
        f"account {destination.account} to remove it: name the account under `accounts` "
        "(role_arn or profile) to let ecrrepl clean it up, or remove the statement there"
        for destination in sorted(live_destinations - desired)
        if destination not in live.registry_policies and destination not in live.unread_policies
    )


def _unread(registry: RegistryAddress, reason: str) -> PolicySection:
    warning = (
        f"the registry policy of {registry} was not checked: {reason}; give account "
        f"{registry.account} a role_arn or profile under `accounts` to check it"
    )
    return PolicySection(registry=registry, managed=False, policy=None, warnings=(warning,))


# --- changes in words ------------------------------------------------------------------


def _resources(resources: Iterable[Any]) -> str:
    return join_words([resource_words(str(resource)) for resource in resources])


def _pairs(statements: Iterable[Mapping[str, Any]]) -> set[Pair]:
    return allowed_pairs(statements)


def _account_of(principal: str) -> str:
    # arn:<partition>:iam::<account>:root
    parts = principal.split(":")
    return parts[4] if len(parts) > 4 else principal


def _pair_effects(pairs: set[Pair], verb: str) -> tuple[str, ...]:
    """One sentence per set of accounts that gains (or loses) the same repositories."""
    by_account: dict[str, list[str]] = {}
    for principal, resource in sorted(pairs):
        by_account.setdefault(_account_of(principal), []).append(resource)
    accounts_of: dict[tuple[str, ...], list[str]] = {}
    for account, resources in by_account.items():
        accounts_of.setdefault(tuple(resources), []).append(account)
    return tuple(
        f"account{'s' if len(accounts) > 1 else ''} {join_words(accounts)} {verb} "
        f"{_resources(resources)} of this registry"
        for resources, accounts in accounts_of.items()
    )


def _added(grant: Grant, granted_now: set[Pair]) -> Change:
    principals = grant.principals
    if len(grant.sources) == 1 and grant.sid == statement_sid(grant.sources[0]):
        # A statement of its own for one source registry (no `owner:`).
        effects: tuple[str, ...] = (
            f"{source_words(grant.sources[0])} may now replicate into "
            f"{_resources(grant.resources)} of this registry",
        )
    else:
        effects = _pair_effects(_pairs([grant.as_json()]) - granted_now, "may now replicate into")
    if not effects:
        effects = ("allows what ecrrepl's statements already allow, merged into one",)
    return Change(
        Action.ADD,
        f"statement {grant.sid}",
        (
            f"principal{'s' if len(principals) > 1 else ''}: {', '.join(principals)}",
            f"resources: {', '.join(resource_words(r) for r in grant.resources)}",
        ),
        effects,
        key=grant.sid,
    )


def _removed(
    sid: str,
    statement: Mapping[str, Any],
    source: RegistryAddress | None,
    granted_then: set[Pair],
) -> Change:
    lost = _pairs([statement]) - granted_then
    if not lost:
        return Change(
            Action.REMOVE,
            f"statement {sid}",
            ("what it allows, ecrrepl's other statements allow",),
            ("nothing changes for replication: the statement is merged into others",),
            key=sid,
        )
    if source is not None:
        return Change(
            Action.REMOVE,
            f"statement {sid}",
            (f"the configuration no longer replicates from {source} into this registry",),
            (f"{source_words(source)} may no longer replicate into this registry",),
            key=sid,
        )
    return Change(
        Action.REMOVE,
        f"statement {sid}",
        ("the configuration's rules no longer need all it allows",),
        _pair_effects(lost, "may no longer replicate into"),
        key=sid,
    )


def _who(grant: Grant) -> str:
    if len(grant.sources) == 1:
        return source_words(grant.sources[0])
    plural = "s" if len(grant.accounts) > 1 else ""
    return f"account{plural} {join_words(list(grant.accounts))}"


def _changed(statement: Grant, current: Mapping[str, Any]) -> Change:
    desired = _canonical(statement.as_json())
    live = _canonical(current)
    wanted_resources = desired.get("Resource", [])
    live_resources = live.get("Resource", [])
    added = [r for r in wanted_resources if r not in live_resources]
    removed = [r for r in live_resources if r not in wanted_resources]
    details = [f"resource added: {resource_words(str(r))}" for r in added]
    details += [f"resource removed: {resource_words(str(r))}" for r in removed]
    effects = []
    if added:
        effects.append(
            f"{_who(statement)} may now replicate into {_resources(added)} of this registry"
        )
    if removed:
        effects.append(
            f"{_who(statement)} may no longer replicate into {_resources(removed)} of this registry"
        )
    rewritten = sorted(
        key
        for key in desired.keys() | live.keys()
        if key != "Resource" and desired.get(key) != live.get(key)
    )
    if rewritten:
        details.append(f"differs from what ecrrepl writes in: {', '.join(rewritten)}")
        effects.append("the statement is rewritten to grant exactly what replication needs")
    return Change(
        Action.CHANGE,
        f"statement {statement.sid}",
        tuple(details),
        tuple(effects),
        key=statement.sid,
    )
