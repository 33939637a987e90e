"""The live state changed under the plan: between `diff --out` and `apply PLAN.json`, or
between apply's first read and its writes. A change to what ecrrepl owns is refused, and
nothing is written; so is a saved plan whose registry policy is no longer the one apply
rebuilds (another owner's statement edited in the file, or changed since `diff --out`).
Another owner's statement written while apply runs is merged into at the moment of
writing and kept."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ecrrepl.aws.reader
from harness.lab import EU, SOURCE_SID
from harness.live_steps import Live, save_and_edit_plan, write_at_the_reread
from harness.policies import policy_of, repositories, root, statement

# ecrrepl's statement for the source, written by hand: wider than the configuration's.
HAND_WRITTEN = statement(
    SOURCE_SID,
    root("123456789012"),
    ["ecr:CreateRepository", "ecr:ReplicateImage"],
    repositories(EU),
)


def someone_elses_write(
    ecr: Callable[[tuple[str, str]], Any], foreign_statement: dict[str, Any]
) -> None:
    ecr(EU).put_registry_policy(policyText=policy_of(foreign_statement))


def write_over_ecrrepls_statement(
    ecr: Callable[[tuple[str, str]], Any], foreign_statement: dict[str, Any]
) -> None:
    """Someone writes ecrrepl's statement in EU by hand, next to their own."""
    ecr(EU).put_registry_policy(policyText=policy_of(foreign_statement, HAND_WRITTEN))


def ecrrepls_statements(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every statement of the registry policies a saved plan would write."""
    return [
        statement
        for section in plan["registry_policies"]
        for statement in (section["policy"] or {}).get("Statement", [])
    ]


def test_a_saved_plan_is_refused_when_the_registries_changed_since(
    aws: None, config_file: str, live: Live
) -> None:
    saved = live.run("diff", "--out", "plan.json", config_file)
    assert saved.exit_code == 0, saved.stderr
    write_over_ecrrepls_statement(live.ecr, live.foreign_statement)
    before = live.live_state()

    outcome = live.run("apply", "plan.json", "--yes")

    assert outcome.exit_code == 1
    assert outcome.stdout == ""
    assert outcome.stderr == (
        "ecrrepl: error: the live registries changed since plan.json was saved (by someone "
        "else, or by applying it already); nothing was written. Run `ecrrepl diff "
        "ecrrepl.yaml --out plan.json --overwrite` again and review what it shows now.\n"
    )
    assert live.live_state() == before
    assert live.backup_files() == []


def test_a_saved_plan_applies_once(aws: None, config_file: str, live: Live) -> None:
    assert live.run("diff", "--out", "plan.json", config_file).exit_code == 0
    first = live.run("apply", "plan.json", "--yes")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.endswith("Apply complete: 3 written.\n")

    second = live.run("apply", "plan.json", "--yes")

    assert (second.exit_code, second.stdout) == (1, "")
    assert "changed since plan.json was saved" in second.stderr
    assert len(live.backup_files()) == 1


def test_apply_is_refused_when_the_registries_change_while_it_runs(
    aws: None, config_file: str, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = write_at_the_reread(
        monkeypatch,
        ecrrepl.aws.reader,
        "read_state",
        lambda: write_over_ecrrepls_statement(live.ecr, live.foreign_statement),
    )

    outcome = live.run("apply", "--yes", config_file)

    assert outcome.exit_code == 1
    assert outcome.stdout.endswith("Plan: 4 to add, 0 to change, 0 to remove.\n")
    assert outcome.stderr == (
        "ecrrepl: error: the live registries changed while apply was running (someone else "
        "wrote to them); nothing was written. Run `ecrrepl diff ecrrepl.yaml` again and "
        "review what it shows now.\n"
    )
    assert len(reads) == 2
    monkeypatch.undo()
    after = live.live_state()
    assert json.loads(after[EU]["registry_policy"])["Statement"] == [
        live.foreign_statement,
        HAND_WRITTEN,
    ]
    assert after[("123456789012", "us-west-2")]["replication"] == {"rules": []}
    assert after[("333333333333", "us-east-2")]["registry_policy"] is None
    assert live.backup_files() == []


def test_an_edited_plan_that_widens_ecrrepls_statement_is_refused(
    aws: None, config_file: str, live: Live
) -> None:
    def widen(plan: dict[str, Any]) -> None:
        for written in ecrrepls_statements(plan):
            if written.get("Sid") == SOURCE_SID:
                written["Resource"] = HAND_WRITTEN["Resource"]

    someone_elses_write(live.ecr, live.foreign_statement)
    save_and_edit_plan(live.run, config_file, widen)
    before = live.live_state()

    outcome = live.run("apply", "plan.json", "--yes")

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        "ecrrepl: error: plan.json does not hold the writes ecrrepl computes from its "
        "configuration and the live state (was it edited?); nothing was written. Run "
        "`ecrrepl diff --out plan.json --overwrite` again.\n"
    )
    assert live.live_state() == before
    assert live.backup_files() == []


def _refused_for_documents(outcome: Any, what: str) -> None:
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        "ecrrepl: error: plan.json holds documents that are not what apply would write now: "
        f"the registry policy of 222222222222/eu-west-1 ({what}) differ from the live state "
        "(edited in the file, or changed by their owner since it was saved); nothing was "
        "written. Run `ecrrepl diff --out plan.json --overwrite` again.\n"
    )


def drop_the_foreign_statement(plan: dict[str, Any], sid: str) -> None:
    for section in plan["registry_policies"]:
        if section["policy"]:
            statements = section["policy"]["Statement"]
            section["policy"]["Statement"] = [s for s in statements if s.get("Sid") != sid]


def widen_the_foreign_statement(plan: dict[str, Any], sid: str) -> None:
    for written in ecrrepls_statements(plan):
        if written.get("Sid") == sid:
            written["Resource"] = "*"


# Other owners' statements are never sent from the plan file, but the file is read as
# what will be written: one that no longer shows them as they are is refused.
@pytest.mark.parametrize("edit", [drop_the_foreign_statement, widen_the_foreign_statement])
def test_an_edited_plan_that_changes_another_owners_statement_is_refused(
    aws: None, config_file: str, live: Live, edit: Callable[[dict[str, Any], str], None]
) -> None:
    someone_elses_write(live.ecr, live.foreign_statement)
    save_and_edit_plan(
        live.run, config_file, lambda plan: edit(plan, live.foreign_statement["Sid"])
    )
    before = live.live_state()

    outcome = live.run("apply", "plan.json", "--yes")

    _refused_for_documents(outcome, live.foreign_statement["Sid"])
    assert live.live_state() == before
    assert live.backup_files() == []


def test_another_owners_statement_added_after_diff_is_refused_then_merged(
    aws: None, config_file: str, live: Live
) -> None:
    assert live.run("diff", "--out", "plan.json", config_file).exit_code == 0
    someone_elses_write(live.ecr, live.foreign_statement)

    # The plan says the policy will hold ecrrepl's statement alone: no longer true.
    _refused_for_documents(live.run("apply", "plan.json", "--yes"), live.foreign_statement["Sid"])
    assert live.run("diff", "--out", "plan.json", "--overwrite", config_file).exit_code == 0
    outcome = live.run("apply", "plan.json", "--yes")

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert [s["Sid"] for s in live.statements(EU)] == [live.foreign_statement["Sid"], SOURCE_SID]
    assert json.dumps(live.statements(EU)[0]) == json.dumps(live.foreign_statement)
    assert (
        "  done    put the registry policy of 222222222222/eu-west-1 (523 characters)\n"
    ) in outcome.stdout
    assert live.run("diff", "--exit-code", config_file).exit_code == 0


def test_another_owners_statement_added_while_apply_runs_is_kept(
    aws: None, config_file: str, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = write_at_the_reread(
        monkeypatch,
        ecrrepl.aws.reader,
        "read_state",
        lambda: someone_elses_write(live.ecr, live.foreign_statement),
    )

    outcome = live.run("apply", "--yes", config_file)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert len(reads) >= 2  # the other owner wrote, at the re-read
    assert [s["Sid"] for s in live.statements(EU)] == [live.foreign_statement["Sid"], SOURCE_SID]
    assert json.dumps(live.statements(EU)[0]) == json.dumps(live.foreign_statement)


def test_an_edited_plan_with_a_broken_rule_is_refused(
    aws: None, config_file: str, live: Live
) -> None:
    assert live.run("diff", "--out", "plan.json", config_file).exit_code == 0
    plan_file = Path("plan.json")
    plan_file.write_text(plan_file.read_text().replace('"prod/"', '"Bad_Filter!"'))
    before = live.live_state()

    # With its file next to it, the plan is refused first for not being what it says.
    beside = live.run("apply", "plan.json", "--yes")
    assert (beside.exit_code, beside.stdout) == (1, "")
    assert beside.stderr.startswith(
        "ecrrepl: error: the plan's configuration is not what its files say: "
    )

    # Carried elsewhere, without its file, the configuration it carries is linted.
    os.remove(config_file)
    outcome = live.run("apply", "plan.json", "--yes")

    assert outcome.exit_code == 1
    assert outcome.stdout.count("Note: ") == 2 and outcome.stdout.endswith(
        "could not be checked against its files (not all of them are there).\n"
    )
    assert outcome.stderr.startswith(
        "ecrrepl: error: plan.json carries a configuration with errors (E104: "
    )
    assert live.live_state() == before
