"""The configuration a saved plan carries must be the one its files give: the digests the
plan records prove nothing about the accounts, rules and templates written next to them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import lab
from harness.live_steps import Live

NOT_ITS_FILES = (
    "ecrrepl: error: the plan's configuration is not what its files say: plan.json carries "
    "accounts, rules or templates that its configuration files (whose sha256 it records) do "
    "not declare; nothing was written."
)

# CONFIG, and rule `secret` sends secret/ to 333333333333 in eu-west-1 too.
WIDENED = (
    lab.CONFIG
    + """\
      - name: secret
        filters: [secret/]
        destinations:
          - {account: "333333333333", region: eu-west-1}
"""
)


def _records_untouched_file(plan_path: Path, config_file: str) -> None:
    """The plan now names the untouched file, with its true digest."""
    plan = json.loads(plan_path.read_text())
    digest = hashlib.sha256(Path(config_file).read_bytes()).hexdigest()
    plan["config_files"] = [{"name": config_file, "path": config_file, "sha256": digest}]
    plan_path.write_text(json.dumps(plan))


def test_a_plan_of_other_files_relabelled_as_these_is_refused(
    aws: None, config_file: str, live: Live
) -> None:
    edited = live.write_file("edited.yaml", WIDENED)
    assert live.run("diff", "--out", "plan.json", edited).exit_code == 0
    _records_untouched_file(Path("plan.json"), config_file)
    before = live.live_state()

    for extra in (("--config", config_file), ()):
        outcome = live.run("apply", "plan.json", "--yes", *extra)

        assert (outcome.exit_code, outcome.stdout) == (1, ""), outcome.stdout
        assert outcome.stderr.startswith(NOT_ITS_FILES)
    assert live.live_state() == before
    assert live.backup_files() == []


def test_a_file_recorded_twice_must_be_there_for_each_record(
    aws: None, config_file: str, live: Live
) -> None:
    edited = live.write_file("edited.yaml", WIDENED)
    assert live.run("diff", "--out", "plan.json", edited).exit_code == 0
    _records_untouched_file(Path("plan.json"), config_file)
    plan = json.loads(Path("plan.json").read_text())
    plan["config_files"] *= 2
    Path("plan.json").write_text(json.dumps(plan))

    outcome = live.run("apply", "plan.json", "--yes")

    assert (outcome.exit_code, outcome.stdout) == (1, ""), outcome.stdout
    assert outcome.stderr.startswith(NOT_ITS_FILES)


def test_a_plan_whose_accounts_were_edited_is_refused(
    aws: None, config_file: str, live: Live
) -> None:
    assert live.run("diff", "--out", "plan.json", config_file).exit_code == 0
    plan_file = Path("plan.json")
    original = plan_file.read_text()
    edits = {
        "role_arn": "arn:aws:iam::222222222222:role/someone-else",
        "external_id": "planted-external-id",
        "profile": "planted-profile",
    }
    before = live.live_state()
    for field, value in edits.items():
        plan = json.loads(original)
        plan["accounts"]["222222222222"][field] = value
        plan_file.write_text(json.dumps(plan))

        outcome = live.run("apply", "plan.json", "--yes")

        assert outcome.exit_code == 1, (field, outcome.stdout)
        assert outcome.stderr.startswith(NOT_ITS_FILES), field
    assert live.live_state() == before


def test_a_plan_whose_files_say_the_same_is_applied(
    aws: None, config_file: str, run: Callable[..., Any]
) -> None:
    assert run("diff", "--out", "plan.json", config_file).exit_code == 0
    # The same configuration spelt otherwise (comments, order of keys) is the same model.
    Path(config_file).write_text("# reviewed\n" + lab.CONFIG)
    _records_untouched_file(Path("plan.json"), config_file)

    outcome = run("apply", "plan.json", "--yes")

    assert outcome.exit_code == 0, outcome.stderr
    assert "Note:" not in outcome.stdout


# CONFIG, and rule `local` sends local/ within the source account: no registry policy changes.
LOCAL_ONLY = (
    lab.CONFIG
    + """\
      - name: local
        filters: [local/]
        destinations:
          - region: eu-central-1
"""
)


def test_an_edited_policy_that_needs_no_write_is_refused(
    aws: None, config_file: str, live: Live
) -> None:
    assert live.run("apply", config_file, "--yes").exit_code == 0
    Path(config_file).write_text(LOCAL_ONLY)
    assert live.run("diff", "--out", "plan.json", config_file).exit_code == 0
    plan_file = Path("plan.json")
    plan = json.loads(plan_file.read_text())
    section = plan["registry_policies"][0]
    assert section["managed"] and section["changes"] == []
    statement = section["policy"]["Statement"][0]
    statement["Condition"] = {"StringLike": {"aws:PrincipalArn": "*"}}
    plan_file.write_text(json.dumps(plan))
    before = live.live_state()

    outcome = live.run("apply", "plan.json", "--yes")

    assert outcome.exit_code == 1, outcome.stdout
    assert outcome.stderr.startswith(
        "ecrrepl: error: plan.json does not hold the writes ecrrepl computes from its "
        "configuration and the live state (was it edited?); nothing was written."
    )
    assert live.live_state() == before
