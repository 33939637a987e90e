"""`restore` puts back what ecrrepl owns and nothing else: statements other owners added
to a registry policy after the backup, or while restore runs, stay; a change to what
ecrrepl owns while restore runs is refused."""

from __future__ import annotations

import json

import pytest

import ecrrepl.aws.applier
from harness.lab import DR, EU, SOURCE, SOURCE_SID
from harness.live_steps import Live, apply_and_backup, write_at_the_reread
from harness.policies import policy_of, repositories, root, statement

# ecrrepl's statement for the source in DR, written by hand.
HAND_WRITTEN = statement(SOURCE_SID, root("123456789012"), ["ecr:ReplicateImage"], repositories(DR))


def test_statements_added_after_the_backup_are_kept(
    aws: None, config_file: str, live: Live
) -> None:
    before = live.live_state()
    backup = apply_and_backup(live.run, config_file)
    # Another team adds its statement to the policy ecrrepl created.
    live.ecr(EU).put_registry_policy(
        policyText=policy_of(*live.statements(EU), live.foreign_statement)
    )

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    after = live.live_state()
    assert after[SOURCE] == before[SOURCE]
    assert after[DR] == before[DR]
    # The backup says "no policy", but the policy is not ecrrepl's alone any more.
    assert [json.dumps(s) for s in live.statements(EU)] == [json.dumps(live.foreign_statement)]
    assert live.run("restore", "--yes", backup).stdout.endswith(
        "Nothing to restore: the registries already match the backup.\n"
    )


def test_other_owners_changes_since_the_backup_are_not_reverted(
    aws: None, config_file: str, reduced_config_file: str, live: Live
) -> None:
    live.ecr(EU).put_registry_policy(policyText=policy_of(live.foreign_statement))
    apply_and_backup(live.run, config_file)
    backup = apply_and_backup(live.run, reduced_config_file)
    changed = dict(
        live.foreign_statement, Resource="arn:aws:ecr:eu-west-1:222222222222:repository/*"
    )
    live.ecr(EU).put_registry_policy(policyText=policy_of(changed))

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert [s["Sid"] for s in live.statements(EU)] == [
        live.foreign_statement["Sid"],
        SOURCE_SID,
    ]
    assert live.statements(EU)[0] == changed
    assert live.run("diff", "--exit-code", config_file).exit_code == 0


def test_restore_is_refused_when_the_registries_change_while_it_runs(
    aws: None, config_file: str, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = apply_and_backup(live.run, config_file)
    reads = write_at_the_reread(
        monkeypatch,
        ecrrepl.aws.applier,
        "read_backed_up_state",
        lambda: live.ecr(DR).put_registry_policy(
            policyText=policy_of(live.foreign_statement, HAND_WRITTEN)
        ),
    )

    outcome = live.run("restore", "--yes", backup)

    assert outcome.exit_code == 1
    assert len(reads) == 2
    assert outcome.stderr == (
        "ecrrepl: error: the live registries changed while restore was running (someone else "
        f"wrote to them); nothing was written. Run `ecrrepl restore {backup}` again and "
        "review what it shows now.\n"
    )
    monkeypatch.undo()
    after = live.live_state()
    assert json.loads(after[DR]["registry_policy"])["Statement"] == [
        live.foreign_statement,
        HAND_WRITTEN,
    ]
    assert after[SOURCE]["replication"]["rules"] != []
    assert len(live.backup_files()) == 1


def test_another_owners_statement_written_while_restore_runs_is_kept(
    aws: None, config_file: str, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = live.live_state()
    backup = apply_and_backup(live.run, config_file)
    reads = write_at_the_reread(
        monkeypatch,
        ecrrepl.aws.applier,
        "read_backed_up_state",
        lambda: live.ecr(DR).put_registry_policy(
            policyText=policy_of(*live.statements(DR), live.foreign_statement)
        ),
    )

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert len(reads) >= 2  # the other owner wrote, at the re-read

    assert [json.dumps(s) for s in live.statements(DR)] == [json.dumps(live.foreign_statement)]
    after = live.live_state()
    assert after[SOURCE] == before[SOURCE]
    assert after[EU] == before[EU]
