"""`apply` and `restore` ask "y/N" on the terminal before writing: only y or yes goes
ahead, any other answer (a typo, nothing, the end of input) cancels and writes nothing."""

from __future__ import annotations

import io

import pytest

from harness import lab
from harness.accounts import ecr_client
from harness.live_steps import Live, apply_and_backup


class Terminal(io.StringIO):
    """A terminal on stdin where the user types what the test gives."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("answer", ["y\n", "YES\n", " yes \n"])
def test_yes_on_the_terminal_applies(
    aws: None, config_file: str, live: Live, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal(answer))

    outcome = live.run("apply", config_file)

    assert outcome.exit_code == 0, outcome.stderr
    question, after = outcome.stdout.split("? [y/N]: ")
    assert question.rsplit("\n", 1)[-1].startswith("Apply these ")
    assert after.startswith("Backup of the previous state")
    assert lab.replication(ecr_client(*lab.SOURCE)) not in (None, {"rules": []})


@pytest.mark.parametrize("answer", ["n\n", "\n", "", "yess\n", "y es\n"])
def test_any_other_answer_writes_nothing(
    aws: None, config_file: str, live: Live, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    before = live.live_state()
    monkeypatch.setattr("sys.stdin", Terminal(answer))

    outcome = live.run("apply", config_file)

    assert outcome.exit_code == 1
    assert outcome.stdout.endswith("? [y/N]: ")
    assert outcome.stderr == "ecrrepl: error: cancelled; nothing was written\n"
    assert live.live_state() == before
    assert live.backup_files() == []


def test_restore_asks_too_and_a_no_restores_nothing(
    aws: None, config_file: str, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = apply_and_backup(live.run, config_file)
    applied = live.live_state()
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))

    refused = live.run("restore", backup)

    assert refused.exit_code == 1
    assert refused.stdout.endswith("? [y/N]: ")
    assert "Restore these " in refused.stdout
    assert live.live_state() == applied

    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    restored = live.run("restore", backup)

    assert restored.exit_code == 0, restored.stderr
    assert live.live_state() != applied
