"""Suppressions end to end: each placement, each format, --ignore, --strict, and the
findings about suppressions themselves (W051 error named, W052 unused, W053 unknown)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ecrrepl.findings import EXTERNAL, IN_SOURCE
from ecrrepl.validation import validate_files
from harness.cli import Outcome, invoke

SARIF_SCHEMA = Path(__file__).parent.parent / "render_findings" / "sarif-schema-2.1.0.json"

# W112 on line 6 (prod/api is covered by prod/), W115 on line 7 (me-south-1 is opt-in).
BASE = """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - filters: [prod/, prod/api]{six}
        destinations: [{{region: me-south-1}}]{seven}
"""


def config(tmp_path: Path, six: str = "", seven: str = "", name: str = "c.yaml") -> str:
    path = tmp_path / name
    path.write_text(BASE.format(six=six, seven=seven))
    return str(path)


def rules_of(path: str, ignore: tuple[str, ...] = ()) -> list[tuple[str, int, bool]]:
    findings = validate_files([path], ignore).findings
    return [(f.rule, f.location.line, f.suppressed) for f in findings]


def assert_valid_sarif(document: dict[str, Any]) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, "\n".join(errors)


def json_of(outcome: Outcome) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(outcome.stdout)
    return document


def test_without_suppressions_both_warnings_fail_strict(tmp_path: Path) -> None:
    path = config(tmp_path)
    assert rules_of(path) == [("W112", 6, False), ("W115", 7, False)]
    assert invoke("validate", "--strict", path).exit_code == 1


def test_trailing_comment_suppresses_its_line_only(tmp_path: Path) -> None:
    path = config(tmp_path, seven="  # ecrrepl: ignore[W115] both accounts opted in")
    assert rules_of(path) == [("W112", 6, False), ("W115", 7, True)]


def test_comment_above_suppresses_the_line_below(tmp_path: Path) -> None:
    path = config(tmp_path, six="\n        # ecrrepl: ignore[W115] opted in")
    # The comment is line 7 now, the destination line 8.
    assert rules_of(path) == [("W112", 6, False), ("W115", 8, True)]


def test_file_wide_comment_and_several_ids(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("# ecrrepl: ignore-file[W112,W115] reviewed\n" + BASE.format(six="", seven=""))
    assert rules_of(str(path)) == [("W112", 7, True), ("W115", 8, True)]


def test_a_comment_in_one_file_does_not_suppress_in_another(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("# ecrrepl: ignore-file[W115] not for c.yaml\nversion: 1\nregistries: []\n")
    path = config(tmp_path)
    findings = validate_files([path, str(other)]).findings
    assert [(f.rule, Path(f.location.file).name, f.suppressed) for f in findings] == [
        ("W112", "c.yaml", False),
        ("W115", "c.yaml", False),
        ("W052", "other.yaml", False),
    ]


def test_strict_passes_when_every_warning_is_suppressed(tmp_path: Path) -> None:
    path = config(tmp_path, six="  # ecrrepl: ignore[W112] r", seven="  # ecrrepl: ignore[W115] r")
    outcome = invoke("validate", "--strict", path)
    assert outcome.exit_code == 0
    assert outcome.stdout == "ok: no findings in 1 file, 2 suppressed\n"


def test_an_error_cannot_be_suppressed(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    text = BASE.format(six="", seven="").replace("me-south-1", "us-est-1")
    path.write_text(text.rstrip("\n") + "  # ecrrepl: ignore[E105] a typo\n")
    findings = validate_files([str(path)]).findings
    assert [(f.rule, f.location.line, f.location.column, f.suppressed) for f in findings] == [
        ("W112", 6, 26, False),
        ("E105", 7, 33, False),
        ("W051", 7, 63, False),
    ]
    assert "E105 is an error, which cannot be suppressed" in findings[2].message
    assert invoke("validate", str(path)).exit_code == 1


def test_the_findings_about_suppressions_cannot_be_suppressed(tmp_path: Path) -> None:
    path = config(tmp_path, seven="  # ecrrepl: ignore[W115,W052] r")
    assert rules_of(path) == [("W112", 6, False), ("W115", 7, True), ("W051", 7, False)]


def test_unused_suppression_is_reported_at_its_id(tmp_path: Path) -> None:
    path = config(tmp_path, seven="  # ecrrepl: ignore[W115, W113] r")
    findings = validate_files([path]).findings
    unused = [f for f in findings if f.rule == "W052"]
    assert [(f.location.line, f.location.column, f.message) for f in unused] == [
        (7, 71, "suppression of W113 matches no finding on its line")
    ]
    # An unused suppression is a warning: --strict fails on it.
    assert invoke("validate", "--strict", path).exit_code == 1


def test_suppression_on_the_wrong_line_is_unused(tmp_path: Path) -> None:
    path = config(tmp_path, six="  # ecrrepl: ignore[W115] r")
    assert rules_of(path) == [("W112", 6, False), ("W052", 6, False), ("W115", 7, False)]


def test_unknown_id_and_unreadable_comment_are_reported(tmp_path: Path) -> None:
    path = config(tmp_path, six="  # ecrrepl: ignore W112", seven="  # ecrrepl: ignore[W151] r")
    findings = validate_files([path]).findings
    assert [(f.rule, f.location.line, f.suppressed) for f in findings] == [
        ("W112", 6, False),
        ("W053", 6, False),
        ("W115", 7, False),
        ("W053", 7, False),
    ]
    assert "unknown rule ID 'W151'" in findings[3].message
    assert "unreadable suppression" in findings[1].message


def test_empty_brackets_are_reported(tmp_path: Path) -> None:
    path = config(tmp_path, seven="  # ecrrepl: ignore[] r")
    assert ("W053", 7, False) in rules_of(path)


def test_comment_text_inside_a_quoted_value_suppresses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        BASE.format(six="", seven="").replace(
            "[prod/, prod/api]", '[prod/, prod/api, "# ecrrepl: ignore[W115] no"]'
        )
    )
    assert ("W115", 7, False) in rules_of(str(path))


# --- formats ---------------------------------------------------------------------------


@pytest.fixture
def suppressed_config(tmp_path: Path) -> str:
    """W112 left, W115 suppressed by a comment with a reason."""
    return config(tmp_path, seven="  # ecrrepl: ignore[W115] both accounts opted in")


def test_text_leaves_suppressed_findings_out_and_counts_them(suppressed_config: str) -> None:
    outcome = invoke("validate", suppressed_config)
    assert outcome.exit_code == 0
    assert "W112" in outcome.stdout and "W115" not in outcome.stdout
    assert outcome.last_line == "0 errors, 1 warning, 0 infos in 1 file, 1 suppressed"


def test_json_keeps_suppressed_findings_with_their_reason(suppressed_config: str) -> None:
    document = json_of(invoke("validate", "--format", "json", suppressed_config))
    by_rule = {finding["rule"]: finding for finding in document["findings"]}
    assert by_rule["W112"]["suppressed"] is False and "reason" not in by_rule["W112"]
    assert {key: by_rule["W115"][key] for key in ("suppressed", "suppressed_by", "reason")} == {
        "suppressed": True,
        "suppressed_by": "comment",
        "reason": "both accounts opted in",
    }
    assert document["summary"] == {
        "files": 1, "errors": 0, "warnings": 1, "infos": 0, "suppressed": 1,
    }  # fmt: skip


def test_sarif_marks_an_in_source_suppression(suppressed_config: str) -> None:
    document = json_of(invoke("validate", "--format", "sarif", suppressed_config))
    assert_valid_sarif(document)
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert "suppressions" not in results["W112"]
    (suppression,) = results["W115"]["suppressions"]
    assert suppression["kind"] == IN_SOURCE == "inSource"
    assert suppression["justification"] == "both accounts opted in"
    region = suppression["location"]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (7, 47)


def test_sarif_marks_an_ignored_rule_as_external(tmp_path: Path) -> None:
    path = config(tmp_path)
    document = json_of(invoke("validate", "--format", "sarif", "--ignore", "W115", path))
    assert_valid_sarif(document)
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert results["W115"]["suppressions"] == [{"kind": EXTERNAL}]
    assert EXTERNAL == "external"


def test_github_omits_suppressed_findings(suppressed_config: str) -> None:
    outcome = invoke("validate", "--format", "github", suppressed_config)
    assert [line.split("::")[1].split(",")[-1] for line in outcome.stdout.splitlines()] == [
        "title=W112"
    ]


# --- --ignore --------------------------------------------------------------------------


def test_ignore_option_suppresses_externally_and_takes_several(tmp_path: Path) -> None:
    path = config(tmp_path)
    document = json_of(invoke("validate", "--format", "json", "--ignore", "W112,W115", path))
    assert [(f["rule"], f["suppressed"], f["suppressed_by"], f["reason"])
            for f in document["findings"]] == [
        ("W112", True, "--ignore", None),
        ("W115", True, "--ignore", None),
    ]  # fmt: skip
    assert invoke("validate", "--strict", "--ignore", "W112", "--ignore=W115", path).exit_code == 0


def test_a_comment_wins_over_ignore_and_an_unused_ignore_is_fine(tmp_path: Path) -> None:
    path = config(tmp_path, seven="  # ecrrepl: ignore[W115] r")
    assert rules_of(path, ("W115", "W113")) == [("W112", 6, False), ("W115", 7, True)]
    findings = validate_files([path], ("W115",)).findings
    assert findings[1].suppression is not None and findings[1].suppression.kind == IN_SOURCE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("E105", "E105 is an error, which cannot be suppressed"),
        ("W999", "unknown rule ID 'W999'"),
        ("w115", "unknown rule ID 'w115'"),
        (",", "--ignore needs rule IDs"),
        ("W052", "W052 reports a suppression itself"),
    ],
)
def test_ignore_refuses_what_cannot_be_suppressed(tmp_path: Path, value: str, message: str) -> None:
    outcome = invoke("validate", "--ignore", value, config(tmp_path))
    assert outcome.exit_code == 2
    assert message in outcome.stderr
    assert outcome.stdout == ""


def test_policy_takes_ignore_and_prints_no_accepted_warnings(tmp_path: Path) -> None:
    path = config(tmp_path, seven="  # ecrrepl: ignore[W115] r")
    noisy = invoke("policy", path)
    assert noisy.exit_code == 0 and "W112" in noisy.stderr and "W115" not in noisy.stderr
    quiet = invoke("policy", "--ignore", "W112", path)
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    assert invoke("policy", "--ignore", "E105", path).exit_code == 2


@pytest.mark.parametrize("command", ["diff", "apply"])
def test_diff_and_apply_refuse_an_unknown_ignore_before_reaching_aws(
    tmp_path: Path, command: str
) -> None:
    outcome = invoke(command, "--ignore", "W999", config(tmp_path))
    assert outcome.exit_code == 2
    assert "unknown rule ID 'W999'" in outcome.stderr


def test_the_readme_example_is_clean_under_strict(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Suppressions\n", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(example)
    outcome = invoke("validate", "--strict", str(path))
    assert (outcome.exit_code, outcome.stdout) == (0, "ok: no findings in 1 file, 4 suppressed\n")
    assert "ok: no findings in 1 file, 4 suppressed" in section


def test_a_long_unreadable_comment_is_quoted_shortened(tmp_path: Path) -> None:
    path = config(tmp_path, seven="  # ecrrepl: " + "x" * 500)
    (problem,) = [f for f in validate_files([path]).findings if f.rule == "W053"]
    assert len(problem.message) < 200 and "xxx…'" in problem.message


def test_a_file_that_is_not_yaml_reports_only_its_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("version: 1  # ecrrepl: ignore[W115] r\nregistries: [\n")
    assert [f.rule for f in validate_files([str(path)]).findings] == ["E001"]
