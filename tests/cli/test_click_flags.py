"""The click commands pass their flags on by name (`**flags`): every parameter a command
declares must be an argument of the plain function it calls, or the call would fail."""

from __future__ import annotations

import importlib
import inspect

import pytest

from ecrrepl.cli_click import cli

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_flag_is_an_argument_of_the_command_function(name: str) -> None:
    run = getattr(importlib.import_module(f"ecrrepl.commands.{name}"), name)
    arguments = set(inspect.signature(run).parameters)
    # The global options after a command are not passed on (ecrrepl.cli_types).
    flags = {p.name for p in cli.commands[name].params if p.expose_value}
    assert flags - arguments == set(), f"{name}: flags the function does not take"


def test_every_command_is_checked() -> None:
    assert {"validate", "diff", "apply", "restore", "status", "backfill"} <= set(COMMANDS)
