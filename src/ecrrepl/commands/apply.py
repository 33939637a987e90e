"""`ecrrepl apply`: show the plan, confirm, back up, write in the safe order, read back."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from ecrrepl.arguments import registry_options
from ecrrepl.commands.diff import render_plan
from ecrrepl.commands.live import load_sound_config, open_sessions, refuse_if_unread, scoped
from ecrrepl.commands.typed_confirmation import confirm_by_typing
from ecrrepl.commands.writing import (
    confirm,
    failure_message,
    refuse_if_changed,
    run_writes,
    save_backup,
)
from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.errors import EXIT_FAILED, EXIT_OK, UsageError, UserError
from ecrrepl.findings import Severity
from ecrrepl.plan import Plan, compute_plan, plan_from_text
from ecrrepl.plan.compute import state_fingerprint
from ecrrepl.plan.emptied import emptied_by
from ecrrepl.plan.policy_merge import owned_statements
from ecrrepl.plan.saved_documents import mismatched_documents
from ecrrepl.plan.writes import owned_by_plan
from ecrrepl.policy import owns_statement
from ecrrepl.validation import read_input_text


def is_plan_file(arguments: Sequence[str]) -> bool:
    if len(arguments) > 1 and any(argument.endswith(".json") for argument in arguments):
        # A saved plan carries its whole configuration: files beside it would be ignored
        # or, worse, taken for part of it.
        raise UsageError(
            "apply takes one saved plan (PLAN.json) or configuration files, not both; "
            "name the plan's files with --config to check them against it"
        )
    return len(arguments) == 1 and arguments[0].endswith(".json")


def read_plan_file(path: str) -> Plan:
    from ecrrepl.plan.files import without_rule_names

    return without_rule_names(plan_from_text(read_input_text(path), path))


def refuse_if_not_what_ecrrepl_computes(
    saved: Plan, computed: Plan, config: Config, path: str
) -> None:
    """A plan file is data that anyone can edit: apply writes it only when its
    configuration lints clean and its writes are exactly those ecrrepl computes from that
    configuration and the live state (grants matching the rules), and every registry
    policy it holds, other owners' statements included, is the one apply rebuilds from
    the live state (plan/saved_documents.py)."""
    from ecrrepl.lint.registry import run_checks

    errors = [f for f in run_checks(config) if f.severity is Severity.ERROR]
    if errors:
        raise UserError(
            f"{path} carries a configuration with errors ({errors[0].rule}: "
            f"{errors[0].message}); nothing was written"
        )
    if computed.errors and computed.errors != saved.errors:
        raise UserError(
            f"the live state gives the plan in {path} an error now ({computed.errors[0]}); "
            f"nothing was written. Run `ecrrepl diff --out {path}` again."
        )
    if _writes(saved) != _writes(computed):
        raise UserError(
            f"{path} does not hold the writes ecrrepl computes from its configuration and "
            "the live state (was it edited?); nothing was written. Run `ecrrepl diff "
            f"--out {path} --overwrite` again."
        )
    mismatches = mismatched_documents(saved, computed)
    if mismatches:
        raise UserError(
            f"{path} holds documents that are not what apply would write now: "
            f"{'; '.join(mismatches)} differ from the live state (edited in the file, or "
            "changed by their owner since it was saved); nothing was written. Run "
            f"`ecrrepl diff --out {path} --overwrite` again."
        )
    # What a policy check (OPA, conftest) read in the file must be what is written.
    if saved.documents != computed.documents:
        raise UserError(
            f"the documents listed under `changes` in {path} are not those ecrrepl computes "
            "from its configuration and the live state (was it edited?); nothing was "
            f"written. Run `ecrrepl diff --out {path} --overwrite` again."
        )


def _writes(plan: Plan) -> tuple[object, ...]:
    """The writes as apply sends them: of a registry policy only ecrrepl's statements, which
    are merged into the policy as it is live at the moment of writing. Those of every
    managed policy count, written or not: an edit to a policy that needs no write is
    refused too rather than silently ignored."""
    owned = owned_by_plan(plan)
    policies = tuple(
        (s.registry, owned_statements(s.policy, lambda sid: owns_statement(sid, owned)))
        for s in plan.registry_policies
        if s.managed
    )
    return (policies, plan.template_writes, plan.replication_writes)


def _hint(plan: Plan, refused: Sequence[str]) -> str:
    if set(refused) <= set(plan.missing_grants):
        return (
            "; once the destinations' owners add the statements, run apply again, or pass "
            "--allow-missing-grants when the grants are on their way"
        )
    return ""


def apply(
    arguments: Sequence[str],
    *,
    yes: bool = False,
    allow_deny: bool = False,
    allow_missing_grants: bool = False,
    backup_dir: str,
    config_files: Sequence[str] = (),
    registries: Sequence[str | RegistryAddress] = (),
    ignore: Sequence[str] = (),
    profile: str | None = None,
    color: bool = False,
    out: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    from ecrrepl.aws.applier import writes_of
    from ecrrepl.aws.reader import read_state
    from ecrrepl.plan.writes import plan_backup, plan_writes

    stream = sys.stdout if out is None else out
    scope = registry_options(registries, "--registry")
    saved: Plan | None = None
    config: Config
    if is_plan_file(arguments):
        from ecrrepl.config.files import expand_arguments
        from ecrrepl.plan.provenance import check_provenance

        if scope:
            raise UsageError(
                "--registry goes with configuration files: a saved plan keeps the scope of "
                "the `diff --registry` that saved it"
            )
        if ignore:
            raise UsageError("--ignore goes with configuration files: a saved plan is not linted")
        saved = read_plan_file(arguments[0])
        for note in check_provenance(saved, arguments[0], expand_arguments(config_files)):
            stream.write(note + "\n")
        config = saved.desired_config()
        if saved.scope:
            from ecrrepl.scope import scope_words

            sys.stderr.write(scope_words(config, saved.scope) + "\n")
    elif config_files:
        raise UsageError("--config goes with a saved plan (apply PLAN.json --config FILE)")
    else:
        config = scoped(load_sound_config(arguments, ignore=ignore, color=color).config, scope)
    sessions = open_sessions(config, profile)
    live = read_state(config, sessions)
    refuse_if_unread(live)
    if saved is not None:
        refuse_if_changed(
            saved.fingerprint,
            state_fingerprint(config, live),
            f"the live registries changed since {arguments[0]} was saved "
            "(by someone else, or by applying it already)",
            " ".join(
                [
                    "ecrrepl diff",
                    *(s.name for s in saved.sources),
                    *(f"--registry {address}" for address in saved.scope),
                    "--out",
                    arguments[0],
                    "--overwrite",
                ]
            ),
        )
    plan = compute_plan(config, live)
    if saved is not None:
        # The computed plan, not the saved one, is shown and written: every word on the
        # screen comes from the writes and the live state, none from the file's text.
        refuse_if_not_what_ecrrepl_computes(saved, plan, config, arguments[0])

    stream.write(render_plan(plan, "text", color=color))
    # Another owner's Deny, or a grant another owner has to add, cannot be fixed here:
    # --allow-deny and --allow-missing-grants write despite them.
    tolerated = set(plan.denials) if allow_deny else set()
    tolerated |= set(plan.missing_grants) if allow_missing_grants else set()
    refused = [error for error in plan.errors if error not in tolerated]
    if refused:
        raise UserError(f"the plan has errors (above); nothing was written{_hint(plan, refused)}")
    if not plan.has_changes:
        stream.write("Nothing to apply.\n")
        return EXIT_OK
    writes = writes_of(plan_writes(plan, live))
    emptied = emptied_by(plan)
    if emptied.count:
        confirm_by_typing(emptied.question(), str(emptied.count), yes=yes, out=stream, stdin=stdin)
    else:
        confirm(f"Apply these {len(writes)} writes?", yes=yes, out=stream, stdin=stdin)

    # Right before writing: has anyone changed what the plan was computed from?
    again = read_state(config, sessions)
    refuse_if_unread(again)
    refuse_if_changed(
        state_fingerprint(config, live),
        state_fingerprint(config, again),
        "the live registries changed while apply was running (someone else wrote to them)",
        " ".join(["ecrrepl diff", *arguments, *(f"--registry {a}" for a in scope)]),
    )
    save_backup(plan_backup(plan, live, dict(config.accounts)), backup_dir, stream)
    report = run_writes(writes, sessions, stream, color=color)
    if not report.succeeded:
        raise UserError(failure_message(report))

    read_back = read_state(config, sessions)
    refuse_if_unread(read_back, f"{len(report.written)} were written, the read-back is incomplete")
    check = compute_plan(config, read_back)
    if check.has_changes:
        stream.write("Read back after writing, the live registries still differ:\n")
        stream.write(render_plan(check, "text", color=color))
        raise UserError("the read-back differs from the configuration (above)")
    stream.write("Read back: the live registries match the configuration.\n")
    stream.write(f"Apply complete: {len(report.written)} written.\n")
    return EXIT_OK if not (set(check.errors) - tolerated) else EXIT_FAILED
