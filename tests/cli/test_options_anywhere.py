"""The global options after the command (`ecrrepl diff x.yaml --profile p`), and the one
ACCOUNT/REGION and DURATION parameter types every command shares."""

from __future__ import annotations

import importlib
from typing import Any

import click
import pytest

from ecrrepl.cli import main
from ecrrepl.cli_click import cli, run_click
from ecrrepl.cli_types import DurationType, RegistryType
from ecrrepl.commands import GlobalOptions
from ecrrepl.config.model import RegistryAddress

# Each command that reaches AWS, with the arguments it needs to start.
COMMANDS = {
    "diff": ["x.yaml"],
    "apply": ["x.yaml"],
    "restore": ["backup.json"],
    "export": ["--region", "us-west-2"],
    "status": ["x.yaml", "--repository", "prod/api", "--tag", "1"],
    "backfill": ["x.yaml"],
}


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace every command function with one that records what click passed it; colour
    follows --no-color alone, terminal or not."""
    monkeypatch.setattr(GlobalOptions, "color_for", lambda self, stream: not self.no_color)
    seen: dict[str, Any] = {}
    for name in COMMANDS:
        module = importlib.import_module(f"ecrrepl.commands.{name}")

        def record(*args: Any, _name: str = name, **options: Any) -> int:
            seen[_name] = options
            return 0

        monkeypatch.setattr(module, name, record)
    return seen


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    "arguments",
    [
        ["{command}", "{args}", "--profile", "ops", "--no-color"],
        ["--no-color", "{command}", "{args}", "--profile=ops"],
        ["--profile", "dev", "{command}", "--profile", "ops", "{args}", "--no-color"],
    ],
    ids=["after", "mixed", "after-wins"],
)
def test_global_options_after_the_command(
    received: dict[str, Any], command: str, arguments: list[str]
) -> None:
    argv: list[str] = []
    for argument in arguments:
        if argument == "{args}":
            argv.extend(COMMANDS[command])
        else:
            argv.append(argument.format(command=command))

    assert run_click(argv) == 0
    options = received[command]
    assert options["profile"] == "ops"
    assert options.get("color", False) is False


def test_without_the_options_the_defaults_stay(received: dict[str, Any]) -> None:
    assert run_click(["diff", "x.yaml"]) == 0
    assert (received["diff"]["profile"], received["diff"]["color"]) == (None, True)


def test_verbose_after_the_command_shows_the_traceback_of_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **options: Any) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(importlib.import_module("ecrrepl.commands.diff"), "diff", broken)

    assert main(["diff", "x.yaml"]) == 1
    quiet = capsys.readouterr().err
    assert main(["diff", "x.yaml", "-v"]) == 1
    loud = capsys.readouterr().err

    assert "Traceback" not in quiet and "run with -v" in quiet
    assert "Traceback (most recent call last)" in loud


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option)]


def test_every_registry_and_duration_option_has_the_shared_type() -> None:
    registries: list[str] = []
    durations: list[str] = []
    for name, command in sorted(cli.commands.items()):
        for option in _options(command):
            if option.name in ("from_registry", "registries", "destinations"):
                assert isinstance(option.type, RegistryType), (name, option.name)
                registries.append(f"{name} {max(option.opts, key=len)}")
            if option.name == "timeout":
                assert isinstance(option.type, DurationType), name
                durations.append(name)
    assert sorted(registries) == [
        "apply --registry",
        "backfill --destination",
        "backfill --registry",
        "diff --registry",
        "graph --from",
        "route --from",
        "status --from",
        "status --registry",
    ]
    assert durations == ["backfill", "status"]


@pytest.mark.parametrize(
    "argv",
    [
        ["route", "x.yaml", "prod/api", "--from", "us-west-2"],
        ["graph", "x.yaml", "--repository", "prod/api", "--from", "us-west-2"],
        ["status", "x.yaml", "--repository", "p", "--tag", "1", "--from", "us-west-2"],
        ["status", "x.yaml", "--repository", "p", "--tag", "1", "--registry", "us-west-2"],
        ["diff", "x.yaml", "--registry", "us-west-2"],
        ["apply", "x.yaml", "--registry", "us-west-2"],
        ["backfill", "x.yaml", "--registry", "us-west-2"],
        ["backfill", "x.yaml", "--destination", "us-west-2"],
    ],
    ids=lambda argv: " ".join(argv[:1] + argv[-2:-1]),
)
def test_a_bad_registry_is_one_usage_error_line_naming_the_option(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        f"ecrrepl: error: {argv[-2]} 'us-west-2' is not a registry: give ACCOUNT/REGION, "
        "such as 111111111111/us-west-2\n",
    )


@pytest.mark.parametrize("command", ["status", "backfill"])
@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ("soon", "--timeout 'soon' is not a duration: give it as 90s, 30m, 1h or 1h30m"),
        ("10x", "--timeout '10x' is not a duration: give it as 90s, 30m, 1h or 1h30m"),
        ("0s", "--timeout must be longer than zero"),
    ],
)
def test_a_bad_duration_is_a_usage_error(
    command: str, duration: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    image = ["--repository", "p", "--tag", "1"] if command == "status" else []
    assert main([command, "x.yaml", *image, "--wait", "--timeout", duration]) == 2
    assert capsys.readouterr().err == f"ecrrepl: error: {message}\n"


def test_the_types_turn_text_into_values() -> None:
    assert RegistryType().convert(" 111111111111/us-west-2 ", None, None) == RegistryAddress(
        "111111111111", "us-west-2"
    )
    assert DurationType().convert("1h30m", None, None) == 5400.0
    assert DurationType().convert("90", None, None) == 90.0
