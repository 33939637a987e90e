"""Running `ecrrepl` in tests, and what a run shows: exit code, stdout and stderr together
(as yamllint's RunContext).

In-process through click (`invoke`), as one command function (`outcome_of`), or as the
installed command in a subprocess against a moto server (`run_ecrrepl`).
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ecrrepl.cli import main
from ecrrepl.errors import UserError

ECRREPL = Path(sys.executable).parent / "ecrrepl"
COMMAND_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        lines = self.stdout.splitlines()
        return lines[-1] if lines else ""


def invoke(*args: str) -> Outcome:
    """`ecrrepl ARGS...` through the entry point (`ecrrepl.cli.main`, both command paths
    and the one error layer), in this process and folder, its streams captured by
    click's test runner."""
    with CliRunner().isolation() as (stdout, stderr, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Outcome(code, stdout.getvalue().decode(), stderr.getvalue().decode())


def run_main(arguments: list[str], capsys: Any) -> tuple[int, str, str]:
    """`ecrrepl ARGUMENTS...` through `cli.main` in this process, output captured by
    pytest's `capsys` (what it held before is dropped): exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(arguments)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def outcome_of(command: Callable[..., int], *args: Any, **options: Any) -> Outcome:
    """A command function called with its own out and err streams; a UserError it raises
    ends as the command line shows it: its exit code, its message on stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        code = command(*args, out=out, err=err, **options)
    except UserError as error:
        return Outcome(error.exit_code, out.getvalue(), err.getvalue() + error.message)
    return Outcome(code, out.getvalue(), err.getvalue())


def command_environment(endpoint: str, home: Path) -> dict[str, str]:
    """The environment of `ecrrepl` run as a user would, with nothing of this machine's:
    fake base keys (moto's default account), the server as its endpoint, no profile, and
    AWS config files that do not exist in an empty home folder."""
    home.mkdir(exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def run_ecrrepl(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `ecrrepl ARGS...` with no terminal: stdin is /dev/null."""
    return subprocess.run(
        [str(ECRREPL), *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )


def python_stdout(*args: str) -> str:
    """What `python ARGS...` prints in a fresh interpreter (so imports start from nothing);
    it must exit 0."""
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True)
    return done.stdout
