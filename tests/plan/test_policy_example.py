"""The example OPA/conftest policy under docs/policy reads fields ecrrepl really prints.

No OPA binary is needed: every path the policy reads (`input.x`, and `v.y` for each
`some v in ...` it binds) is resolved against `diff --format json` and against a plan
file, and must reach a value in each. A field renamed in the output, or misspelt in
the policy, fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.plan import Plan, plan_to_json
from ecrrepl.render.plan_json import render_plan_json

POLICY = Path(__file__).parents[2] / "docs" / "policy" / "deny_cross_partition_or_delete.rego"
ITERATE = "*"


def policy_paths(text: str) -> set[tuple[str, ...]]:
    """Every path from `input` the policy reads, `*` standing for each element of a list."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    bound: dict[str, tuple[str, ...]] = {"input": ()}
    for name, source in re.findall(r"\bsome\s+(\w+)\s+in\s+([\w.]+)", code):
        base, *fields = source.split(".")
        bound[name] = (*bound[base], *fields, ITERATE)
    paths = set()
    for base, fields in re.findall(r"\b(\w+)\.([A-Za-z_][\w.]*)", code):
        if base in bound:
            paths.add((*bound[base], *fields.split(".")))
    return paths


def reaches(value: Any, path: tuple[str, ...]) -> bool:
    if not path:
        return value is not None
    head, rest = path[0], path[1:]
    if head == ITERATE:
        return isinstance(value, list) and any(reaches(item, rest) for item in value)
    return isinstance(value, dict) and head in value and reaches(value[head], rest)


def test_the_policy_reads_every_field_it_means_to() -> None:
    paths = policy_paths(POLICY.read_text(encoding="utf-8"))
    assert paths == {
        ("format_version",),
        ("changes",),
        ("changes", ITERATE, "action"),
        ("changes", ITERATE, "address"),
        ("changes", ITERATE, "effects"),
        ("changes", ITERATE, "type"),
        ("changes", ITERATE, "region"),
        ("changes", ITERATE, "after", "rules"),
        ("changes", ITERATE, "after", "rules", ITERATE, "destinations"),
        ("changes", ITERATE, "after", "rules", ITERATE, "destinations", ITERATE, "region"),
        ("changes", ITERATE, "after", "rules", ITERATE, "destinations", ITERATE, "registryId"),
    }


@pytest.mark.parametrize("document", ["diff --format json", "diff --out"])
def test_every_path_of_the_policy_is_in_real_output(sample_plan: Plan, document: str) -> None:
    shown = (
        json.loads(render_plan_json(sample_plan))
        if document == "diff --format json"
        else plan_to_json(sample_plan, {"ecrrepl.yaml": "version: 1\n"})
    )
    missing = [
        path
        for path in sorted(policy_paths(POLICY.read_text(encoding="utf-8")))
        if not reaches(shown, path)
    ]
    assert missing == []
    # The format it checks for is the one printed.
    assert "input.format_version != 3" in POLICY.read_text(encoding="utf-8")
    assert shown["format_version"] == 3


def test_a_renamed_field_would_be_caught(sample_plan: Plan) -> None:
    shown = json.loads(render_plan_json(sample_plan))
    for change in shown["changes"]:
        change["kind"] = change.pop("type")
    assert not reaches(shown, ("changes", ITERATE, "type"))
