"""What reviewers and pipelines read: a saved plan applied later, the JSON and Markdown
plans, and the `policy` statements for teams that apply them elsewhere."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.lab import CONFIG, DR, EU, SOURCE

pytestmark = pytest.mark.e2e

SAVED = "Saved the plan to plan.json; `ecrrepl apply plan.json` applies it.\n"


def test_a_saved_plan_is_applied_as_reviewed_and_only_once(lab: Any) -> None:
    config = lab.write("ecrrepl.yaml", CONFIG)

    saved = lab.run("diff", "--out", "plan.json", config)
    assert (saved.exit_code, saved.stderr) == (0, SAVED)
    assert saved.stdout.endswith("Plan: 4 to add, 0 to change, 0 to remove.\n")

    applied = lab.run("apply", "plan.json", "--yes")

    assert (applied.exit_code, applied.stderr) == (0, "")
    # The same plan, computed again; rules are numbered, since their names are words from
    # the file that no write carries.
    reviewed = saved.stdout.replace("rule 'prod'", "rule #1").replace("rule 'dr'", "rule #2")
    assert applied.stdout.startswith(reviewed)
    assert applied.stdout.endswith(
        "Read back: the live registries match the configuration.\nApply complete: 3 written.\n"
    )
    assert lab.run("diff", "--exit-code", config).exit_code == 0

    again = lab.run("apply", "plan.json", "--yes")

    assert (again.exit_code, again.stdout, again.stderr) == (
        1,
        "",
        "ecrrepl: error: the live registries changed since plan.json was saved (by someone "
        "else, or by applying it already); nothing was written. Run `ecrrepl diff "
        "ecrrepl.yaml --out plan.json --overwrite` again and review what it shows now.\n",
    )
    assert len(lab.backups()) == 1


def test_a_saved_plan_is_refused_when_someone_wrote_meanwhile(lab: Any) -> None:
    config = lab.write("ecrrepl.yaml", CONFIG)
    assert lab.run("diff", "--out", "plan.json", config).exit_code == 0
    # Someone writes ecrrepl's statement by hand, next to their own: another owner's
    # statement alone is merged into at the moment of writing, not refused.
    lab.put_policy(
        EU,
        [
            {
                "Sid": "SomeoneElse",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                "Action": "ecr:ReplicateImage",
                "Resource": "arn:aws:ecr:eu-west-1:222222222222:repository/*",
            },
            {
                "Sid": "Ecrrepl123456789012uswest2",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "ecr:ReplicateImage",
                "Resource": "arn:aws:ecr:eu-west-1:222222222222:repository/*",
            },
        ],
    )
    before = lab.state(SOURCE, EU, DR)

    refused = lab.run("apply", "plan.json", "--yes")

    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr.startswith(
        "ecrrepl: error: the live registries changed since plan.json was saved"
    )
    assert lab.state(SOURCE, EU, DR) == before
    assert lab.backups() == []


def test_json_and_markdown_plans(lab: Any) -> None:
    config = lab.write("ecrrepl.yaml", CONFIG)

    as_json = lab.run("diff", "--format", "json", "--exit-code", config)

    assert (as_json.exit_code, as_json.stderr) == (3, "")
    plan = json.loads(as_json.stdout)
    assert plan["has_changes"] is True
    assert plan["summary"] == {"add": 4, "change": 0, "remove": 0}
    assert (plan["warnings"], plan["errors"]) == ([], [])
    sections = {
        (registry["registry"], section["aspect"]): [c["subject"] for c in section["changes"]]
        for registry in plan["registries"]
        for section in registry["sections"]
    }
    assert sections == {
        ("123456789012/us-west-2", "replication"): ["rule 'prod'", "rule 'dr'"],
        ("222222222222/eu-west-1", "registry_policy"): ["statement Ecrrepl123456789012uswest2"],
        ("333333333333/us-east-2", "registry_policy"): ["statement Ecrrepl123456789012uswest2"],
    }

    as_markdown = lab.run("diff", "--format", "markdown", config)

    assert (as_markdown.exit_code, as_markdown.stderr) == (0, "")
    lines = as_markdown.stdout.splitlines()
    assert lines[:3] == ["### ecrrepl plan", "", "**Plan: 4 to add, 0 to change, 0 to remove.**"]
    assert [line for line in lines if line.startswith("#### ")] == [
        "#### `123456789012/us-west-2` — replication configuration",
        "#### `222222222222/eu-west-1` — registry policy",
        "#### `333333333333/us-east-2` — registry policy",
    ]
    assert sum(line.startswith("| `+` |") for line in lines) == 4

    # Reading is all diff does, whatever the format.
    assert lab.state(SOURCE, EU, DR)[SOURCE] == ({"rules": []}, None)


def test_policy_prints_the_statements_apply_writes(lab: Any) -> None:
    config = lab.write("ecrrepl.yaml", CONFIG)

    printed = lab.run("policy", config)

    assert (printed.exit_code, printed.stderr) == (0, "")
    destinations = json.loads(printed.stdout)["destinations"]
    assert [(d["account"], d["region"], d["managed_by_ecrrepl"]) for d in destinations] == [
        ("222222222222", "eu-west-1", True),
        ("333333333333", "us-east-2", True),
    ]
    # Offline: nothing was written yet.
    assert lab.policy_text(EU) is None

    assert lab.run("apply", "--yes", config).exit_code == 0
    for destination, registry in zip(destinations, (EU, DR), strict=True):
        assert destination["statements"] == lab.statements(registry)
        assert destination["characters"] == len(lab.policy_text(registry))
