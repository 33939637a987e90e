"""The embedded documents (E312..W315) beyond the case tables: where findings point
when positions are partial or absent, what the loader keeps of a JSON file, and that
no document, however malformed, makes a check raise."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrrepl.config.model import CreationTemplate, DocumentPositions
from ecrrepl.config.positions import json_file_positions
from ecrrepl.findings import Location
from ecrrepl.lint.rules._embedded import Problem, render_path
from ecrrepl.lint.rules.lifecycle_policy import lifecycle_problems
from ecrrepl.lint.rules.repository_policy import policy_problems
from ecrrepl.validation import validate_files
from harness import configs


def _validate(tmp_path: Path, key: str, value: str, files: Mapping[str, str] = {}) -> Any:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = tmp_path / "ecrrepl.yaml"
    config.write_text(configs.template_field(key, value), encoding="utf-8")
    return validate_files([str(config)])


def test_tabs_in_a_json_file_keep_their_columns() -> None:
    text = '{\n\t"rules": [\n\t\t{"rulePriority": 0}\n\t]\n}\n'
    positions, repeated = json_file_positions(
        "lifecycle.json", text, "templates[0].lifecycle_policy"
    )
    assert positions is not None and repeated == []
    where = positions.values[("rules", 0, "rulePriority")]
    assert (where.line, where.column) == (3, 20)
    assert text.splitlines()[2][where.column - 1] == "0"
    assert where.path == "templates[0].lifecycle_policy.rules[0].rulePriority"
    assert positions.keys[("rules",)].path == "templates[0].lifecycle_policy.rules"


def test_a_json_file_with_a_repeated_key_has_no_positions(tmp_path: Path) -> None:
    """JSON keeps the last of two keys, YAML the first: positions would point at the
    value that is not checked, so there are none, and findings go to the file: line.
    The repeated key itself is E002, at its place in the file."""
    text = '{"Statement": {"Effect": "Allow",\n  "Effect": "Deny"}}'
    positions, repeated = json_file_positions("p.json", text, "x")
    assert positions is None
    assert [(f.rule, f.location.line, f.location.column) for f in repeated] == [("E002", 2, 3)]
    assert "JSON readers silently keep only the last one" in repeated[0].message

    result = _validate(tmp_path, "repository_policy", "file:p.json", {"p.json": text})
    found = [(f.rule, Path(f.location.file).name, f.location.line) for f in result.findings]
    assert found == [
        ("E313", "ecrrepl.yaml", 12),
        ("E313", "ecrrepl.yaml", 12),
        ("E002", "p.json", 2),
    ]


def test_json_that_yaml_cannot_read_has_no_positions() -> None:
    # Valid JSON, but YAML allows a key (an implicit one) of at most 1024 characters.
    text = json.dumps({"k" * 1100: 1})
    assert json.loads(text)
    assert json_file_positions("p.json", text, "x") == (None, [])


def test_a_json_file_nested_too_deeply_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    deep = '{"rules": ' + "[" * 100_000 + "]" * 100_000 + "}"
    result = _validate(tmp_path, "lifecycle_policy", "file:deep.json", {"deep.json": deep})
    assert [(f.rule, f.location.line) for f in result.findings] == [("E303", 12)]
    assert "nests arrays and objects more than" in result.findings[0].message


def test_findings_without_positions_point_at_the_template_key() -> None:
    """Templates read back from plan or backup files carry no positions."""
    key_location = Location("backup.json", 1, 1, "templates[0].lifecycle_policy")
    template = CreationTemplate(
        account="111111111111",
        region="eu-west-1",
        prefix="prod",
        key_locations={"lifecycle_policy": key_location},
    )
    assert template.value_at("lifecycle_policy", ("rules", 0)) == key_location
    assert template.key_at("lifecycle_policy", ("rules",)) == key_location


def test_a_missing_property_points_at_the_key_of_what_should_hold_it() -> None:
    selection_key = Location("c.yaml", 15, 11)
    first_selection_key = Location("c.yaml", 16, 13)
    template = CreationTemplate(
        account="111111111111",
        region="eu-west-1",
        prefix="prod",
        positions={
            "lifecycle_policy": DocumentPositions(
                values={
                    (): Location("c.yaml", 13, 7),
                    ("rules", 0, "selection"): first_selection_key,
                },
                keys={("rules", 0, "selection"): selection_key},
            )
        },
    )
    path = ("rules", 0, "selection", "countUnit")
    assert template.value_at("lifecycle_policy", path) == selection_key
    assert template.value_at("lifecycle_policy", ("rules", 0, "selection")) == first_selection_key
    assert template.key_at("lifecycle_policy", path) == selection_key


def test_json_output_names_the_path_inside_the_file(tmp_path: Path) -> None:
    policy = '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "BatchGetImage"}}'
    result = _validate(tmp_path, "repository_policy", "file:p.json", {"p.json": policy})
    [finding] = result.findings
    assert finding.rule == "E313"
    assert Path(finding.location.file).name == "p.json"
    assert (finding.location.line, finding.location.column) == (1, policy.index('"Batch') + 1)
    assert finding.location.path == "templates[0].repository_policy.Statement.Action"
    assert result.sources[finding.location.file] == policy


def test_a_valid_document_read_from_the_file_and_inline_says_the_same(tmp_path: Path) -> None:
    policy = {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any"}}]}
    inline = _validate(tmp_path, "lifecycle_policy", json.dumps(policy))
    from_file = _validate(
        tmp_path, "lifecycle_policy", "file:l.json", {"l.json": json.dumps(policy, indent=2)}
    )
    assert [f.message for f in inline.findings] == [f.message for f in from_file.findings]
    assert {f.rule for f in inline.findings} == {"E312"}


SCALARS = ["tagged", "untagged", "any", "days", "expire", "transition", "archive",
           "standard", "sinceImageTransitioned", "imageCountMoreThan", "*", "Allow", "ecr:*",
           "AWS", ""]  # fmt: skip
NAMES = ["rules", "rulePriority", "selection", "action", "tagStatus", "countType", "countUnit",
         "countNumber", "storageClass", "type", "targetStorageClass", "tagPatternList",
         "tagPrefixList", "Statement", "Effect", "Principal", "NotPrincipal", "Action",
         "NotAction", "Resource", "Condition", "Version", "AWS", "x"]  # fmt: skip

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 200),
        st.floats(allow_nan=False),
        st.sampled_from(SCALARS),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(NAMES), children, max_size=6),
    ),
    max_leaves=30,
)


def _problem_paths_exist_or_hang_off_something(document: Any, problem: Problem) -> bool:
    """A problem names a value of the document, or a missing key of a value that is."""
    node = document
    for depth, part in enumerate(problem.path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return depth == len(problem.path) - 1
    return True


def test_lists_and_objects_where_names_are_expected_are_problems_not_crashes() -> None:
    rule = {"rulePriority": [1], "selection": {"countType": [], "tagStatus": {}}}
    rule["action"] = {"type": [], "targetStorageClass": {}}
    messages = [p.message for p in lifecycle_problems({"rules": [rule]})]
    assert "`countType` must be one of imageCountMoreThan, sinceImagePushed, " in messages[2]
    statement = {"Effect": [], "Principal": {"AWS": {}}, "Action": {}, "Condition": []}
    assert len(list(policy_problems({"Version": [], "Statement": statement}))) == 5


# slow: 100 random documents through both grammar checks.
@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["rules", "Statement", "Version", "x"]), json_values))
def test_no_document_makes_a_grammar_check_raise(document: dict[str, Any]) -> None:
    for problems in (lifecycle_problems(document), policy_problems(document)):
        for problem in problems:
            assert problem.message
            assert _problem_paths_exist_or_hang_off_something(document, problem), problem
            render_path(problem.path)
