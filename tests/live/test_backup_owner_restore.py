"""Restore of a backup taken by apply of a configuration with `owner:`: its merged
statement names several source accounts, and restore puts it back as it was; a merged
statement edited to grant more than the rules need is refused for each account it
would widen, nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecrrepl.policy import merged_sid
from harness import lab
from harness.accounts import ecr_client
from harness.live_steps import Live, apply_and_backup

EU = lab.EU
SOURCES = (("123456789012", "us-west-2"), ("444444444444", "us-west-2"))


def owned(filters: str) -> str:
    """Both SOURCES send `filters` to EU, under `owner: platform`."""
    return lab.to_eu(*((source, filters) for source in SOURCES), owner="platform")


ROOTS = ["arn:aws:iam::123456789012:root", "arn:aws:iam::444444444444:root"]


def state() -> dict[Any, Any]:
    return {
        registry: (lab.policy_text(ecr_client(*registry)), lab.replication(ecr_client(*registry)))
        for registry in (EU, *SOURCES)
    }


def applied_twice(
    run: Callable[..., Any], write_file: Callable[[str, str], str]
) -> tuple[str, Path]:
    """Apply prod/ and base/, then prod/ only: the backup of the second apply holds the
    merged statement of both accounts for both prefixes."""
    wide = write_file("wide.yaml", owned("prod/, base/"))
    apply_and_backup(run, wide)
    narrow = write_file("narrow.yaml", owned("prod/"))
    return wide, Path(apply_and_backup(run, narrow))


def test_a_backup_of_merged_statements_restores_them(aws: None, live: Live) -> None:
    wide = live.write_file("wide.yaml", owned("prod/, base/"))
    apply_and_backup(live.run, wide)
    before = live.statements(EU)
    assert [sorted(s["Principal"]["AWS"]) for s in before] == [ROOTS]
    backup = apply_and_backup(live.run, live.write_file("narrow.yaml", owned("prod/")))
    assert live.statements(EU) != before

    outcome = live.run("restore", "--yes", str(backup))

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert live.statements(EU) == before
    assert live.run("diff", "--exit-code", wide).exit_code == 0


def test_a_widened_merged_statement_is_refused_for_each_account(aws: None, live: Live) -> None:
    _, backup = applied_twice(live.run, live.write_file)
    everything = ["arn:aws:ecr:eu-west-1:222222222222:repository/*"]
    widened_sid = merged_sid("platform", ROOTS, everything)
    data = json.loads(backup.read_text())
    (statement,) = data["registry_policies"]["222222222222/eu-west-1"]["Statement"]
    # The Sid is the one ecrrepl gives the widened content, so the file alone passes.
    statement.update(Sid=widened_sid, Resource=everything)
    backup.write_text(json.dumps(data))
    before, taken = state(), live.backup_files()

    outcome = live.run("restore", "--yes", str(backup))

    assert (outcome.exit_code, state(), live.backup_files()) == (1, before, taken)
    assert outcome.stderr == (
        "ecrrepl: error: restore refused, nothing was written: "
        + "; ".join(
            "222222222222/eu-west-1 (account 222222222222, region eu-west-1): statement "
            f"{widened_sid} would grant account {account} "
            "arn:aws:ecr:eu-west-1:222222222222:repository/*, which no rule it leaves sends "
            "there needs, so restore does not put it back"
            for account in ("123456789012", "444444444444")
        )
        + ". A backup restores only what its run wrote; restore later backups first, or set "
        "these by hand\n"
    )
