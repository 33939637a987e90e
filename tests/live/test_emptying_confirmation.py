"""A plan that removes every replication rule of a registry, or every ecrrepl statement of a
registry policy, asks for the number of registries it empties, not y/N; `--yes` skips the
question and without a terminal apply refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness import lab
from harness.accounts import ecr_client
from harness.live_steps import Live

EMPTY = lab.estate()

QUESTION = (
    "This plan removes every replication rule of 1 registry:\n"
    "  123456789012/us-west-2  (2 rules)\n"
    "This plan removes every ecrrepl statement of the registry policy of 2 registries:\n"
    "  222222222222/eu-west-1  (statement Ecrrepl123456789012uswest2)\n"
    "  333333333333/us-east-2  (statement Ecrrepl123456789012uswest2)\n"
    "Type 3 (the number of registries listed) to apply it; anything else cancels: "
)


class Terminal:
    """A terminal on stdin where the user types `answer`."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked = 0

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        self.asked += 1
        return self.answer


class Pipe(Terminal):
    def isatty(self) -> bool:
        return False


@pytest.fixture
def emptying(
    aws: None, config_file: str, write_file: Callable[[str, str], str], run: Callable[..., Any]
) -> str:
    """The estate as lab.CONFIG sets it up, and a configuration that empties it."""
    assert run("apply", "--yes", config_file).exit_code == 0
    return write_file("empty.yaml", EMPTY)


def test_apply_asks_for_the_number_and_writes_when_it_is_typed(
    emptying: str, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal("3\n")
    monkeypatch.setattr("sys.stdin", terminal)

    outcome = run("apply", emptying)

    assert outcome.exit_code == 0, outcome.stderr
    assert terminal.asked == 1
    assert QUESTION + "Backup of the previous state" in outcome.stdout
    assert lab.replication(ecr_client(*lab.SOURCE)) in (None, {"rules": []})


@pytest.mark.parametrize("answer", ["y\n", "yes\n", "delete\n", "2\n", "\n"])
def test_any_other_answer_cancels_and_writes_nothing(
    emptying: str, live: Live, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    before, backups = live.live_state(), live.backup_files()
    monkeypatch.setattr("sys.stdin", Terminal(answer))

    outcome = live.run("apply", emptying)

    assert outcome.exit_code == 1
    assert outcome.stdout.endswith(QUESTION)
    typed = repr(answer.strip()) if answer.strip() else "nothing"
    assert outcome.stderr == (
        f"ecrrepl: error: cancelled: {typed} was typed, not 3; nothing was written\n"
    )
    assert live.live_state() == before
    assert live.backup_files() == backups


def test_without_a_terminal_and_without_yes_apply_refuses(
    emptying: str, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = live.live_state()
    pipe = Pipe("3\n")
    monkeypatch.setattr("sys.stdin", pipe)

    outcome = live.run("apply", emptying)

    assert outcome.exit_code == 1
    assert outcome.stderr == (
        "ecrrepl: error: no terminal to ask for confirmation on, and --yes was not given; "
        "nothing was written\n"
    )
    assert pipe.asked == 0
    assert live.live_state() == before


def test_yes_skips_the_question(
    emptying: str, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipe = Pipe("")
    monkeypatch.setattr("sys.stdin", pipe)

    outcome = run("apply", "--yes", emptying)

    assert outcome.exit_code == 0, outcome.stderr
    assert "Type 3" not in outcome.stdout
    assert pipe.asked == 0


def test_a_registry_that_keeps_a_rule_is_not_counted(
    emptying: str,
    run: Callable[..., Any],
    reduced_config_file: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # REDUCED keeps rule `prod` (to the source's own us-east-1), so the source is not
    # emptied; both other accounts' policies lose ecrrepl's only statement.
    monkeypatch.setattr("sys.stdin", Terminal("2\n"))

    outcome = run("apply", reduced_config_file)

    assert outcome.exit_code == 0, outcome.stderr
    assert "every replication rule" not in outcome.stdout
    assert (
        "This plan removes every ecrrepl statement of the registry policy of 2 registries:"
        in outcome.stdout
    )
