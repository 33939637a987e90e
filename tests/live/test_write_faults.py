"""A write that fails halfway: later writes are not attempted, replication never runs
without permission, the report says what happened, and running again converges."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto.core.exceptions import ServiceException
from moto.ecr.models import ECRBackend

from harness import lab
from harness.lab import DR, EU, SOURCE, SOURCE_SID
from harness.live_steps import Live

# AccessDeniedException is not among ECR's modelled errors, yet it is what IAM answers.
pytestmark = pytest.mark.filterwarnings("ignore:Exception.*does not match an error shape")


class AccessDenied(ServiceException):
    code = "AccessDeniedException"


class Denials:
    """ECR operations that fail with AccessDenied in one account, as an IAM policy would."""

    def __init__(self) -> None:
        self._patches = pytest.MonkeyPatch()

    def deny(self, operation: str, account: str) -> None:
        original = getattr(ECRBackend, operation)

        def denied(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
            if backend.account_id == account:
                raise AccessDenied(
                    f"User: arn:aws:sts::{account}:assumed-role/ecrrepl/ecrrepl is not "
                    f"authorized to perform: ecr:{operation} on resource: {account}"
                )
            return original(backend, *args, **kwargs)

        self._patches.setattr(ECRBackend, operation, denied)

    def lift(self) -> None:
        self._patches.undo()


@pytest.fixture
def denials() -> Iterator[Denials]:
    denied = Denials()
    yield denied
    denied.lift()


@pytest.fixture
def applied(aws: None, config_file: str, run: Callable[..., Any]) -> Iterator[None]:
    """The full configuration applied once, successfully."""
    outcome = run("apply", "--yes", config_file)
    assert outcome.exit_code == 0, outcome.stderr
    yield


def test_denied_policy_write_stops_before_the_source_is_written(
    aws: None, config_file: str, live: Live, denials: Denials
) -> None:
    denials.deny("put_registry_policy", DR[0])

    outcome = live.run("apply", "--yes", config_file)

    assert outcome.exit_code == 1
    lines = outcome.stdout.splitlines()
    progress = lines[lines.index("Writing 3 documents:") + 1 :]
    assert progress == [
        "  done    put the registry policy of 222222222222/eu-west-1 (323 characters)",
        "  FAILED  put the registry policy of 333333333333/us-east-2 (263 characters): "
        "PutRegistryPolicy failed in account 333333333333 region us-east-2: "
        "AccessDeniedException: User: arn:aws:sts::333333333333:assumed-role/ecrrepl/ecrrepl "
        "is not authorized to perform: ecr:put_registry_policy on resource: 333333333333",
        "  skipped put the replication configuration of 123456789012/us-west-2 (2 rules) "
        "(not attempted)",
    ]
    assert outcome.stderr == (
        "ecrrepl: error: stopped at the first failure: 1 written, 1 failed, 1 not attempted. "
        "Later writes were not attempted so that replication never runs without permission; "
        "fix the cause and run the command again (it converges)\n"
    )
    state = live.live_state()
    assert state[SOURCE]["replication"] == {"rules": []}
    assert [s["Sid"] for s in live.statements(EU)] == [SOURCE_SID]
    assert state[DR]["registry_policy"] is None
    assert len(live.backup_files()) == 1

    denials.lift()  # the permission is granted: running again converges
    again = live.run("apply", "--yes", config_file)
    assert again.exit_code == 0, again.stderr
    assert "Writing 2 documents:" in again.stdout
    assert "Apply complete: 2 written." in again.stdout
    assert live.run("diff", "--exit-code", config_file).exit_code == 0


def test_denied_replication_write_leaves_every_permission_in_place(
    applied: None, reduced_config_file: str, live: Live, denials: Denials
) -> None:
    # Removing destinations: the source must stop sending before their permissions go,
    # so a failure in between leaves replication working as it was.
    before = live.live_state()
    denials.deny("put_replication_configuration", SOURCE[0])

    outcome = live.run("apply", "--yes", reduced_config_file)

    assert outcome.exit_code == 1
    lines = outcome.stdout.splitlines()
    assert lines[lines.index("Writing 3 documents:") + 1 :] == [
        "  FAILED  put the replication configuration of 123456789012/us-west-2 (1 rule): "
        "PutReplicationConfiguration failed in account 123456789012 region us-west-2: "
        "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecrrepl/ecrrepl "
        "is not authorized to perform: ecr:put_replication_configuration on resource: "
        "123456789012",
        "  skipped delete the registry policy of 222222222222/eu-west-1 "
        "(no statement is left) (not attempted)",
        "  skipped delete the registry policy of 333333333333/us-east-2 "
        "(no statement is left) (not attempted)",
    ]
    assert outcome.stderr.startswith(
        "ecrrepl: error: stopped at the first failure: 0 written, 1 failed, 2 not attempted."
    )
    assert live.live_state() == before


def test_grants_come_before_the_source_and_withdrawals_after(applied: None, live: Live) -> None:
    # One write both narrows a statement (prod/ goes) and widens another registry's:
    # each policy write lands on the side of the replication write that keeps it safe.

    policy = {"Version": "2012-10-17", "Statement": [live.foreign_statement, *live.statements(EU)]}
    live.ecr(EU).put_registry_policy(policyText=json.dumps(policy))
    changed = live.write_file("changed.yaml", lab.NARROWED)

    outcome = live.run("apply", "--yes", changed)

    assert outcome.exit_code == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    first = lines.index("Writing 4 documents:") + 1
    writes = lines[first : first + 4]
    assert [line.split(" (")[0] for line in writes] == [
        "  done    put the registry policy of 222222222222/eu-west-1 with the new permissions",
        "  done    put the replication configuration of 123456789012/us-west-2",
        "  done    put the registry policy of 222222222222/eu-west-1",
        "  done    delete the registry policy of 333333333333/us-east-2",
    ]
    final = live.statements(EU)
    assert json.dumps(final[0]) == json.dumps(live.foreign_statement)
    assert final[1]["Resource"] == [
        "arn:aws:ecr:eu-west-1:222222222222:repository/base-*",
        "arn:aws:ecr:eu-west-1:222222222222:repository/tools/*",
    ]
    assert live.run("diff", "--exit-code", changed).exit_code == 0


def test_unwritable_backup_folder_stops_before_any_write(
    aws: None, config_file: str, live: Live
) -> None:
    before = live.live_state()
    not_a_folder = live.write_file("backups", "a file where the backup folder should be\n")

    outcome = live.run("apply", "--yes", "--backup-dir", not_a_folder, config_file)

    assert outcome.exit_code == 1
    assert "Writing" not in outcome.stdout
    assert outcome.stderr.startswith(f"ecrrepl: error: cannot write the backup into {not_a_folder}")
    assert outcome.stderr.endswith("; nothing was written to AWS\n")
    assert live.live_state() == before
