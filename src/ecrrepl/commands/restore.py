"""`ecrrepl restore BACKUP.json`: put a backup taken by `apply` back, with apply's guards."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import TextIO

from ecrrepl.commands.writing import (
    confirm,
    failure_message,
    refuse_if_changed,
    run_writes,
    save_backup,
)
from ecrrepl.errors import EXIT_OK, UserError
from ecrrepl.render.escape import terminal


def restore(
    path: str,
    *,
    yes: bool = False,
    backup_dir: str,
    profile: str | None = None,
    color: bool = False,
    out: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    from ecrrepl.aws.applier import read_backed_up_state, read_rules_of_sources, writes_of
    from ecrrepl.aws.session import Sessions
    from ecrrepl.backup import Backup, backup_to_json, read_backup
    from ecrrepl.plan.policy_merge import owned_statements
    from ecrrepl.plan.restore_checks import (
        refusal_message,
        rules_after_restore,
        unwritten_by_the_run,
        wider_than_needed,
    )
    from ecrrepl.plan.writes import restore_writes, template_conflicts
    from ecrrepl.render.restore_text import render_restore_details, render_template_conflicts

    stream = sys.stdout if out is None else out
    backup = read_backup(path)
    if backup.is_empty:
        stream.write(f"{terminal(path)} holds nothing to restore.\n")
        return EXIT_OK
    regions: dict[str, set[str]] = {}
    for address in [*backup.replication, *backup.registry_policies, *backup.sources] + [
        a for a, _ in backup.templates
    ]:
        regions.setdefault(address.account, set()).add(address.region)
    sessions = Sessions(
        backup.accounts,
        profile=profile,
        home_regions={account: min(found) for account, found in regions.items()},
    )

    def fingerprint(state: Backup) -> str:
        # Other owners' statements are merged into at the moment of writing, as they are
        # then: a change to them while restore runs is kept, not refused.
        ours_only = {
            address: {"Statement": list(owned_statements(policy, backup.owns_sid))}
            for address, policy in state.registry_policies.items()
        }
        data = backup_to_json(dataclasses.replace(state, registry_policies=ours_only))
        data.pop("created_at")
        data.pop("taken_by")
        return json.dumps(data, sort_keys=True)

    current = read_backed_up_state(backup, sessions)
    conflicts = template_conflicts(backup, current)
    if conflicts:
        raise UserError(render_template_conflicts(conflicts, backup.taken_by))
    # Only what the backup's run wrote is undone, and no grant goes back wider than the
    # rules restore leaves need: an edited backup is refused here, before any write.
    refusals = unwritten_by_the_run(backup, current)
    if backup.registry_policies:
        rules_after = rules_after_restore(
            backup, {**current.replication, **read_rules_of_sources(backup, sessions)}
        )
        refusals += wider_than_needed(backup, rules_after)
    if refusals:
        raise UserError(refusal_message(refusals))
    writes = writes_of(restore_writes(backup, current))
    taken = f"taken by {backup.taken_by} at {backup.created_at}"
    stream.write(f"Restoring {terminal(path)} ({terminal(taken)}).\n")
    if not writes:
        stream.write("Nothing to restore: the registries already match the backup.\n")
        return EXIT_OK
    for write in writes:
        stream.write(f"  ~ {terminal(write.description)}\n")
    stream.write(render_restore_details(backup, current))
    confirm(f"Restore these {len(writes)} writes?", yes=yes, out=stream, stdin=stdin)

    again = read_backed_up_state(backup, sessions)
    refuse_if_changed(
        fingerprint(current),
        fingerprint(again),
        "the live registries changed while restore was running (someone else wrote to them)",
        f"ecrrepl restore {path}",
    )
    # What this run leaves: the backup's templates and rules (conflicts were refused
    # above), and the backup's own statements in each registry policy.
    save_backup(
        dataclasses.replace(
            current,
            templates_written=backup.templates,
            replication_written=backup.replication,
            statements_written={
                address: owned_statements(policy, backup.owns_sid)
                for address, policy in backup.registry_policies.items()
            },
        ),
        backup_dir,
        stream,
    )
    report = run_writes(writes, sessions, stream, color=color)
    if not report.succeeded:
        raise UserError(failure_message(report))
    after = read_backed_up_state(backup, sessions)
    left = [write.description for write in writes_of(restore_writes(backup, after))]
    left += [
        f"the creation template '{c.prefix}' in {c.registry}"
        for c in template_conflicts(backup, after)
    ]
    if left:
        raise UserError(f"read back after restoring, these still differ: {'; '.join(left)}")
    stream.write("Read back: the registries match the backup. Restore complete.\n")
    return EXIT_OK
