"""Sending the writes that plan/writes.py decides, in its order.

The first failure stops the run: later writes are not attempted, and the report says
what was written, what failed and what was not attempted. Every write replaces a whole
document, so running again converges. A registry policy is merged into its live text
right before it is written (aws/policy_writes.py), never sent as read at the start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ecrrepl.aws import reader, writer
from ecrrepl.aws.policy_writes import write_policy
from ecrrepl.aws.session import Sessions
from ecrrepl.backup import Backup, now_stamp
from ecrrepl.config.model import CreationTemplate, RegistryAddress, ReplicationRule
from ecrrepl.errors import UserError
from ecrrepl.plan.writes import (
    PolicyStep,
    ReplicationStep,
    Step,
    TemplateDeletion,
    TemplateStep,
)
from ecrrepl.policy import policy_text


@dataclass(frozen=True)
class Write:
    """One AWS write: what it does in words, and the call that does it. The call may
    return a note on how it went, which the report adds to the description."""

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


# --- the writes of each step -----------------------------------------------------------


def write_of(step: Step) -> Write:
    if isinstance(step, PolicyStep):
        return _policy_write(step)
    if isinstance(step, TemplateStep):
        template = step.template
        verb, call = (
            ("create", writer.create_template)
            if step.create
            else ("update", writer.update_template)
        )
        return Write(
            f"{verb} the creation template '{template.prefix}' in {template.address}",
            template.address,
            lambda sessions: call(sessions, template),
        )
    if isinstance(step, ReplicationStep):
        registry, rules = step.registry, step.rules
        count = (
            f"{len(rules)} rule{'s' if len(rules) != 1 else ''}" if rules else "no rules: cleared"
        )
        return Write(
            f"put the replication configuration of {registry} ({count})",
            registry,
            lambda sessions: writer.put_replication_rules(sessions, registry, rules),
        )
    deletion: TemplateDeletion = step
    return Write(
        f"delete the creation template '{deletion.prefix}' in {deletion.registry}",
        deletion.registry,
        lambda sessions: writer.delete_template(sessions, deletion.registry, deletion.prefix),
    )


def _policy_write(step: PolicyStep) -> Write:
    if step.planned is None:
        description = f"delete the registry policy of {step.registry} (no statement is left)"
    else:
        size = len(policy_text(step.planned))
        description = f"put the registry policy of {step.registry}{step.note} ({size:,} characters)"
    return Write(description, step.registry, lambda sessions: write_policy(sessions, step))


def writes_of(steps: Sequence[Step]) -> list[Write]:
    return [write_of(step) for step in steps]


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
        sources=backup.sources,
        owner=backup.owner,
    )


def read_rules_of_sources(
    backup: Backup, sessions: Sessions
) -> dict[RegistryAddress, tuple[ReplicationRule, ...]]:
    """The live rules of the backup's source registries that restore does not write: the
    grants it puts back must be what the rules it leaves need."""
    unwritten = sorted(set(backup.sources) - set(backup.replication))
    sessions.verify_identities(frozenset(source.account for source in unwritten))
    return {source: reader.read_replication(sessions, source) for source in unwritten}


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
            note = write.perform(sessions)
        except UserError as error:
            report.failed = (write, error.message)
            report.not_attempted = list(writes[index + 1 :])
            on_progress(write, error.message)
            return report
        if isinstance(note, str):
            write = dataclasses.replace(write, description=f"{write.description}: {note}")
        report.written.append(write)
        on_progress(write, None)
    return report
