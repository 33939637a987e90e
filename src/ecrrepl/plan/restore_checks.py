"""What `restore` checks against the live state before it writes anything: that it undoes
only what the backup's run wrote, and puts back no grant wider than the rules need.

A backup file can be edited by anyone who can write where it is kept; the checks of
backup_checks.py hold it to what ecrrepl could have written, but a file alone cannot
prove which registries its run wrote. The live state can: restore writes a registry's
replication configuration, or ecrrepl's statements in a registry policy, only while
they are still what the backup's run left there (the backup records it, format 3),
as it does for creation templates (writes.template_conflicts). A registry the run never
wrote, or another configuration's statement listed as owned, does not hold what the
run wrote, and is refused. And each of ecrrepl's statements it puts back must grant
no more than the rules it leaves need (policy.required_statements, the grant apply
computes), so an edited backup cannot widen a grant. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ecrrepl.backup import Backup
from ecrrepl.config.model import (
    Config,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.plan.policy_merge import owned_statements, restored_policy
from ecrrepl.plan.writes import rules_key
from ecrrepl.policy import account_root_arn, glob_pattern, required_statements
from ecrrepl.policy_fields import AWS_PRINCIPAL, statement_meaning, strings


@dataclass(frozen=True)
class Refusal:
    """One thing restore will not write, and why, in words."""

    registry: RegistryAddress
    reason: str


def _meanings(statements: Iterable[JsonObject]) -> list[str]:
    return sorted(statement_meaning(s) for s in statements)


def _sids(statements: Iterable[JsonObject]) -> list[str]:
    return sorted({str(s.get("Sid")) for s in statements})


def unwritten_by_the_run(backup: Backup, current: Backup) -> list[Refusal]:
    """The documents restore would change that are not what the backup's run left."""
    refusals = []
    taken_by = backup.taken_by
    for address, rules in sorted(backup.replication.items()):
        live = current.replication.get(address, ())
        if rules_key(live) == rules_key(rules):
            continue
        if rules_key(live) != rules_key(backup.replication_written.get(address, ())):
            refusals.append(
                Refusal(
                    address,
                    f"its replication configuration is not the one {taken_by} wrote there "
                    "(changed since, or never written by it), so restore does not put the "
                    "backed-up rules back",
                )
            )
    for address, policy in sorted(backup.registry_policies.items()):
        live_policy = current.registry_policies.get(address)
        if restored_policy(live_policy, policy, backup.owns_sid) == live_policy:
            continue
        live_ours = owned_statements(live_policy, backup.owns_sid)
        written = backup.statements_written.get(address, ())
        if _meanings(live_ours) != _meanings(written):
            differing = sorted(
                set(_sids(s for s in live_ours if _meanings([s])[0] not in _meanings(written)))
                | set(_sids(s for s in written if _meanings([s])[0] not in _meanings(live_ours)))
            )
            refusals.append(
                Refusal(
                    address,
                    f"ecrrepl's statements in its registry policy are not the ones {taken_by} "
                    f"wrote there ({', '.join(differing)} changed since, or never written by "
                    "it), so restore does not put the backed-up statements back",
                )
            )
    return refusals


def rules_after_restore(
    backup: Backup, live_rules: Mapping[RegistryAddress, Sequence[ReplicationRule]]
) -> dict[RegistryAddress, tuple[ReplicationRule, ...]]:
    """Each source registry's rules once restore is done: the backup's where it puts them
    back, the live ones elsewhere."""
    return {
        source: tuple(backup.replication.get(source, live_rules.get(source, ())))
        for source in backup.sources
    }


def wider_than_needed(
    backup: Backup, rules_after: Mapping[RegistryAddress, Sequence[ReplicationRule]]
) -> list[Refusal]:
    """ecrrepl's statements restore puts back that grant repositories no rule left after
    the restore sends to: apply never writes a grant wider than the rules need."""
    config = Config(
        accounts=dict(backup.accounts),
        registries=tuple(
            SourceRegistry(account=source.account, region=source.region, rules=tuple(rules))
            for source, rules in sorted(rules_after.items())
        ),
    )
    needed: dict[tuple[RegistryAddress, str], set[str]] = {}
    for destination, required in required_statements(config).items():
        for grant in required:
            needed.setdefault((destination, grant.principal), set()).update(grant.resources)
    refusals = []
    for destination, policy in sorted(backup.registry_policies.items()):
        for statement in owned_statements(policy, backup.owns_sid):
            # A merged statement (`owner:`) names several source accounts; it grants each
            # of them every resource it lists, so each is held to its own needs.
            for principal in _principals(statement):
                wider = _wider(statement, needed.get((destination, principal), ()))
                if wider:
                    source_accounts = {
                        account_root_arn(s.account, destination.region): s.account
                        for s in backup.sources
                    }
                    who = source_accounts.get(principal, principal)
                    refusals.append(
                        Refusal(
                            destination,
                            f"statement {statement.get('Sid')} would grant account {who} "
                            f"{', '.join(wider)}, which no rule it leaves sends there needs, "
                            "so restore does not put it back",
                        )
                    )
    return refusals


def _wider(statement: JsonObject, needed: Iterable[str]) -> list[str]:
    """The resources of `statement` that no needed resource covers. A resource is needed
    when a needed pattern covers it (`prod*` covers `prod/api*`): narrower than apply's
    own grant is no wider than needed."""
    allowed = [glob_pattern(r) for r in needed]
    return sorted(
        resource
        for resource in set(strings(statement.get("Resource")))
        if not any(pattern.fullmatch(resource) for pattern in allowed)
    )


def _principals(statement: JsonObject) -> list[str]:
    """The principals of an ecrrepl statement (backup_checks.py holds them to source
    account roots); one that is not a mapping of `AWS` has none to grant."""
    principal = statement.get("Principal")
    values = strings(principal.get(AWS_PRINCIPAL)) if isinstance(principal, Mapping) else []
    return sorted(set(values)) or [""]


def refusal_message(refusals: Sequence[Refusal]) -> str:
    """One line: everything restore refuses to write, and why."""
    reasons = "; ".join(
        f"{r.registry} (account {r.registry.account}, region {r.registry.region}): {r.reason}"
        for r in refusals
    )
    return (
        f"restore refused, nothing was written: {reasons}. A backup restores only what its "
        "run wrote; restore later backups first, or set these by hand"
    )
