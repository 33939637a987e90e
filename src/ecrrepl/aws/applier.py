"""Writing to AWS, in the one order that never breaks replication halfway.

Destination registry policies and creation templates are written first, source
replication configurations last, so that replication never starts without the
permission and settings it needs. The first failure stops the run: later writes are
not attempted, and the report says what was written, what failed and what was not
attempted. Every write replaces a whole document, so running again converges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

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
from ecrrepl.policy import MAX_POLICY_CHARS, policy_text
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


# --- building the writes ---------------------------------------------------------------


def policy_write(registry: RegistryAddress, policy: JsonObject | None) -> Write:
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
        f"put the registry policy of {registry} ({len(text):,} characters)",
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


def plan_writes(plan: Plan) -> list[Write]:
    """The plan's writes: policies and templates first, then replication configurations."""
    return (
        [policy_write(w.registry, w.policy) for w in plan.policy_writes]
        + [template_write(w.template, create=w.create) for w in plan.template_writes]
        + [replication_write(w.registry, w.rules) for w in plan.replication_writes]
    )


def plan_backup(plan: Plan, live: LiveState, accounts: dict[str, AccountAccess]) -> Backup:
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
        accounts=accounts,
    )


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
    )


def restore_writes(backup: Backup, current: Backup) -> list[Write]:
    """The writes that turn `current` back into `backup`, in the safe order."""
    writes: list[Write] = []
    for address, policy in sorted(backup.registry_policies.items()):
        if current.registry_policies.get(address) != policy:
            writes.append(policy_write(address, policy))
    for (address, prefix), template in sorted(backup.templates.items()):
        now = current.templates.get((address, prefix))
        if template is None and now is not None:
            writes.append(template_delete(address, prefix))
        elif template is not None and template != now:
            writes.append(template_write(template, create=now is None))
    for address, rules in sorted(backup.replication.items()):
        if rules_key(current.replication.get(address, ())) != rules_key(rules):
            writes.append(replication_write(address, rules))
    return writes


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
