"""SARIF output checked against the official SARIF 2.1.0 JSON schema.

sarif-schema-2.1.0.json beside this file is a verbatim copy of the OASIS SARIF TC's
schema, from the repository oasis-tcs/sarif-spec, file
Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json (the schema published
with the SARIF 2.1.0 committee specification; its $id names the same file under
Schemata/). Upstream it is JSON Schema draft-07.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from ecrrepl import __version__
from ecrrepl.findings import Finding, Location
from ecrrepl.lint.registry import all_rules, get_rule
from ecrrepl.render.findings_sarif import artifact_uri, render_findings_sarif

Run = Callable[..., Any]  # the run_in_cases fixture: args -> Outcome
SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def assert_valid_sarif(document: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_vendored_schema_is_the_sarif_2_1_0_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"


def test_schema_check_rejects_what_sarif_forbids() -> None:
    document = json.loads(render_findings_sarif([], [], tool_version="0"))
    document["runs"][0]["results"] = [{"ruleId": "E105", "level": "info", "message": {}}]
    assert list(VALIDATOR.iter_errors(document)), "an invalid log passed the schema check"


def test_validate_sarif_output_is_valid_and_complete(run_in_cases: Run) -> None:
    outcome = run_in_cases("validate", "--format", "sarif", "ecrrepl.yaml")
    assert (outcome.exit_code, outcome.stderr) == (1, "")
    document = json.loads(outcome.stdout)
    assert_valid_sarif(document)

    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("ecrrepl", __version__)
    assert [rule["id"] for rule in driver["rules"]] == [rule.id for rule in all_rules()]
    assert [
        (result["ruleId"], result["level"], driver["rules"][result["ruleIndex"]]["id"])
        for result in run["results"]
    ] == [("W112", "warning", "W112"), ("E105", "error", "E105"), ("I116", "note", "I116")]
    location = run["results"][1]["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "ecrrepl.yaml"},
        "region": {"startLine": 10, "startColumn": 21},
    }
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "registries[0].rules[0].destinations[0].region", "kind": "property"}
    ]


def test_rule_descriptors_carry_summary_description_level_and_help_link() -> None:
    document = json.loads(render_findings_sarif([], all_rules(), tool_version="9.9.9"))
    assert_valid_sarif(document)
    driver = document["runs"][0]["tool"]["driver"]
    assert _is_absolute_uri(driver["informationUri"])
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    e105 = by_id["E105"]
    assert e105["shortDescription"] == {"text": "region unknown to botocore (suggest the closest)"}
    assert e105["defaultConfiguration"] == {"level": "error"}
    assert e105["helpUri"].endswith("/docs/rules.md#e105")
    assert by_id["I116"]["defaultConfiguration"] == {"level": "note"}
    for rule in driver["rules"]:
        assert _is_absolute_uri(rule["helpUri"])
        # Docstring prose arrives as paragraphs, without the source's hard line breaks.
        assert "\n" not in rule["fullDescription"]["text"].replace("\n\n", "")


def test_result_for_a_rule_outside_the_catalogue_has_no_rule_index() -> None:
    finding = Finding("E999", "not catalogued", Location("a.yaml", 1, 1))
    document = json.loads(render_findings_sarif([finding], [], tool_version="0"))
    assert_valid_sarif(document)
    (result,) = document["runs"][0]["results"]
    assert "ruleIndex" not in result
    assert result["ruleId"] == "E999"


def test_result_rule_index_points_into_the_rules_given() -> None:
    rule = get_rule("E105")
    finding = Finding(rule.id, "m", Location("a.yaml", 2, 3))
    document = json.loads(render_findings_sarif([finding], [rule], tool_version="0"))
    assert document["runs"][0]["results"][0]["ruleIndex"] == 0


@pytest.mark.parametrize(
    ("file", "uri"),
    [
        ("ecrrepl.yaml", "ecrrepl.yaml"),
        ("configs/prod env.yaml", "configs/prod%20env.yaml"),
        ("/srv/repo/ecrrepl.yaml", "file:///srv/repo/ecrrepl.yaml"),
        ("configs\\win.yaml", "configs/win.yaml"),
    ],
)
def test_artifact_uri_is_a_uri_reference(file: str, uri: str) -> None:
    assert artifact_uri(file) == uri


def test_message_with_unusual_characters_stays_valid() -> None:
    finding = Finding("E001", 'bad "quote"\nand\ttab ✓', Location("dir/ä.yaml", 1, 1))
    document = json.loads(render_findings_sarif([finding], [], tool_version="0"))
    assert_valid_sarif(document)
    assert document["runs"][0]["results"][0]["message"]["text"] == 'bad "quote"\nand\ttab ✓'


def _is_absolute_uri(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
