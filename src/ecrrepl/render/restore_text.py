"""What `restore` will write, in full, for the confirmation: computed from the backup
(already held to what ecrrepl could have written, backup_checks.py) and the current
state, never from words stored in the file.

Per registry: the replication rules that go back (or that replication is cleared), each
of ecrrepl's registry policy statements that goes back or goes away (Sid, principal,
actions, resources), and each creation template created, updated or deleted, with its
settings as they are sent; or why restore refuses a template someone changed since the
backup's run wrote it. Pure: strings in, strings out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ecrrepl.aws.convert import template_to_api
from ecrrepl.backup import Backup
from ecrrepl.config.model import JsonObject, ReplicationRule
from ecrrepl.plan.templates import differing_fields
from ecrrepl.plan.writes import TemplateConflict, rules_key, same_template
from ecrrepl.policy import statements_of
from ecrrepl.policy_fields import as_list, aws_principals, sid_of
from ecrrepl.render.escape import terminal


def render_restore_details(backup: Backup, current: Backup) -> str:
    """The documents restore writes, one block per registry and aspect."""
    lines: list[str] = []
    for address, rules in sorted(backup.replication.items()):
        if rules_key(current.replication.get(address, ())) == rules_key(rules):
            continue
        lines.append(f"  replication configuration of {address}:")
        lines += [f"      {line}" for line in _rules(rules)]
    for address, policy in sorted(backup.registry_policies.items()):
        changes = list(_statement_changes(policy, current.registry_policies.get(address), backup))
        if changes:
            lines.append(f"  ecrrepl's statements in the registry policy of {address}:")
            lines += [f"      {line}" for line in changes]
    for (address, prefix), template in sorted(backup.templates.items()):
        existing = current.templates.get((address, prefix))
        if same_template(template, existing):
            continue
        if template is None:
            lines.append(f"  creation template '{prefix}' in {address}: deleted")
        else:
            verb = "created" if existing is None else "updated"
            lines.append(f"  creation template '{prefix}' in {address}, {verb} as:")
            lines.append(f"      {_compact(template_to_api(template))}")
    if not lines:
        return ""
    # Prefixes and settings come from the backup file and AWS: controls shown escaped.
    return "What will be written:\n" + "".join(f"{terminal(line)}\n" for line in lines)


def render_template_conflicts(conflicts: Sequence[TemplateConflict], taken_by: str) -> str:
    """One line: every template restore refuses to write, and why."""
    reasons = []
    for conflict in conflicts:
        subject = (
            f"the creation template '{conflict.prefix}' in account "
            f"{conflict.registry.account}, region {conflict.registry.region}"
        )
        if conflict.live is None:
            change = f"was deleted since {taken_by} wrote it"
        elif conflict.written is None:
            change = f"was created since {taken_by} deleted it"
        else:
            fields = ", ".join(differing_fields(conflict.live, conflict.written))
            change = f"was changed ({fields}) since {taken_by} wrote it"
        undo = "delete it" if conflict.restored is None else "put the backed-up one back"
        reasons.append(f"{subject} {change}, so restore does not {undo}")
    return (
        f"restore refused, nothing was written: {'; '.join(reasons)}. Set these templates "
        'by hand, or remove them from the backup\'s "templates" and "templates_written" '
        "to restore the rest"
    )


def _rules(rules: Sequence[ReplicationRule]) -> Iterator[str]:
    if not rules:
        yield "no rules: replication from this registry stops"
    for number, rule in enumerate(rules, start=1):
        filters = (
            "every repository"
            if rule.prefixes is None
            else "repositories starting with " + ", ".join(map(_quoted, rule.prefixes))
        )
        targets = ", ".join(f"{d.region} ({d.account})" for d in rule.destinations)
        deletes = "; deletions replicate too" if rule.delete_replication else ""
        yield f"rule #{number}: {filters} → {targets}{deletes}"


def _statement_changes(
    backed_up: JsonObject | None, now: JsonObject | None, backup: Backup
) -> Iterator[str]:
    wanted = _owned(backed_up, backup.owns_sid)
    present = _owned(now, backup.owns_sid)
    for sid, statement in wanted.items():
        if present.get(sid) != statement:
            yield f"+ {sid}: {_grant(statement)}"
    for sid in present:
        if sid not in wanted:
            yield f"- {sid}: removed"


def _owned(policy: JsonObject | None, owns: Callable[[object], bool]) -> dict[str, Any]:
    owned: dict[str, Any] = {}
    for statement in statements_of(policy):
        sid = sid_of(statement)
        if isinstance(sid, str) and owns(sid):
            owned.setdefault(sid, statement)
    return owned


def _grant(statement: Mapping[str, Any]) -> str:
    who = aws_principals(statement.get("Principal"))
    return (
        f"{statement.get('Effect')} {_listed(who)} to {_listed(statement.get('Action'))} "
        f"on {_listed(statement.get('Resource'))}"
    )


def _listed(value: Any) -> str:
    return ", ".join(str(item) for item in as_list(value))


def _quoted(prefix: str) -> str:
    return json.dumps(prefix, ensure_ascii=True)


def _compact(document: object) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
