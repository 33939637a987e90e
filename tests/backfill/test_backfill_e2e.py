"""`ecrrepl backfill` as a user runs it: images pushed before the configuration are
copied by `backfill --yes --wait`, through the installed command and a moto server."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import ECRREPL, run_ecrrepl
from harness.replication_arrange import (
    DR_ACCOUNT,
    SOURCE_ACCOUNT,
    TWO_ACCOUNTS,
    ecr,
    push,
    tags_in,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not ECRREPL.exists(), reason="ecrrepl is not installed in this venv"),
]


def test_images_pushed_before_the_configuration_are_copied_by_backfill(
    env: dict[str, str], tmp_path: Path
) -> None:
    source = ecr(SOURCE_ACCOUNT, "us-west-2")
    push(source, "prod/api", "1.0")
    push(source, "prod/api", "1.1")
    push(source, "scratch/tool", "0.1")
    (tmp_path / "ecrrepl.yaml").write_text(TWO_ACCOUNTS, encoding="utf-8")

    before_apply = run_ecrrepl(env, tmp_path, "backfill", "--yes")
    applied = run_ecrrepl(env, tmp_path, "apply", "ecrrepl.yaml", "--yes")
    dry_run = run_ecrrepl(env, tmp_path, "backfill", "--dry-run")
    not_confirmed = run_ecrrepl(env, tmp_path, "backfill")
    result = run_ecrrepl(env, tmp_path, "backfill", "--yes", "--wait")
    status = run_ecrrepl(env, tmp_path, "status", "--repository", "prod/api", "--tag", "1.1")

    assert before_apply.returncode == 1
    assert "Apply first (`ecrrepl apply`)" in before_apply.stderr
    assert applied.returncode == 0, applied.stderr
    assert (dry_run.returncode, dry_run.stdout.splitlines()[-1]) == (
        0,
        "Dry run: 2 backfills would copy 4 images missing at the destinations; nothing was "
        "started.",
    )
    assert not_confirmed.returncode == 1
    assert "--yes was not given" in not_confirmed.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith(
        "Results:\n"
        "  ✓ 111111111111/us-west-2 → 111111111111/us-east-1  COMPLETE: 2 of 2 images\n"
        "  ✓ 111111111111/us-west-2 → 222222222222/eu-west-1  COMPLETE: 2 of 2 images\n"
    )
    for account, region in ((SOURCE_ACCOUNT, "us-east-1"), (DR_ACCOUNT, "eu-west-1")):
        assert tags_in(account, region, "prod/api") == ["1.0", "1.1"]
        assert tags_in(account, region, "scratch/tool") == []
    # A backfilled image counts as replicated.
    assert status.returncode == 0, status.stdout
