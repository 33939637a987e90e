"""The writes of `apply` and `restore`, in the one order that never breaks replication
halfway, and what a backup holds; pure: aws/applier.py only sends what this decides.

A registry policy write is split in two stages around the replication writes: the
permissions the new rules need are granted first, and the permissions only the old
rules used are withdrawn last. In between, every rule that is live at any moment has
the permission it needs. Creation templates are written before the sources start
sending (and deleted, by `restore`, only after they stopped).

A registry policy step does not carry the document to put: it carries ecrrepl's
statements for that moment, which are merged into the policy as it is live right
before the write (`policy_merge.merge_statements`), so that what other owners wrote
during the run is kept. `planned` is the document the step makes of the state read at
the start, for its description and its size check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ecrrepl.backup import Backup, TemplateKey, now_stamp
from ecrrepl.config.model import (
    AccountAccess,
    CreationTemplate,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.errors import UserError
from ecrrepl.plan.model import Plan
from ecrrepl.plan.policy_merge import (
    interim_policy,
    merge_statements,
    owned_statements,
    restored_policy,
)
from ecrrepl.plan.templates import differing_fields
from ecrrepl.policy import MAX_POLICY_CHARS, owned_sid_list, owns_statement, policy_text
from ecrrepl.state import LiveState


@dataclass(frozen=True)
class PolicyStep:
    """Make ecrrepl's statements in one registry policy exactly `statements`."""

    registry: RegistryAddress
    statements: tuple[JsonObject, ...]
    # The Sids that are ecrrepl's (None: every Sid of ecrrepl's naming scheme).
    owned: frozenset[str] | None
    planned: JsonObject | None
    note: str = ""

    def owns(self, sid: object) -> bool:
        return owns_statement(sid, self.owned)

    def merged_into(self, live: JsonObject | None) -> JsonObject | None:
        """The document to put over `live`; None: delete the policy."""
        return merge_statements(live, self.statements, self.owns, base=self.planned)


@dataclass(frozen=True)
class TemplateStep:
    template: CreationTemplate
    # True: CreateRepositoryCreationTemplate; False: UpdateRepositoryCreationTemplate.
    create: bool


@dataclass(frozen=True)
class TemplateDeletion:
    registry: RegistryAddress
    prefix: str


@dataclass(frozen=True)
class ReplicationStep:
    registry: RegistryAddress
    rules: tuple[ReplicationRule, ...]


Step = PolicyStep | TemplateStep | TemplateDeletion | ReplicationStep


@dataclass
class Stages:
    """Steps by stage: grants and settings, then the sources, then what is withdrawn."""

    grant: list[Step] = field(default_factory=list)
    replicate: list[Step] = field(default_factory=list)
    withdraw: list[Step] = field(default_factory=list)

    def in_order(self) -> list[Step]:
        return [*self.grant, *self.replicate, *self.withdraw]


def refuse_oversized(
    registry: RegistryAddress, policy: JsonObject | None, *, merged_live: bool
) -> None:
    """ECR refuses a registry policy over its size limit; refuse it first, saying why."""
    size = len(policy_text(policy)) if policy is not None else 0
    if size > MAX_POLICY_CHARS:
        when = " merged into the live policy" if merged_live else ""
        outcome = "It was not written." if merged_live else "Nothing was written."
        raise UserError(
            f"the registry policy of {registry} would be {size:,} characters{when}; "
            f"ECR allows {MAX_POLICY_CHARS:,}. {outcome}"
        )


def policy_step(
    registry: RegistryAddress,
    planned: JsonObject | None,
    owned: frozenset[str] | None,
    note: str = "",
) -> PolicyStep:
    # The plan refuses an oversized policy already; a hand-edited plan or backup must not
    # get past.
    refuse_oversized(registry, planned, merged_live=False)
    statements = owned_statements(planned, lambda sid: owns_statement(sid, owned))
    return PolicyStep(registry, statements, owned, planned, note)


def stage_policy(
    stages: Stages,
    registry: RegistryAddress,
    current: JsonObject | None,
    final: JsonObject | None,
    owned: frozenset[str] | None,
) -> None:
    interim = interim_policy(current, final)
    if interim is not None and len(policy_text(interim)) > MAX_POLICY_CHARS:
        # Old and new statements together do not fit (replacing per-registry statements
        # by merged ones, say): keep only the old statements that allow something the new
        # ones do not, and if even that does not fit, the final policy goes first, as it
        # would without staging.
        interim = interim_policy(current, final, needed_only=True)
        if interim is not None and len(policy_text(interim)) > MAX_POLICY_CHARS:
            interim = final
    if interim != current:
        note = " with the new permissions (the old ones go later)" if interim != final else ""
        stages.grant.append(policy_step(registry, interim, owned, note))
    if final != interim:
        stages.withdraw.append(policy_step(registry, final, owned))


def owned_by_plan(plan: Plan) -> frozenset[str]:
    """Every source registry of the configuration owns its statement, written or not; with
    an owner, so does every merged statement of that owner (policy.owned_sid_list)."""
    return owned_sid_list((section.registry for section in plan.replication), plan.owner)


def plan_writes(plan: Plan, live: LiveState) -> list[Step]:
    """The plan's writes in the safe order; `live` is the state the plan was made on."""
    stages = Stages()
    owned = owned_by_plan(plan)
    for write in plan.policy_writes:
        current = live.registry_policies.get(write.registry)
        stage_policy(stages, write.registry, current, write.policy, owned)
    stages.grant += [TemplateStep(w.template, w.create) for w in plan.template_writes]
    stages.replicate += [ReplicationStep(w.registry, w.rules) for w in plan.replication_writes]
    return stages.in_order()


def plan_backup(plan: Plan, live: LiveState, accounts: Mapping[str, AccountAccess]) -> Backup:
    """What the plan's writes will overwrite, taken from the state the plan was made on."""
    owned = owned_by_plan(plan)
    templates: dict[TemplateKey, CreationTemplate | None] = {}
    written: dict[TemplateKey, CreationTemplate | None] = {}
    for write in plan.template_writes:
        existing = {t.prefix: t for t in live.templates.get(write.registry, ())}
        templates[(write.registry, write.template.prefix)] = existing.get(write.template.prefix)
        written[(write.registry, write.template.prefix)] = write.template
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
        templates_written=written,
        accounts=dict(accounts),
        owned_sids=owned,
        sources=tuple(section.registry for section in plan.replication),
        owner=plan.owner,
        replication_written={w.registry: w.rules for w in plan.replication_writes},
        statements_written={
            w.registry: owned_statements(w.policy, lambda sid: owns_statement(sid, owned))
            for w in plan.policy_writes
        },
    )


def restore_writes(backup: Backup, current: Backup) -> list[Step]:
    """The writes that turn `current` back into `backup`, in the safe order."""
    stages = Stages()
    for address, policy in sorted(backup.registry_policies.items()):
        now = current.registry_policies.get(address)
        wanted = restored_policy(now, policy, backup.owns_sid)
        if wanted != now:
            stage_policy(stages, address, now, wanted, backup.owned_sids)
    conflicted = {(c.registry, c.prefix) for c in template_conflicts(backup, current)}
    for (address, prefix), template in sorted(backup.templates.items()):
        existing = current.templates.get((address, prefix))
        if (address, prefix) in conflicted or same_template(existing, template):
            continue  # a conflicted template is refused, never written (commands/restore.py)
        if template is None:
            # Repositories replicated meanwhile would lose their settings: delete last.
            stages.withdraw.insert(0, TemplateDeletion(address, prefix))
        else:
            stages.grant.append(TemplateStep(template, create=existing is None))
    for address, rules in sorted(backup.replication.items()):
        if rules_key(current.replication.get(address, ())) != rules_key(rules):
            stages.replicate.append(ReplicationStep(address, rules))
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


@dataclass(frozen=True)
class TemplateConflict:
    """A template the backup puts back that is no longer what the backup's run left."""

    registry: RegistryAddress
    prefix: str
    restored: CreationTemplate | None  # what restore would put back; None: delete it
    written: CreationTemplate | None  # what the backup's run left; None: it deleted it
    live: CreationTemplate | None


def same_template(one: CreationTemplate | None, other: CreationTemplate | None) -> bool:
    """Both absent, or both present with the same settings as AWS applies them."""
    if one is None or other is None:
        return one is other
    return not differing_fields(one, other)


def template_conflicts(backup: Backup, current: Backup) -> list[TemplateConflict]:
    """The templates restore must not write: neither as the backup holds them nor as its
    run left them. A backup file proves nothing by itself (anyone who can edit it can add
    `prefix: null`); the live template still being what the run wrote is what shows that
    the run wrote it and that nobody has changed it since, so restore undoes only that."""
    conflicts = []
    for key, restored in sorted(backup.templates.items()):
        live = current.templates.get(key)
        written = backup.templates_written.get(key)
        if not (same_template(live, restored) or same_template(live, written)):
            conflicts.append(TemplateConflict(key[0], key[1], restored, written, live))
    return conflicts
