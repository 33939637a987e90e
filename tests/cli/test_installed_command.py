"""The installed `ecrrepl` as a real process: entry points, imports, colour on a terminal.

`validate` must stay cheap (about twice PyYAML's start-up) and must never import boto3
or botocore: a CI job that only lints has no business loading the AWS SDK. Plain output
must not load rich either; only coloured text needs it.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
EXAMPLE = REPO / "configs" / "example.yaml"
CASES = REPO / "tests" / "render_findings" / "cases"
CONSOLE_SCRIPT = Path(sys.executable).parent / "ecrrepl"

# Runs the CLI in a fresh interpreter, then reports which heavy packages it imported.
REPORT_IMPORTS = """
import sys
from ecrrepl.cli import main
code = main(sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"boto3", "botocore", "rich"})
sys.stderr.write(f"exit={code} imported={','.join(heavy) or 'none'}\\n")
"""


def run(*command: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        cwd=CASES,
        env={**environment, **env},
        timeout=60,
    )


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="ecrrepl is not installed in this venv")
def test_console_script_validates_a_file() -> None:
    result = run(CONSOLE_SCRIPT, "validate", "clean.yaml")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "ok: no findings in 1 file\n",
        "",
    )


def test_python_dash_m_is_the_same_command() -> None:
    result = run(sys.executable, "-m", "ecrrepl", "validate", "--format", "github", "ecrrepl.yaml")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.startswith("::warning file=ecrrepl.yaml,line=8,col=26,title=W112::")
    missing = run(sys.executable, "-m", "ecrrepl", "validate", "missing.yaml")
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        2,
        "",
        "ecrrepl: error: missing.yaml: no such file\n",
    )


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_validate_imports_neither_the_aws_sdk_nor_rich(output_format: str) -> None:
    assert EXAMPLE.exists()
    result = run(
        sys.executable, "-c", REPORT_IMPORTS, "validate", "--format", output_format, EXAMPLE
    )
    assert result.stderr == "exit=0 imported=none\n"


def test_schema_imports_no_aws_sdk() -> None:
    result = run(sys.executable, "-c", REPORT_IMPORTS, "schema")
    assert result.stderr == "exit=0 imported=none\n"


def run_on_terminal(*args: str, **env: str) -> str:
    """Run `python -m ecrrepl` with stdout on a pseudo-terminal; what it printed there."""
    controller, terminal = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ecrrepl", *args],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        cwd=CASES,
        env={**environment, "TERM": "xterm", **env},
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=60) == 1
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color() -> None:
    assert "\x1b[1;31mE105 error\x1b[0m" in run_on_terminal("validate", "ecrrepl.yaml")
    assert "\x1b[" not in run_on_terminal("validate", "ecrrepl.yaml", NO_COLOR="1")
    assert "\x1b[" not in run_on_terminal("--no-color", "validate", "ecrrepl.yaml")


def test_reader_going_away_is_not_a_crash() -> None:
    reader, writer = os.pipe()
    os.close(reader)  # as `ecrrepl validate --format sarif | head -1` once head has read
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ecrrepl", "validate", "--format", "sarif", "ecrrepl.yaml"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            cwd=CASES,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (1, "")
