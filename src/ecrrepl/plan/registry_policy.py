"""The registry policy of each cross-account destination: ecrrepl's statements, by Sid.

Only statements whose Sid belongs to a source registry of the configuration are
compared; every other statement is someone else's, counted as unchanged and kept
byte for byte by `policy.merge_policy`. Statements are compared as IAM reads them:
the order of actions, resources and principals does not matter, nor whether a single
value is written as a string or a one-element list.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ecrrepl.config.model import Config, JsonObject, RegistryAddress, SourceRegistry
from ecrrepl.plan.foreign_deny import foreign_denials
from ecrrepl.plan.model import Action, Change, PolicySection
from ecrrepl.plan.policy_merge import canonical_statement as _canonical
from ecrrepl.plan.words import join_words, resource_words, source_words
from ecrrepl.policy import (
    MAX_POLICY_CHARS,
    REPLICATION_ACTIONS,
    PolicyStatement,
    merge_policy,
    missing_grants,
    owned_sids,
    owns_statement,
    policy_text,
    required_statements,
    statement_sid,
    statements_of,
)
from ecrrepl.state import LiveState


def plan_registry_policies(config: Config, live: LiveState) -> tuple[PolicySection, ...]:
    required = required_statements(config)
    owned = owned_sids(config)
    sources = {statement_sid(address): address for address in config.source_addresses}
    registries = set(required) | _former_destinations(config, live)
    sections = []
    for registry in sorted(registries):
        live_policy = live.registry_policies.get(registry)
        statements = required.get(registry, ())
        if config.manages_policy_of(registry.account):
            sections.append(_managed(registry, live_policy, statements, owned, sources))
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
        sid = statement.get("Sid") if isinstance(statement, Mapping) else None
        if not isinstance(sid, str) or not owns_statement(sid, owned):
            foreign += 1
        elif sid in ours:
            duplicates.append((sid, 2 + sum(1 for seen, _ in duplicates if seen == sid)))
        else:
            ours[sid] = statement

    changes: list[Change] = []
    unchanged = foreign
    wanted = {statement.sid for statement in required}
    for statement in required:
        current = ours.get(statement.sid)
        if current is None:
            changes.append(_added(statement))
        elif _canonical(current) != _canonical(statement.as_json()):
            changes.append(_changed(statement, current))
        else:
            unchanged += 1
    for sid in ours:
        if sid not in wanted:
            changes.append(_removed(sid, sources[sid]))
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

    merged = merge_policy(live_policy, required, owned)
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


def leftover_grant_warnings(registry: SourceRegistry, live: LiveState) -> tuple[str, ...]:
    """Destinations the live rules still send to, in accounts the file no longer names:
    their policy was not read, so the statement granting this registry cannot be removed."""
    desired = {d.address for rule in registry.rules for d in rule.destinations}
    live_destinations = {
        d.address
        for rule in live.replication.get(registry.address, ())
        for d in rule.destinations
        if d.account != registry.account
    }
    return tuple(
        f"{registry.address} stops replicating to {destination}, whose registry policy may "
        f"still grant it (statement {statement_sid(registry.address)}); ecrrepl cannot reach "
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


def _added(statement: PolicyStatement) -> Change:
    return Change(
        Action.ADD,
        f"statement {statement.sid}",
        (
            f"principal: {statement.principal}",
            f"resources: {', '.join(resource_words(r) for r in statement.resources)}",
        ),
        (
            f"{source_words(statement.source)} may now replicate into "
            f"{_resources(statement.resources)} of this registry",
        ),
        key=statement.sid,
    )


def _removed(sid: str, source: RegistryAddress) -> Change:
    return Change(
        Action.REMOVE,
        f"statement {sid}",
        (f"the configuration no longer replicates from {source} into this registry",),
        (f"{source_words(source)} may no longer replicate into this registry",),
        key=sid,
    )


def _changed(statement: PolicyStatement, current: Mapping[str, Any]) -> Change:
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
            f"{source_words(statement.source)} may now replicate into {_resources(added)} "
            f"of this registry"
        )
    if removed:
        effects.append(
            f"{source_words(statement.source)} may no longer replicate into "
            f"{_resources(removed)} of this registry"
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
