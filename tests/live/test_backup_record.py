"""A backup records what its run wrote, and restore undoes only that: an edited backup
that lists a registry the run never wrote, claims another configuration's statement, or
widens one of ecrrepl's grants is refused with the reason before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import configs, lab
from harness.live_steps import Live, apply_and_backup, edit_json

SOURCE = lab.SOURCE
EU = lab.EU
# Another registry of the source account, which another configuration owns.
OTHER = ("123456789012", "eu-central-1")
OTHER_SID = "Ecrrepl123456789012eucentral1"
OURS = "Ecrrepl123456789012uswest2"

OTHER_CONFIG = configs.document(
    configs.registry(configs.rule(EU, filters=["team/"]), account=OTHER[0], region=OTHER[1]),
    accounts=[configs.account(EU[0])],
)


def refused(
    run: Callable[..., Any],
    backup: str,
    live_state: Callable[[], dict[Any, Any]],
    backup_files: Callable[[], list[Path]],
) -> str:
    """Restore `backup`: the error line, after checking that nothing was written."""
    before, taken = live_state(), backup_files()
    outcome = run("restore", "--yes", backup)
    assert (outcome.exit_code, live_state(), backup_files()) == (1, before, taken)
    assert outcome.stderr.count("\n") == 1
    message: str = outcome.stderr
    return message


def test_a_registry_the_run_never_wrote_is_not_overwritten(
    aws: None, config_file: str, live: Live
) -> None:
    # Someone else's replication configuration, in a registry no configuration lists.
    theirs = {"rules": [{"destinations": [{"region": "eu-west-3", "registryId": SOURCE[0]}]}]}
    live.ecr(OTHER).put_replication_configuration(replicationConfiguration=theirs)
    backup = apply_and_backup(live.run, config_file)

    def add_the_registry(data: dict[str, Any]) -> None:
        data["sources"].append("123456789012/eu-central-1")
        data["owned_sids"].append(OTHER_SID)
        data["replication"]["123456789012/eu-central-1"] = {"rules": []}
        data["replication_written"]["123456789012/eu-central-1"] = {"rules": []}

    message = refused(
        live.run, edit_json(backup, add_the_registry), live.live_state, live.backup_files
    )

    assert message == (
        "ecrrepl: error: restore refused, nothing was written: 123456789012/eu-central-1 "
        "(account 123456789012, region eu-central-1): its replication configuration is not "
        "the one apply wrote there (changed since, or never written by it), so restore does "
        "not put the backed-up rules back. A backup restores only what its run wrote; restore "
        "later backups first, or set these by hand\n"
    )
    assert lab.replication(live.ecr(OTHER))["rules"] == theirs["rules"]


def test_a_registry_listed_without_what_the_run_wrote_is_refused_offline(
    aws: None, config_file: str, live: Live
) -> None:
    backup = apply_and_backup(live.run, config_file)

    def add_the_registry(data: dict[str, Any]) -> None:
        data["replication"]["123456789012/eu-central-1"] = {"rules": []}

    message = refused(
        live.run, edit_json(backup, add_the_registry), live.live_state, live.backup_files
    )

    assert message == (
        f"ecrrepl: error: {backup} is not a usable backup: 123456789012/eu-central-1 is in "
        "replication but missing from replication_written\n"
    )


def test_another_configurations_statement_is_not_removed(
    aws: None, config_file: str, live: Live
) -> None:
    apply_and_backup(live.run, live.write_file("other.yaml", OTHER_CONFIG))
    backup = apply_and_backup(live.run, config_file)
    assert [s["Sid"] for s in live.statements(EU)] == [OTHER_SID, OURS]

    def claim_the_other_statement(data: dict[str, Any]) -> None:
        data["sources"].append("123456789012/eu-central-1")
        data["owned_sids"].append(OTHER_SID)
        policy = data["registry_policies"]["222222222222/eu-west-1"]
        policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != OTHER_SID]

    message = refused(
        live.run, edit_json(backup, claim_the_other_statement), live.live_state, live.backup_files
    )

    assert message == (
        "ecrrepl: error: restore refused, nothing was written: 222222222222/eu-west-1 "
        "(account 222222222222, region eu-west-1): ecrrepl's statements in its registry "
        f"policy are not the ones apply wrote there ({OTHER_SID} changed since, or never "
        "written by it), so restore does not put the backed-up statements back. A backup "
        "restores only what its run wrote; restore later backups first, or set these by hand\n"
    )
    assert [s["Sid"] for s in live.statements(EU)] == [OTHER_SID, OURS]


def test_the_same_backup_unedited_restores(aws: None, config_file: str, live: Live) -> None:
    apply_and_backup(live.run, live.write_file("other.yaml", OTHER_CONFIG))
    backup = apply_and_backup(live.run, config_file)

    outcome = live.run("restore", "--yes", str(backup))

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert [s["Sid"] for s in live.statements(EU)] == [OTHER_SID]


def test_a_grant_wider_than_the_rules_need_is_not_put_back(
    aws: None, config_file: str, reduced_config_file: str, live: Live
) -> None:
    apply_and_backup(live.run, config_file)
    backup = apply_and_backup(live.run, reduced_config_file)
    assert live.statements(EU) == []

    def widen(data: dict[str, Any]) -> None:
        (statement,) = data["registry_policies"]["222222222222/eu-west-1"]["Statement"]
        statement["Resource"] = ["arn:aws:ecr:eu-west-1:222222222222:repository/*"]

    message = refused(live.run, edit_json(backup, widen), live.live_state, live.backup_files)

    assert message == (
        "ecrrepl: error: restore refused, nothing was written: 222222222222/eu-west-1 "
        f"(account 222222222222, region eu-west-1): statement {OURS} would grant account "
        "123456789012 arn:aws:ecr:eu-west-1:222222222222:repository/*, which no rule it "
        "leaves sends there needs, so restore does not put it back. A backup restores only "
        "what its run wrote; restore later backups first, or set these by hand\n"
    )
    assert live.statements(EU) == []


def test_a_grant_no_rule_needs_after_the_restore_is_not_put_back(
    aws: None, config_file: str, reduced_config_file: str, live: Live
) -> None:
    apply_and_backup(live.run, config_file)
    backup = apply_and_backup(live.run, reduced_config_file)

    def keep_the_reduced_rules(data: dict[str, Any]) -> None:
        # The rules go back as they are now (sending to neither account), the grants not.
        data["replication"] = data["replication_written"]

    message = refused(
        live.run, edit_json(backup, keep_the_reduced_rules), live.live_state, live.backup_files
    )

    assert "statement Ecrrepl123456789012uswest2 would grant account 123456789012" in message
    assert "222222222222/eu-west-1" in message and "333333333333/us-east-2" in message
