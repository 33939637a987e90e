"""Global options, and how the CLI turns every kind of failure into an exit code.

A UserError is one line on stderr with its exit code; click's usage errors exit 2;
Ctrl-C is one line and 130, on both command paths; any other exception is a bug: one
line saying so, the traceback only with -v.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import click
import pytest

from ecrrepl import __version__
from ecrrepl.cli import cli, main
from ecrrepl.commands import GlobalOptions
from ecrrepl.errors import UsageError, UserError

RunCli = Callable[..., Any]


@pytest.fixture
def probe() -> Iterator[None]:
    """A throwaway command that fails on demand and shows the global options it got."""

    @click.command("probe")
    @click.argument("outcome")
    @click.pass_obj
    def probe_command(options: GlobalOptions, outcome: str) -> int:
        if outcome == "user-error":
            raise UserError("account 111111111111 in us-west-2: AccessDenied\n(on two lines)")
        if outcome == "usage-error":
            raise UsageError("plan.json: no such file")
        if outcome == "bug":
            raise KeyError("registries")
        if outcome == "exit-3":
            return 3
        if outcome == "interrupt":
            raise KeyboardInterrupt
        if outcome == "interrupted-prompt":
            # What click.prompt does on Ctrl-C: Abort, raised while handling the interrupt.
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                raise click.Abort() from None
        click.echo(repr(options))
        return 0

    cli.add_command(probe_command)
    yield
    del cli.commands["probe"]


def test_version(run_cli: RunCli) -> None:
    outcome = run_cli("--version")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        0,
        f"ecrrepl {__version__}\n",
        "",
    )


def test_help_lists_the_commands(run_cli: RunCli) -> None:
    outcome = run_cli("--help")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    for command in ("validate", "schema"):
        assert f"  {command} " in outcome.stdout


@pytest.mark.usefixtures("probe")
def test_global_options_reach_the_command(run_cli: RunCli) -> None:
    outcome = run_cli("--profile", "dr-admin", "--no-color", "-v", "probe", "show")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        0,
        "GlobalOptions(profile='dr-admin', no_color=True, verbose=True)\n",
        "",
    )
    outcome = run_cli("probe", "show")
    assert outcome.stdout == "GlobalOptions(profile=None, no_color=False, verbose=False)\n"


@pytest.mark.usefixtures("probe")
def test_command_return_value_is_the_exit_code(run_cli: RunCli) -> None:
    outcome = run_cli("probe", "exit-3")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (3, "", "")


@pytest.mark.usefixtures("probe")
def test_user_error_is_one_line_with_its_exit_code(run_cli: RunCli) -> None:
    outcome = run_cli("probe", "user-error")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        "ecrrepl: error: account 111111111111 in us-west-2: AccessDenied (on two lines)\n",
    )
    outcome = run_cli("probe", "usage-error")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2,
        "",
        "ecrrepl: error: plan.json: no such file\n",
    )


@pytest.mark.usefixtures("probe")
def test_bug_is_one_line_without_traceback(run_cli: RunCli) -> None:
    outcome = run_cli("probe", "bug")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        "ecrrepl: internal error: KeyError: 'registries' "
        "(this is a bug; run with -v for the traceback)\n",
    )


@pytest.mark.usefixtures("probe")
def test_bug_with_verbose_shows_the_traceback(run_cli: RunCli) -> None:
    outcome = run_cli("-v", "probe", "bug")
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr.startswith("Traceback (most recent call last):\n")
    assert 'raise KeyError("registries")' in outcome.stderr
    assert outcome.stderr.endswith(
        "ecrrepl: internal error: KeyError: 'registries' (this is a bug)\n"
    )


# --- main(): what the console script runs ------------------------------------------------


@pytest.mark.usefixtures("probe", "workdir")
@pytest.mark.parametrize(
    ("argv", "exit_code", "stderr_start"),
    [
        (["probe", "show"], 0, ""),
        (["probe", "exit-3"], 3, ""),
        (["probe", "user-error"], 1, "ecrrepl: error: account 111111111111"),
        (["probe", "bug"], 1, "ecrrepl: internal error: KeyError"),
        (["validate", "missing.yaml"], 2, "ecrrepl: error: missing.yaml: no such file"),
        (["validate", "--bogus"], 2, "Usage: ecrrepl validate"),
        (["--version"], 0, ""),
        ([], 2, ""),
    ],
)
def test_main_returns_the_exit_code(
    capsys: pytest.CaptureFixture[str], argv: list[str], exit_code: int, stderr_start: str
) -> None:
    assert main(argv) == exit_code
    stderr = capsys.readouterr().err
    assert stderr.startswith(stderr_start)
    assert "Traceback" not in stderr


# --- colour ------------------------------------------------------------------------------


class Terminal:
    def isatty(self) -> bool:
        return True


class Pipe:
    def isatty(self) -> bool:
        return False


def test_colour_only_on_a_terminal_and_never_when_asked_not_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert GlobalOptions().color_for(Terminal()) is True  # type: ignore[arg-type]
    assert GlobalOptions().color_for(Pipe()) is False  # type: ignore[arg-type]
    assert GlobalOptions(no_color=True).color_for(Terminal()) is False  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert GlobalOptions().color_for(Terminal()) is False  # type: ignore[arg-type]
    # https://no-color.org: an empty NO_COLOR does not count.
    monkeypatch.setenv("NO_COLOR", "")
    assert GlobalOptions().color_for(Terminal()) is True  # type: ignore[arg-type]



@pytest.mark.usefixtures("probe")
@pytest.mark.parametrize("outcome", ["interrupt", "interrupted-prompt"])
def test_ctrl_c_is_one_line_and_130(run_cli: RunCli, outcome: str) -> None:
    result = run_cli("probe", outcome)
    assert result.exit_code == 130
    assert result.stderr.strip() == "ecrrepl: interrupted"
    assert "Traceback" not in result.stderr


def test_ctrl_c_on_the_plain_validate_path_is_130_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ecrrepl.commands.validate

    def interrupted(*args: object, **options: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(ecrrepl.commands.validate, "validate", interrupted)
    assert main(["validate", "ecrrepl.yaml"]) == 130
    assert capsys.readouterr().err.strip() == "ecrrepl: interrupted"
