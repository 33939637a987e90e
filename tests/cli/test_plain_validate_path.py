"""`ecrrepl validate` read without click must behave exactly as through click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ecrrepl import cli
from ecrrepl.cli import main, plain_validate_call
from harness import configs
from harness.cli import python_stdout

CLEAN = configs.one_rule("us-east-1")
WARNING = CLEAN.replace("[prod/]", "[prod/, prod/api]")
BROKEN = CLEAN.replace("us-east-1", "us-est-1")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    written = {}
    for name, text in {
        "clean": CLEAN,
        "warning": WARNING,
        "broken": BROKEN,
        "junk": "a: [\n",
    }.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        written[name] = str(path)
    written["missing"] = str(tmp_path / "missing.yaml")
    split = tmp_path / "split"
    split.mkdir()
    (split / "registries.yaml").write_text(BROKEN)
    (split / "accounts.yaml").write_text('version: 1\naccounts: {"222222222222": {}}\n')
    written["split"] = str(split)
    written["empty_folder"] = str(tmp_path / "split" / "empty")
    (tmp_path / "split" / "empty").mkdir()
    return written


ARGUMENTS = [
    ["validate", "{clean}"],
    ["validate", "{warning}"],
    ["validate", "--strict", "{warning}"],
    ["validate", "{broken}", "{clean}"],
    ["validate", "{junk}"],
    ["validate", "{missing}"],
    ["validate", "--format", "json", "{broken}"],
    ["validate", "--format=github", "{broken}"],
    ["validate", "--format", "sarif", "{warning}"],
    ["--no-color", "-v", "validate", "{clean}", "--strict"],
    ["--profile", "ops", "validate", "{warning}"],
    ["--profile=ops", "validate", "{broken}"],
    # The global options after the command, as after any command.
    ["validate", "{clean}", "--no-color", "-v"],
    ["validate", "{warning}", "--profile", "ops", "--strict"],
    ["validate", "--profile=ops", "{broken}", "--verbose", "--format", "json"],
    ["validate", "--ignore", "W112", "--strict", "{warning}"],
    ["validate", "--ignore=W112,W115", "--format", "json", "{warning}"],
    ["validate", "--ignore", "W999", "{warning}"],
    ["validate", "--ignore", "E105", "{broken}"],
    ["validate", "{split}"],
    ["validate", "{split}", "{clean}"],
    ["validate", "{empty_folder}"],
]


@pytest.mark.parametrize("template", ARGUMENTS, ids=lambda a: " ".join(a))
def test_plain_path_matches_click(
    template: list[str],
    files: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arguments = [argument.format(**files) for argument in template]
    assert plain_validate_call(arguments) is not None

    plain_code = main(arguments)
    plain = capsys.readouterr()
    # The same entry point and error layer, the arguments read by click.
    monkeypatch.setattr(cli, "plain_validate_call", lambda arguments: None)
    click_code = main(arguments)
    through_click = capsys.readouterr()

    assert (plain_code, plain.out, plain.err) == (click_code, through_click.out, through_click.err)


@pytest.mark.parametrize(
    "arguments",
    [
        ["validate", "--help"],
        ["validate", "--format", "xml", "x.yaml"],
        ["validate", "--format"],
        ["validate", "--bogus"],
        ["validate", "--ignore"],
        ["validate", "--ignore", "--strict", "x.yaml"],
        ["validate", "--", "x.yaml"],
        ["validate", "x.yaml", "--profile"],
        ["--profile"],
        ["--version"],
        ["diff", "x.yaml"],
        ["schema"],
        [],
    ],
)
def test_anything_else_goes_to_click(arguments: list[str]) -> None:
    assert plain_validate_call(arguments) is None


def test_global_options_after_the_command_count_as_before_it() -> None:
    after = plain_validate_call(["validate", "a.yaml", "--no-color", "--profile", "p", "-v"])
    before = plain_validate_call(["--no-color", "--profile", "p", "-v", "validate", "a.yaml"])
    assert after == before
    assert after is not None
    assert (after.files, after.no_color, after.verbose) == (("a.yaml",), True, True)


def test_the_plain_path_imports_neither_click_nor_boto3() -> None:
    example = Path(__file__).resolve().parents[2] / "configs" / "example.yaml"
    code = (
        "import sys\n"
        "from ecrrepl.cli import main\n"
        f"code = main(['validate', {str(example)!r}])\n"
        "heavy = ('click', 'boto3', 'botocore')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "print(code, loaded)\n"
    )
    assert python_stdout("-c", code).splitlines()[-1] == "0 []"


def test_a_file_without_suppressions_does_not_load_the_suppression_code(tmp_path: Path) -> None:
    """The comment scan is for files that have a suppression; the rest keep validate's
    start-up budget (README "Benchmarks")."""
    example = Path(__file__).resolve().parents[2] / "configs" / "example.yaml"
    suppressed = tmp_path / "suppressed.yaml"
    suppressed.write_text(CLEAN.replace("[prod/]", "[prod/]  # ecrrepl: ignore[W112] r"))
    code = (
        "import sys\n"
        "from ecrrepl.cli import main\n"
        "code = main(['validate', sys.argv[1]])\n"
        "print(code, 'ecrrepl.lint.suppressions' in sys.modules)\n"
    )
    outcomes = [
        subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[-1]
        for path in (example, suppressed)
    ]
    assert outcomes == ["0 False", "0 True"]
