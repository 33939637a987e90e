"""No value from a file or from AWS can drive the terminal, whatever the command.

A rule name, a template description and an AWS error message carry ESC, CR, BEL, a C1
control, a bidi override, rich markup and a `|`; every output format of every command
shows them escaped and prints no raw control character but the newline (and the tab of
a quoted source line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from moto.ecr.models import ECRBackend

from harness import configs, lab
from harness.accounts import ecr_client
from harness.live_steps import Live

HOSTILE = "ev\x1b[31mil\x07|[bold]x\r\x9b2J\u202e"
# YAML double-quoted escapes for the same characters.
HOSTILE_YAML = "ev\\e[31mil\\a|[bold]x\\r\\x9b2J\\u202e"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

CONFIG = configs.document(
    configs.registry(
        configs.rule("us-east-1", lab.EU, name=f'"{HOSTILE_YAML}"', filters=["prod/"]),
        account=lab.SOURCE[0],
    ),
    accounts=[configs.account(lab.EU[0])],
    templates=[configs.template(*lab.EU, "prod", description=f'"{HOSTILE_YAML}"')],
)


def assert_safe(text: str) -> None:
    found = RAW_CONTROL.search(text)
    assert found is None, f"raw {found.group()!r} in {text!r}"


def strings_in(document: Any) -> list[str]:
    if isinstance(document, str):
        return [document]
    if isinstance(document, dict):
        document = [*document.keys(), *document.values()]
    if isinstance(document, list):
        return [text for item in document for text in strings_in(item)]
    return []


@pytest.fixture
def hostile_file(write_file: Callable[[str, str], str]) -> str:
    return write_file("hostile.yaml", CONFIG)


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_validate_prints_no_control_character(aws: None, live: Live, output_format: str) -> None:
    # Unknown region and an invalid filter, both quoting the hostile text.
    name = live.write_file(
        "bad.yaml",
        CONFIG.replace("region: us-east-1", f'region: "{HOSTILE_YAML}"').replace(
            "[prod/]", f'["{HOSTILE_YAML}"]'
        ),
    )

    outcome = live.run("validate", "--format", output_format, name)

    assert outcome.exit_code == 1
    assert "E104" in outcome.stdout
    assert_safe(outcome.stdout + outcome.stderr)
    assert "\\x1b[31m" in outcome.stdout.replace("\\\\", "\\")


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_validate_quotes_a_raw_control_character_escaped(
    aws: None, run: Callable[..., Any], workdir: Path, output_format: str
) -> None:
    # YAML refuses the raw ESC (E001); the report quotes the line that holds it.
    (workdir / "raw.yaml").write_bytes(
        b"version: 1\nregistries: []\n# \x07\x1b[2J\xc2\x9b here \x1b\n"
    )

    outcome = run("validate", "--format", output_format, "raw.yaml")

    assert outcome.exit_code == 1
    assert "E001" in outcome.stdout
    assert_safe(outcome.stdout + outcome.stderr)
    if output_format == "text":
        quoted, caret = outcome.stdout.splitlines()[1:3]
        assert quoted == "  3 | # \\x07\\x1b[2J\\x9b here \\x1b"
        assert caret.index("^") == quoted.index("\\x07")


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_route_prints_no_control_character(
    aws: None, run: Callable[..., Any], hostile_file: str, output_format: str
) -> None:
    outcome = run("route", "--format", output_format, hostile_file, "prod/api")

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert_safe(outcome.stdout)
    if output_format == "json":
        # JSON escapes are the same data: a script reads the name exactly.
        assert any(HOSTILE in text for text in strings_in(json.loads(outcome.stdout)))
    else:
        assert "rule 'ev\\x1b[31mil\\x07|[bold]x\\x0d\\x9b2J\\u202e'" in outcome.stdout


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_diff_prints_no_control_character(
    aws: None, run: Callable[..., Any], hostile_file: str, output_format: str
) -> None:
    outcome = run("diff", "--format", output_format, hostile_file)

    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert_safe(outcome.stdout)
    if output_format == "markdown":
        # The `|` of the description stays inside its table cell.
        rows = [
            line
            for line in outcome.stdout.splitlines()
            if line.startswith("| ") and "[bold]" in line
        ]
        assert rows and all(line.count("|") - line.count("\\|") == 5 for line in rows)
    if output_format == "json":
        assert any(HOSTILE in text for text in strings_in(json.loads(outcome.stdout)))


def test_apply_and_export_print_no_control_character(
    aws: None, run: Callable[..., Any], hostile_file: str
) -> None:
    applied = run("apply", "--yes", hostile_file)
    assert applied.exit_code == 0, applied.stderr
    assert_safe(applied.stdout + applied.stderr)
    assert "[bold]" in applied.stdout

    exported = run("export", "--region", "us-west-2", "--region", "eu-west-1")

    assert exported.exit_code == 0, exported.stderr
    assert_safe(exported.stdout + exported.stderr)


def test_an_aws_error_message_is_one_line_without_control_characters(
    aws: None, run: Callable[..., Any], hostile_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.core.exceptions import ServiceException

    class Hostile(ServiceException):
        code = "ValidationException"
        message = HOSTILE

    def refuse(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
        raise Hostile()

    monkeypatch.setattr(ECRBackend, "describe_registry", refuse)

    outcome = run("diff", hostile_file)

    # The registry is named as unread in the plan, on one line of its own.
    assert (outcome.exit_code, outcome.stderr) == (1, "")
    assert_safe(outcome.stdout)
    errors = [line for line in outcome.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1
    assert "ValidationException: ev\\x1b[31mil\\x07|[bold]x" in errors[0]


def test_a_live_template_description_is_exported_escaped(
    aws: None, run: Callable[..., Any]
) -> None:
    ecr_client("123456789012", "us-west-2").create_repository_creation_template(
        prefix="prod", description=HOSTILE, appliedFor=["REPLICATION"]
    )

    outcome = run("export", "--region", "us-west-2")

    assert outcome.exit_code == 0, outcome.stderr
    assert_safe(outcome.stdout)
    exported = yaml.safe_load(outcome.stdout)
    assert exported["templates"][0]["description"] == HOSTILE
