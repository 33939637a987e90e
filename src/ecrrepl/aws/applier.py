"""Writing to AWS, in the one order that never breaks replication halfway.

A registry policy write is split in two stages around the replication writes: the
permissions the new rules need are granted first, and the permissions only the old
rules used are withdrawn last. In between, every rule that is live at any moment has
the permission it needs. Creation templates are written before the sources start
sending (and deleted, by `restore`, only after they stopped). The first failure stops
the run: later writes are not attempted, and the report says what was written, what
failed and what was not attempted. Every write replaces a whole document, so running
again converges.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecrrepl.aws import reader, writer
from ecrrepl.aws.session import Sessions
from ecrrepl.backup import Backup, TemplateKey, now_stamp
from ecrrepl.config.model import (
    AccountAccess,
    CreationTemplate,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.errors import UserError
from ecrrepl.plan import Plan
from ecrrepl.policy import MAX_POLICY_CHARS, policy_text, statement_sid
from ecrrepl.state import LiveState


@dataclass(frozen=True)
class Write:
    """One AWS write: what it does in words, and the call that does it."""

    description: str
    registry: RegistryAddress
    perform: Callable[[Sessions], object]


@dataclass
class WriteReport:
    written: list[Write] = field(default_factory=list)
    failed: tuple[Write, str] | None = None
    not_attempted: list[Write] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.failed is None


@dataclass
class _Stages:
    """Writes by stage: grants and settings, then the sources, then what is withdrawn."""

    grant: list[Write] = field(default_factory=list)
    replicate: list[Write] = field(default_factory=list)
    withdraw: list[Write] = field(default_factory=list)

    def in_order(self) -> list[Write]:
        return [*self.grant, *self.replicate, *self.withdraw]


# --- building the writes ---------------------------------------------------------------


def policy_write(registry: RegistryAddress, policy: JsonObject | None, note: str = "") -> Write:
    if policy is None:
        return Write(
            f"delete the registry policy of {registry} (no statement is left)",
            registry,
            lambda sessions: writer.delete_registry_policy(sessions, registry),
        )
    text = policy_text(policy)
    if len(text) > MAX_POLICY_CHARS:
        # The plan refuses this already; a hand-edited plan or backup must not get past.
        raise UserError(
            f"the registry policy of {registry} would be {len(text):,} characters; "
            f"ECR allows {MAX_POLICY_CHARS:,}. Nothing was written."
        )
    return Write(
        f"put the registry policy of {registry}{note} ({len(text):,} characters)",
        registry,
        lambda sessions: writer.put_registry_policy(sessions, registry, text),
    )


def template_write(template: CreationTemplate, *, create: bool) -> Write:
    verb, call = (
        ("create", writer.create_template) if create else ("update", writer.update_template)
    )
    return Write(
        f"{verb} the creation template '{template.prefix}' in {template.address}",
        template.address,
        lambda sessions: call(sessions, template),
    )


def template_delete(registry: RegistryAddress, prefix: str) -> Write:
    return Write(
        f"delete the creation template '{prefix}' in {registry}",
        registry,
        lambda sessions: writer.delete_template(sessions, registry, prefix),
    )


def replication_write(registry: RegistryAddress, rules: Sequence[ReplicationRule]) -> Write:
    count = f"{len(rules)} rule{'s' if len(rules) != 1 else ''}" if rules else "no rules: cleared"
    return Write(
        f"put the replication configuration of {registry} ({count})",
        registry,
        lambda sessions: writer.put_replication_rules(sessions, registry, rules),
    )


def plan_writes(plan: Plan, live: LiveState) -> list[Write]:
    """The plan's writes in the safe order; `live` is the state the plan was made on."""
    stages = _Stages()
    for write in plan.policy_writes:
        _stage_policy(
            stages, write.registry, live.registry_policies.get(write.registry), write.policy
        )
    stages.grant += [template_write(w.template, create=w.create) for w in plan.template_writes]
    stages.replicate += [replication_write(w.registry, w.rules) for w in plan.replication_writes]
    return stages.in_order()


def plan_backup(plan: Plan, live: LiveState, accounts: Mapping[str, AccountAccess]) -> Backup:
    """What the plan's writes will overwrite, taken from the state the plan was made on."""
    templates: dict[TemplateKey, CreationTemplate | None] = {}
    for write in plan.template_writes:
        existing = {t.prefix: t for t in live.templates.get(write.registry, ())}
        templates[(write.registry, write.template.prefix)] = existing.get(write.template.prefix)
    return Backup(
        taken_by="apply",
        created_at=now_stamp(),
        replication={
            w.registry: live.replication.get(w.registry, ()) for w in plan.replication_writes
        },
        registry_policies={
            w.registry: live.registry_policies.get(w.registry) for w in plan.policy_writes
        },
        templates=templates,
        accounts=dict(accounts),
        # Every source registry of the configuration owns its statement, written or not.
        owned_sids=frozenset(statement_sid(section.registry) for section in plan.replication),
    )


# --- registry policies in two stages --------------------------------------------------------


def _statements(policy: JsonObject | None) -> list[Any]:
    statements = policy.get("Statement", []) if policy is not None else []
    # IAM grammar allows a single statement object instead of a list.
    if isinstance(statements, Mapping):
        return [statements]
    return list(statements) if isinstance(statements, list) else []


def _sid(statement: Any) -> Any:
    return statement.get("Sid") if isinstance(statement, Mapping) else None


def _as_set(value: Any) -> frozenset[str]:
    values = value if isinstance(value, list) else [value]
    return frozenset(json.dumps(item, sort_keys=True) for item in values)


def _without_resource(statement: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: _as_set(value) if key in ("Action", "NotAction") else value
        for key, value in statement.items()
        if key != "Resource"
    }


def _allowing_both(old: Any, new: Any) -> Any:
    """One statement that allows what `old` and `new` allow, when only Resource differs."""
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return new
    if _without_resource(old) != _without_resource(new):
        # Someone rewrote the statement by hand; what the plan promised is what goes in.
        return new
    old_resources, new_resources = _as_set(old.get("Resource")), _as_set(new.get("Resource"))
    if new_resources <= old_resources:
        return old
    if old_resources <= new_resources:
        return new
    return {**new, "Resource": [json.loads(item) for item in sorted(old_resources | new_resources)]}


def interim_policy(current: JsonObject | None, final: JsonObject | None) -> JsonObject | None:
    """The policy to hold while the replication configurations change: what `current`
    allows and what `final` allows, so that neither the old rules nor the new ones
    run without permission. Statements of other owners are the same in both."""
    if current is None or final is None:
        return final if current is None else current
    final_by_sid: dict[str, Any] = {}
    for statement in _statements(final):
        sid = _sid(statement)
        if isinstance(sid, str):
            final_by_sid.setdefault(sid, statement)
    current_sids = {_sid(statement) for statement in _statements(current)}
    statements: list[Any] = []
    merged: set[str] = set()
    for statement in _statements(current):
        sid = _sid(statement)
        if isinstance(sid, str) and sid in final_by_sid and sid not in merged:
            merged.add(sid)
            statements.append(_allowing_both(statement, final_by_sid[sid]))
        else:
            statements.append(statement)
    statements += [s for sid, s in final_by_sid.items() if sid not in current_sids]
    return {**current, "Statement": statements}


def _stage_policy(
    stages: _Stages,
    registry: RegistryAddress,
    current: JsonObject | None,
    final: JsonObject | None,
) -> None:
    interim = interim_policy(current, final)
    if interim is not None and len(policy_text(interim)) > MAX_POLICY_CHARS:
        # Old and new permissions together do not fit: ECR would refuse the interim
        # policy, so the final one goes first, as it would without staging.
        interim = final
    if interim != current:
        note = " with the new permissions (the old ones go later)" if interim != final else ""
        stages.grant.append(policy_write(registry, interim, note))
    if final != interim:
        stages.withdraw.append(policy_write(registry, final))


# --- restore ------------------------------------------------------------------------------


def read_backed_up_state(backup: Backup, sessions: Sessions) -> Backup:
    """The current state of exactly what `backup` holds, in the same shape."""
    sessions.verify_identities(backup.accounts_reached)
    by_registry: dict[RegistryAddress, dict[str, CreationTemplate]] = {}
    for address in sorted({address for address, _ in backup.templates}):
        by_registry[address] = {t.prefix: t for t in reader.read_templates(sessions, address)}
    return Backup(
        taken_by="restore",
        created_at=now_stamp(),
        replication={a: reader.read_replication(sessions, a) for a in sorted(backup.replication)},
        registry_policies={
            a: reader.read_registry_policy(sessions, a) for a in sorted(backup.registry_policies)
        },
        templates={
            (address, prefix): by_registry[address].get(prefix)
            for address, prefix in sorted(backup.templates)
        },
        accounts=dict(backup.accounts),
        owned_sids=backup.owned_sids,
    )


def restored_policy(
    current: JsonObject | None, backed_up: JsonObject | None, owned: Callable[[Any], bool]
) -> JsonObject | None:
    """`current` with ecrrepl's statements as they were in `backed_up`.

    Only ecrrepl's statements go back: the others belong to someone else, who may have
    changed them since the backup, and are kept as they are now.
    """
    pending = [s for s in _statements(backed_up) if owned(_sid(s))]
    statements: list[Any] = []
    for statement in _statements(current):
        if not owned(_sid(statement)):
            statements.append(statement)
        elif statement in pending:
            pending.remove(statement)
            statements.append(statement)
    statements += pending
    if not statements:
        return None
    base = current if current is not None else backed_up
    return {**(base or {"Version": "2012-10-17"}), "Statement": statements}


def restore_writes(backup: Backup, current: Backup) -> list[Write]:
    """The writes that turn `current` back into `backup`, in the safe order."""
    stages = _Stages()
    for address, policy in sorted(backup.registry_policies.items()):
        now = current.registry_policies.get(address)
        wanted = restored_policy(now, policy, backup.owns_sid)
        if wanted != now:
            _stage_policy(stages, address, now, wanted)
    for (address, prefix), template in sorted(backup.templates.items()):
        existing = current.templates.get((address, prefix))
        if template is None and existing is not None:
            # Repositories replicated meanwhile would lose their settings: delete last.
            stages.withdraw.insert(0, template_delete(address, prefix))
        elif template is not None and template != existing:
            stages.grant.append(template_write(template, create=existing is None))
    for address, rules in sorted(backup.replication.items()):
        if rules_key(current.replication.get(address, ())) != rules_key(rules):
            stages.replicate.append(replication_write(address, rules))
    return stages.in_order()


def rules_key(rules: Iterable[ReplicationRule]) -> list[tuple[object, ...]]:
    """Rules compared as AWS means them: the order of rules, filters and destinations aside."""
    return sorted(
        (
            tuple(sorted(rule.prefixes)) if rule.prefixes is not None else (),
            rule.prefixes is None,
            tuple(sorted(str(d.address) for d in rule.destinations)),
            rule.delete_replication,
        )
        for rule in rules
    )


# --- running them -------------------------------------------------------------------------


def execute(
    writes: Sequence[Write],
    sessions: Sessions,
    on_progress: Callable[[Write, str | None], None] = lambda write, error: None,
) -> WriteReport:
    """Perform the writes in order; stop at the first failure."""
    report = WriteReport()
    for index, write in enumerate(writes):
        try:
            write.perform(sessions)
        except UserError as error:
            report.failed = (write, error.message)
            report.not_attempted = list(writes[index + 1 :])
            on_progress(write, error.message)
            return report
        report.written.append(write)
        on_progress(write, None)
    return report
