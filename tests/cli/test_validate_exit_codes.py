"""The exit-code table of `ecrrepl validate`, case by case (as cfn-lint's test_exit_code).

    0  no errors (warnings and infos allowed, unless --strict)
    1  errors, or warnings under --strict
    2  usage: unknown flag or format, missing or unreadable file
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import configs

CLEAN = configs.document(
    configs.registry(configs.rule("us-east-1", name="prod", filters=["prod/"]))
)


WARNING_ONLY = CLEAN.replace("filters: [prod/]", "filters: [prod/, prod/api]")  # W112
INFO_ONLY = CLEAN.replace("        filters: [prod/]\n", "")  # I116
ERROR = CLEAN.replace("region: us-east-1", "region: us-est-1")  # E105
NOT_YAML = "version: 1\nregistries: [\n"  # E001

RunCli = Callable[..., Any]


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        pytest.param(CLEAN, (), (0, "ok: no findings in 1 file", ""), id="clean"),
        pytest.param(CLEAN, ("--strict",), (0, "ok: no findings in 1 file", ""), id="clean-strict"),
        pytest.param(
            WARNING_ONLY, (), (0, "0 errors, 1 warning, 0 infos in 1 file", ""), id="warning"
        ),
        pytest.param(
            WARNING_ONLY,
            ("--strict",),
            (1, "0 errors, 1 warning, 0 infos in 1 file", ""),
            id="warning-strict",
        ),
        pytest.param(INFO_ONLY, (), (0, "0 errors, 0 warnings, 1 info in 1 file", ""), id="info"),
        pytest.param(
            INFO_ONLY,
            ("--strict",),
            (0, "0 errors, 0 warnings, 1 info in 1 file", ""),
            id="info-strict",
        ),
        pytest.param(ERROR, (), (1, "1 error, 0 warnings, 0 infos in 1 file", ""), id="error"),
        pytest.param(
            ERROR,
            ("--strict",),
            (1, "1 error, 0 warnings, 0 infos in 1 file", ""),
            id="error-strict",
        ),
        pytest.param(
            NOT_YAML, (), (1, "1 error, 0 warnings, 0 infos in 1 file", ""), id="yaml-syntax"
        ),
    ],
)
def test_findings_decide_the_exit_code(
    run_cli: RunCli, workdir: Path, content: str, args: tuple[str, ...], expected: tuple[Any, ...]
) -> None:
    (workdir / "config.yaml").write_text(content)
    outcome = run_cli("validate", *args, "config.yaml")
    assert (outcome.exit_code, outcome.last_line, outcome.stderr) == expected


@pytest.mark.parametrize("output_format", ["json", "github", "sarif"])
def test_exit_code_is_the_same_in_every_format(
    run_cli: RunCli, workdir: Path, output_format: str
) -> None:
    (workdir / "warn.yaml").write_text(WARNING_ONLY)
    (workdir / "error.yaml").write_text(ERROR)
    assert run_cli("validate", "--format", output_format, "warn.yaml").exit_code == 0
    assert run_cli("validate", "--format", output_format, "--strict", "warn.yaml").exit_code == 1
    assert run_cli("validate", "--format", output_format, "error.yaml").exit_code == 1


def test_default_file_is_ecrrepl_yaml(run_cli: RunCli, workdir: Path) -> None:
    (workdir / "ecrrepl.yaml").write_text(ERROR)
    outcome = run_cli("validate")
    assert (outcome.exit_code, outcome.stderr) == (1, "")
    assert outcome.stdout.startswith("ecrrepl.yaml:9:21  E105 error  ")


def test_missing_default_file_is_a_usage_error_naming_it(run_cli: RunCli) -> None:
    outcome = run_cli("validate")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2,
        "",
        "ecrrepl: error: no ecrrepl.yaml and no ecrrepl/ folder here; name the configuration's "
        "files or folder\n",
    )


def test_missing_file_among_several_is_a_usage_error_naming_it(
    run_cli: RunCli, workdir: Path
) -> None:
    (workdir / "a.yaml").write_text(CLEAN)
    outcome = run_cli("validate", "a.yaml", "missing.yaml")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2,
        "",
        "ecrrepl: error: missing.yaml: no such file\n",
    )


def test_directory_is_a_usage_error(run_cli: RunCli, workdir: Path) -> None:
    (workdir / "configs").mkdir()
    outcome = run_cli("validate", "configs")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr.startswith("ecrrepl: error: configs: ")
    assert outcome.stderr.count("\n") == 1


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_a_usage_error(run_cli: RunCli, workdir: Path) -> None:
    locked = workdir / "locked.yaml"
    locked.write_text(CLEAN)
    locked.chmod(0)
    outcome = run_cli("validate", "locked.yaml")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr.startswith("ecrrepl: error: locked.yaml: ")
    assert outcome.stderr.count("\n") == 1


def test_several_files_form_one_run_and_are_counted(run_cli: RunCli, workdir: Path) -> None:
    (workdir / "a.yaml").write_text(CLEAN)
    (workdir / "b.yaml").write_text(CLEAN.replace("111111111111", "333333333333"))
    outcome = run_cli("validate", "a.yaml", "b.yaml", "a.yaml")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        0,
        "ok: no findings in 2 files\n",
        "",
    )


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (("validate", "--bogus"), "No such option '--bogus'"),
        (("validate", "--format", "xml"), "Invalid value for '--format'"),
        (("valdate",), "No such command 'valdate'"),
        (("--profile",), "Option '--profile' requires an argument"),
    ],
)
def test_usage_errors_exit_2(run_cli: RunCli, args: tuple[str, ...], complaint: str) -> None:
    outcome = run_cli(*args)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert complaint in outcome.stderr
    assert "Traceback" not in outcome.stderr
