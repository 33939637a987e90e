"""Another owner writes to a registry policy while apply or restore writes it: every stage
merges into the policy as it is right before the write, so nothing the other owner
wrote is lost; a writer that never stops makes the write fail, naming what it changed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness import lab
from harness.lab import SOURCE_SID
from harness.live_steps import Live
from harness.racing import Moment, RacingOwner

CHANGED = lab.NARROWED


@pytest.fixture
def applied(aws: None, config_file: str, run: Callable[..., Any]) -> Iterator[str]:
    """The full configuration applied once; the path of the backup it took."""
    outcome = run("apply", "--yes", config_file)
    assert outcome.exit_code == 0, outcome.stderr
    found = re.search(r"^Backup of the previous state: (\S+)", outcome.stdout, re.MULTILINE)
    assert found is not None
    yield found.group(1)


@pytest.fixture
def race() -> Iterator[pytest.MonkeyPatch]:
    """The patches that let other owners race ecrrepl; undone to read back undisturbed."""
    patches = pytest.MonkeyPatch()
    yield patches
    patches.undo()


def progress(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Writing "))
    return [line for line in lines[first + 1 :] if line.startswith("  ")]


def test_a_racing_writer_in_the_grant_and_withdrawal_stages_loses_nothing(
    applied: str, live: Live, race: pytest.MonkeyPatch
) -> None:
    changed = live.write_file("changed.yaml", CHANGED)
    in_eu = RacingOwner(lab.EU, Moment.AFTER_FIRST_READ, race)
    in_dr = RacingOwner(lab.DR, Moment.AFTER_FIRST_READ, race)

    outcome = live.run("apply", "--yes", changed)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    # One race per policy write: the grant and the withdrawal in EU, the withdrawal in DR.
    assert [s["Sid"] for s in in_eu.written] == ["RacingTeam1", "RacingTeam2"]
    assert [s["Sid"] for s in in_dr.written] == ["RacingTeam1"]
    assert in_eu.as_text(in_eu.surviving()) == in_eu.as_text(in_eu.written)
    assert in_dr.as_text(in_dr.surviving()) == in_dr.as_text(in_dr.written)
    assert [s["Sid"] for s in live.statements(lab.EU)] == ["RacingTeam1", "RacingTeam2", SOURCE_SID]
    # ecrrepl's statement left DR; the other owner's statement is all that is left.
    assert live.statements(lab.DR) == in_dr.written
    assert [line.split(" (")[0] for line in progress(outcome.stdout)] == [
        "  done    put the registry policy of 222222222222/eu-west-1 with the new permissions",
        "  done    put the replication configuration of 123456789012/us-west-2",
        "  done    put the registry policy of 222222222222/eu-west-1",
        "  done    delete the registry policy of 333333333333/us-east-2",
    ]
    assert all(
        line.endswith(": merged into the live policy, which others had changed since it was read")
        for line in progress(outcome.stdout)
        if "registry policy" in line
    )
    race.undo()
    assert live.run("diff", "--exit-code", changed).exit_code == 0


def test_a_racing_writer_while_restore_writes_loses_nothing(
    applied: str, live: Live, race: pytest.MonkeyPatch
) -> None:
    in_eu = RacingOwner(lab.EU, Moment.AFTER_FIRST_READ, race)
    in_dr = RacingOwner(lab.DR, Moment.AFTER_FIRST_READ, race)

    outcome = live.run("restore", "--yes", applied)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout.endswith(
        "Read back: the registries match the backup. Restore complete.\n"
    )
    # The backup holds no policy in either registry: ecrrepl's statements went, the other
    # owner's, written between ecrrepl's read and its write, stayed.
    assert live.statements(lab.EU) == in_eu.written
    assert live.statements(lab.DR) == in_dr.written
    assert [s["Sid"] for s in in_eu.written] == ["RacingTeam1"]


def test_a_write_that_drops_ecrrepls_statement_after_its_put_is_merged_again(
    aws: None, config_file: str, live: Live, race: pytest.MonkeyPatch
) -> None:
    # The other owner read the policy before ecrrepl's put and wrote after it: the
    # read-back misses ecrrepl's statement, so ecrrepl merges into the other owner's text.
    in_eu = RacingOwner(lab.EU, Moment.AFTER_PUT, race)

    outcome = live.run("apply", "--yes", config_file)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert [s["Sid"] for s in live.statements(lab.EU)] == ["RacingTeam1", SOURCE_SID]
    assert in_eu.as_text(in_eu.surviving()) == in_eu.as_text(in_eu.written)
    race.undo()
    assert live.run("diff", "--exit-code", config_file).exit_code == 0


def test_a_writer_that_never_stops_makes_apply_fail_naming_the_statements(
    aws: None, config_file: str, live: Live, race: pytest.MonkeyPatch
) -> None:
    in_eu = RacingOwner(lab.EU, Moment.EVERY_READ, race)

    outcome = live.run("apply", "--yes", config_file)

    assert outcome.exit_code == 1
    assert outcome.stderr == (
        "ecrrepl: error: stopped at the first failure: 0 written, 1 failed, 2 not attempted. "
        "Later writes were not attempted so that replication never runs without permission; "
        "fix the cause and run the command again (it converges)\n"
    )
    failed, *skipped = progress(outcome.stdout)
    assert re.fullmatch(
        r"  FAILED  put the registry policy of 222222222222/eu-west-1 \(323 characters\): "
        r"the registry policy of account 222222222222 region eu-west-1 kept changing while "
        r"ecrrepl wrote it \(3 attempts\); another writer changed: Sid 'RacingTeam' changed "
        r"\([0-9a-f]{8} -> [0-9a-f]{8}\)\. ecrrepl's statements in it may not be as planned; "
        r"run the command again when the other writer is done",
        failed,
    ), failed
    assert [line.split(" (")[0] for line in skipped] == [
        "  skipped put the registry policy of 333333333333/us-east-2",
        "  skipped put the replication configuration of 123456789012/us-west-2",
    ]
    # Nothing was put over the other owner's writes, and no source started sending.
    assert live.statements(lab.EU) == [in_eu.written[-1]]
    state = live.live_state()
    assert state[lab.SOURCE]["replication"] == {"rules": []}
    assert state[lab.DR]["registry_policy"] is None
    assert json.loads(state[lab.EU]["registry_policy"])["Statement"] == [in_eu.written[-1]]


def test_without_another_writer_no_write_says_it_merged(applied: str, live: Live) -> None:
    # ecrrepl's statement first: the merged policy puts it after the other owner's, and
    # that reordering is not another writer's doing.
    lab.put_statements(live.ecr(lab.EU), [*live.statements(lab.EU), live.foreign_statement])
    changed = live.write_file("changed.yaml", CHANGED)

    outcome = live.run("apply", "--yes", changed)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert len(progress(outcome.stdout)) == 4
    assert "merged into the live policy" not in outcome.stdout
    assert json.dumps(live.statements(lab.EU)[0]) == json.dumps(live.foreign_statement)


def test_a_writer_that_always_drops_ecrrepls_statement_makes_apply_fail(
    aws: None, config_file: str, live: Live, race: pytest.MonkeyPatch
) -> None:
    in_eu = RacingOwner(lab.EU, Moment.AFTER_EVERY_PUT, race)

    outcome = live.run("apply", "--yes", config_file)

    assert outcome.exit_code == 1
    failed = progress(outcome.stdout)[0]
    assert failed.startswith("  FAILED  put the registry policy of 222222222222/eu-west-1 ")
    assert re.search(
        r"kept changing while ecrrepl wrote it \(3 attempts\); another writer changed: "
        r"Sid 'RacingTeam3' added \([0-9a-f]{8}\); ecrrepl's own statements\. ecrrepl's "
        r"statements in it may not be as planned; run the command again when the other "
        r"writer is done$",
        failed,
    ), failed
    # Each of ecrrepl's 3 attempts merged the other owner's statements in; its last
    # write, from before ecrrepl's last put, holds them all and not ecrrepl's.
    assert [s["Sid"] for s in in_eu.written] == ["RacingTeam1", "RacingTeam2", "RacingTeam3"]
    assert live.statements(lab.EU) == [*in_eu.written[:2], in_eu.written[2]]
    assert live.live_state()[lab.SOURCE]["replication"] == {"rules": []}
