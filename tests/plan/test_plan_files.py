"""Plan files: a saved plan reads back as the same plan, and a broken one is refused clearly."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from typing import Any

import pytest

from ecrrepl.config.model import Config
from ecrrepl.errors import UserError
from ecrrepl.plan import Plan, SourceFile, compute_plan, plan_from_json, plan_to_json
from ecrrepl.plan.files import plan_from_text
from ecrrepl.state import LiveState

CONFIG_TEXT = "version: 1\nregistries: []\n"


def saved(plan: Plan) -> dict[str, Any]:
    # Through JSON text, as a file on disk would be.
    return json.loads(json.dumps(plan_to_json(plan, {"ecrrepl.yaml": CONFIG_TEXT})))


def test_a_plan_file_reads_back_as_the_same_plan(sample_plan: Plan) -> None:
    restored = plan_from_json(saved(sample_plan))
    assert restored.sources == (
        SourceFile(
            "ecrrepl.yaml", hashlib.sha256(CONFIG_TEXT.encode()).hexdigest(), "ecrrepl.yaml"
        ),
    )
    assert dataclasses.replace(restored, sources=()) == sample_plan
    # Everything apply needs comes back without the configuration.
    assert restored.policy_writes == sample_plan.policy_writes
    assert restored.template_writes == sample_plan.template_writes
    assert restored.replication_writes == sample_plan.replication_writes
    assert restored.accounts == sample_plan.accounts
    assert restored.fingerprint == "f" * 64


def test_a_plan_file_records_format_files_and_fingerprint(sample_plan: Plan) -> None:
    data = saved(sample_plan)
    assert data["format_version"] == 3
    assert data["kind"] == "ecrrepl-plan"
    assert data["fingerprint"] == "f" * 64
    assert data["config_files"] == [
        {
            "name": "ecrrepl.yaml",
            "path": "ecrrepl.yaml",
            "sha256": hashlib.sha256(CONFIG_TEXT.encode()).hexdigest(),
        }
    ]
    # Saving a read-back plan again gives the same file.
    assert saved(plan_from_json(data)) == data


def test_the_desired_configuration_comes_back_from_a_plan_file(
    sample_plan: Plan, sample_config: Config
) -> None:
    restored = plan_from_json(saved(sample_plan)).desired_config()
    original = sample_config
    assert sorted(restored.registries, key=lambda r: r.address) == sorted(
        original.registries, key=lambda r: r.address
    )
    assert sorted(restored.templates, key=lambda t: t.prefix) == sorted(
        original.templates, key=lambda t: t.prefix
    )
    assert restored.accounts == original.accounts


def test_a_plan_with_no_changes_round_trips() -> None:
    plan = compute_plan(Config(), LiveState())
    assert dataclasses.replace(plan_from_json(saved(plan)), sources=()) == plan


def broken(data: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ["format_version"],
            4,
            "PLAN.json is not a valid ecrrepl plan at `format_version`: format version 4 is "
            "not 3, the one this ecrrepl reads",
        ),
        (
            ["format_version"],
            1,
            "PLAN.json is not a valid ecrrepl plan at `format_version`: format version 1 is "
            "not 3, the one this ecrrepl reads; it was saved by an earlier ecrrepl: run "
            "`ecrrepl diff --out` again",
        ),
        (
            ["format_version"],
            2,
            "PLAN.json is not a valid ecrrepl plan at `format_version`: format version 2 is "
            "not 3, the one this ecrrepl reads; it was saved by an earlier ecrrepl: run "
            "`ecrrepl diff --out` again",
        ),
        (
            ["changes"],
            KeyError,
            "PLAN.json is not a valid ecrrepl plan at `changes`: expected a list, found "
            "nothing (null or missing)",
        ),
        (
            ["changes", 0, "action"],
            "add",
            "PLAN.json is not a valid ecrrepl plan at `changes[0].action`: the action must be "
            "create, update or delete",
        ),
        (
            ["changes", 0, "type"],
            "repository",
            "PLAN.json is not a valid ecrrepl plan at `changes[0].type`: the type must be one of "
            "replication_configuration, registry_policy_statement, repository_creation_template",
        ),
        (
            ["changes", 0, "after"],
            [],
            "PLAN.json is not a valid ecrrepl plan at `changes[0].after`: expected an object, "
            "found a list",
        ),
        (
            ["config_files", 0, "path"],
            "/etc/ecrrepl.yaml",
            "PLAN.json is not a valid ecrrepl plan at `config_files[0].path`: expected a path "
            "relative to the plan file's folder",
        ),
        (
            ["config_files"],
            [],
            "PLAN.json is not a valid ecrrepl plan at `config_files`: a plan records the "
            "configuration files it came from",
        ),
        (
            ["config_files", 0, "name"],
            "ecrrepl.yaml\x1b[2J",
            "PLAN.json is not a valid ecrrepl plan at `config_files[0].name`: expected a file "
            "name without control characters",
        ),
        (
            ["config_files", 0, "sha256"],
            "abc",
            "PLAN.json is not a valid ecrrepl plan at `config_files[0].sha256`: expected 64 "
            "lowercase hexadecimal digits",
        ),
        (
            ["kind"],
            KeyError,
            "PLAN.json is not a valid ecrrepl plan: it lacks `kind: ecrrepl-plan` and a "
            "`format_version`",
        ),
        (
            ["fingerprint"],
            7,
            "PLAN.json is not a valid ecrrepl plan at `fingerprint`: expected a string, found "
            "the number 7",
        ),
        (
            ["replication", 0, "rules", 0, "destinations"],
            "us-east-1",
            "PLAN.json is not a valid ecrrepl plan at `replication[0].rules[0].destinations`: "
            "expected a list, found the string 'us-east-1'",
        ),
        (
            ["registry_policies", 0, "policy"],
            "[]",
            "PLAN.json is not a valid ecrrepl plan at `registry_policies[0].policy`: expected "
            "an object, found the string '[]'",
        ),
        (
            ["replication", 1, "changes", 0, "action"],
            "replace",
            "PLAN.json is not a valid ecrrepl plan at `replication[1].changes[0].action`: the "
            "action must be add, change or remove",
        ),
        (
            ["templates", 0, "changes", 0, "key"],
            "nope",
            "PLAN.json is not a valid ecrrepl plan at `templates[0].changes[0]`: a template "
            "change must add or change a declared template, by its prefix",
        ),
        (
            ["accounts", "222222222222", "manage_registry_policy"],
            "yes",
            "PLAN.json is not a valid ecrrepl plan at "
            "`accounts.222222222222.manage_registry_policy`: expected true or false, found the "
            "string 'yes'",
        ),
        (
            ["replication", 0, "unchanged"],
            -1,
            "PLAN.json is not a valid ecrrepl plan at `replication[0].unchanged`: expected a "
            "count, found the number -1",
        ),
    ],
)
def test_a_malformed_plan_file_is_refused_in_one_sentence(
    sample_plan: Plan, path: list[Any], value: Any, message: str
) -> None:
    with pytest.raises(UserError) as raised:
        plan_from_json(broken(saved(sample_plan), path, value), "PLAN.json")
    assert raised.value.message == message
    assert "\n" not in raised.value.message


def test_a_plan_file_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(UserError, match=r"^x.json is not a valid ecrrepl plan: expected an object"):
        plan_from_json([1, 2], "x.json")


def test_a_plan_file_that_is_not_json_is_refused() -> None:
    with pytest.raises(UserError, match=r"^PLAN.json is not a plan file: it is not valid JSON"):
        plan_from_text("{not json", "PLAN.json")
