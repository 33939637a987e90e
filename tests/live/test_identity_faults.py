"""Credentials of another account than the file says: refused before anything is read or
written, in one line that names both accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import configs, lab
from harness.live_steps import Live

# The source registry of another account than the base credentials'.
WRONG_SOURCE = configs.document(
    configs.registry(configs.rule(lab.EU)), accounts=[configs.account(lab.EU[0])]
)

WRONG_DESTINATION_PROFILE = configs.document(
    configs.registry(configs.rule(lab.DR), account=lab.SOURCE[0]),
    accounts=[configs.account(lab.DR[0], profile="dr-admin")],
)


@pytest.mark.parametrize("command", [("diff",), ("apply", "--yes")])
def test_base_credentials_of_another_account_are_refused(
    aws: None, command: tuple[str, ...], live: Live
) -> None:
    # moto's base credentials belong to 123456789012; the file says 111111111111.
    before = live.live_state()
    config = live.write_file("ecrrepl.yaml", WRONG_SOURCE)

    outcome = live.run(*command, config)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        "ecrrepl: error: credentials for account 111111111111 belong to account 123456789012 "
        "(via the default credential chain); nothing was written\n",
    )
    assert live.live_state() == before
    assert live.backup_files() == []


def test_a_profile_of_another_account_stops_every_account(
    aws: None, tmp_path: Path, live: Live
) -> None:
    # The profile's keys are unknown to moto, so they act as its default account.
    (tmp_path / "aws-config").write_text(
        "[profile dr-admin]\n"
        "aws_access_key_id = AKIAEXAMPLEDRADMIN00\n"
        "aws_secret_access_key = testing\n"
        "region = us-east-2\n",
        encoding="utf-8",
    )
    before = live.live_state()
    config = live.write_file("ecrrepl.yaml", WRONG_DESTINATION_PROFILE)

    outcome = live.run("apply", "--yes", config)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        "ecrrepl: error: credentials for account 333333333333 belong to account 123456789012 "
        "(via profile dr-admin); nothing was written\n",
    )
    # The source account's credentials were right, and it was not written either.
    assert live.live_state() == before
    assert live.backup_files() == []
