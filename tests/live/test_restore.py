"""`restore` puts back what ecrrepl owns and nothing else: statements other owners added
to a registry policy after the backup, or while restore runs, stay; a change to what
ecrrepl owns while restore runs is refused."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ecrrepl.aws.applier

SOURCE = ("123456789012", "us-west-2")
EU = ("222222222222", "eu-west-1")
DR = ("333333333333", "us-east-2")
# ecrrepl's statement for the source in DR, written by hand.
HAND_WRITTEN = {
    "Sid": "Ecrrepl123456789012uswest2",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": ["ecr:ReplicateImage"],
    "Resource": "arn:aws:ecr:us-east-2:333333333333:repository/*",
}


def apply_and_backup(run: Callable[..., Any], config: str) -> str:
    """Apply `config`; the path of the backup it took."""
    outcome = run("apply", "--yes", config)
    assert outcome.exit_code == 0, outcome.stderr
    found = re.search(r"^Backup of the previous state: (\S+)", outcome.stdout, re.MULTILINE)
    assert found is not None
    return found.group(1)


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
    policy = {"Version": "2012-10-17", "Statement": [*statements(EU), foreign_statement]}
    ecr(EU).put_registry_policy(policyText=json.dumps(policy))

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
    ecr(EU).put_registry_policy(
        policyText=json.dumps({"Version": "2012-10-17", "Statement": [foreign_statement]})
    )
    apply_and_backup(run, config_file)
    backup = apply_and_backup(run, reduced_config_file)
    changed = dict(foreign_statement, Resource="arn:aws:ecr:eu-west-1:222222222222:repository/*")
    ecr(EU).put_registry_policy(
        policyText=json.dumps({"Version": "2012-10-17", "Statement": [changed]})
    )

    outcome = run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert [s["Sid"] for s in statements(EU)] == [
        foreign_statement["Sid"],
        "Ecrrepl123456789012uswest2",
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
    by_hand = {"Version": "2012-10-17", "Statement": [foreign_statement, HAND_WRITTEN]}
    read = ecrrepl.aws.applier.read_backed_up_state
    reads = []

    def read_then_someone_writes(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        if len(reads) == 2:  # the re-read right before writing
            ecr(DR).put_registry_policy(policyText=json.dumps(by_hand))
        return read(*args, **kwargs)

    monkeypatch.setattr(ecrrepl.aws.applier, "read_backed_up_state", read_then_someone_writes)

    outcome = run("restore", "--yes", backup)

    assert outcome.exit_code == 1
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
    read = ecrrepl.aws.applier.read_backed_up_state
    reads = []

    def read_then_someone_writes(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        if len(reads) == 2:  # the re-read right before writing
            policy = {"Version": "2012-10-17", "Statement": [*statements(DR), foreign_statement]}
            ecr(DR).put_registry_policy(policyText=json.dumps(policy))
        return read(*args, **kwargs)

    monkeypatch.setattr(ecrrepl.aws.applier, "read_backed_up_state", read_then_someone_writes)

    outcome = run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert [json.dumps(s) for s in statements(DR)] == [json.dumps(foreign_statement)]
    after = live_state()
    assert after[SOURCE] == before[SOURCE]
    assert after[EU] == before[EU]
