"""`restore` puts back what ecrrepl owns and nothing else: statements other owners added
to a registry policy after the backup, or while restore runs, stay; a change to what
ecrrepl owns while restore runs is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ecrrepl.aws.applier
from harness.lab import DR, EU, SOURCE, SOURCE_SID
from harness.live_steps import apply_and_backup, write_at_the_reread
from harness.policies import policy_of, repositories, root, statement

# ecrrepl's statement for the source in DR, written by hand.
HAND_WRITTEN = statement(SOURCE_SID, root("123456789012"), ["ecr:ReplicateImage"], repositories(DR))


def test_statements_added_after_the_backup_are_kept(
    aws: None,
    config_file: str,
    run: Callable[..., Any],
    ecr: Callable[[tuple[str, str]], Any],
    statements: Callable[[tuple[str, str]], list[dict[str, Any]]],
    foreign_statement: dict[str, Any],
    live_state: Callable[[], dict[Any, Any]],
    backup_files: Callable[[], list[Path]],
) -> None:
    before = live_state()
    backup = apply_and_backup(run, config_file)
    # Another team adds its statement to the policy ecrrepl created.
    ecr(EU).put_registry_policy(policyText=policy_of(*statements(EU), foreign_statement))

    outcome = run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    after = live_state()
    assert after[SOURCE] == before[SOURCE]
    assert after[DR] == before[DR]
    # The backup says "no policy", but the policy is not ecrrepl's alone any more.
    assert [json.dumps(s) for s in statements(EU)] == [json.dumps(foreign_statement)]
    assert run("restore", "--yes", backup).stdout.endswith(
        "Nothing to restore: the registries already match the backup.\n"
    )


def test_other_owners_changes_since_the_backup_are_not_reverted(
    aws: None,
    config_file: str,
    reduced_config_file: str,
    run: Callable[..., Any],
    ecr: Callable[[tuple[str, str]], Any],
    statements: Callable[[tuple[str, str]], list[dict[str, Any]]],
    foreign_statement: dict[str, Any],
    backup_files: Callable[[], list[Path]],
) -> None:
    ecr(EU).put_registry_policy(policyText=policy_of(foreign_statement))
    apply_and_backup(run, config_file)
    backup = apply_and_backup(run, reduced_config_file)
    changed = dict(foreign_statement, Resource="arn:aws:ecr:eu-west-1:222222222222:repository/*")
    ecr(EU).put_registry_policy(policyText=policy_of(changed))

    outcome = run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert [s["Sid"] for s in statements(EU)] == [
        foreign_statement["Sid"],
        SOURCE_SID,
    ]
    assert statements(EU)[0] == changed
    assert run("diff", "--exit-code", config_file).exit_code == 0


def test_restore_is_refused_when_the_registries_change_while_it_runs(
    aws: None,
    config_file: str,
    run: Callable[..., Any],
    ecr: Callable[[tuple[str, str]], Any],
    foreign_statement: dict[str, Any],
    live_state: Callable[[], dict[Any, Any]],
    backup_files: Callable[[], list[Path]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = apply_and_backup(run, config_file)
    reads = write_at_the_reread(
        monkeypatch,
        ecrrepl.aws.applier,
        "read_backed_up_state",
        lambda: ecr(DR).put_registry_policy(policyText=policy_of(foreign_statement, HAND_WRITTEN)),
    )

    outcome = run("restore", "--yes", backup)

    assert outcome.exit_code == 1
    assert len(reads) == 2
    assert outcome.stderr == (
        "ecrrepl: error: the live registries changed while restore was running (someone else "
        f"wrote to them); nothing was written. Run `ecrrepl restore {backup}` again and "
        "review what it shows now.\n"
    )
    monkeypatch.undo()
    after = live_state()
    assert json.loads(after[DR]["registry_policy"])["Statement"] == [
        foreign_statement,
        HAND_WRITTEN,
    ]
    assert after[SOURCE]["replication"]["rules"] != []
    assert len(backup_files()) == 1


def test_another_owners_statement_written_while_restore_runs_is_kept(
    aws: None,
    config_file: str,
    run: Callable[..., Any],
    ecr: Callable[[tuple[str, str]], Any],
    statements: Callable[[tuple[str, str]], list[dict[str, Any]]],
    foreign_statement: dict[str, Any],
    live_state: Callable[[], dict[Any, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = live_state()
    backup = apply_and_backup(run, config_file)
    reads = write_at_the_reread(
        monkeypatch,
        ecrrepl.aws.applier,
        "read_backed_up_state",
        lambda: ecr(DR).put_registry_policy(
            policyText=policy_of(*statements(DR), foreign_statement)
        ),
    )

    outcome = run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert len(reads) == 2

    assert [json.dumps(s) for s in statements(DR)] == [json.dumps(foreign_statement)]
    after = live_state()
    assert after[SOURCE] == before[SOURCE]
    assert after[EU] == before[EU]
