"""Rules built in one step (config/plain_rules.py) against the builder's value readers:
the same records at the same locations, the same findings, whichever builds a rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecrrepl.config import build
from ecrrepl.config.build import ModelBuilder
from ecrrepl.config.loader import MappingNode, parse_document
from ecrrepl.config.plain_rules import plain_rule
from ecrrepl.config.record import Record
from ecrrepl.lint.rule_cases import case_file_ids, load_cases

ROOT = Path(__file__).parent.parent.parent


def deep(value: Any) -> Any:
    """Everything a built value says, its locations included, comparable with ==."""
    if isinstance(value, Record):
        return (type(value).__name__, [(name, deep(field)) for name, field in value.items()])
    if isinstance(value, tuple | list):
        return [deep(item) for item in value]
    if isinstance(value, dict):
        return [(key, deep(item)) for key, item in value.items()]
    return (type(value).__name__, value)


def built(text: str) -> Any:
    findings: list[Any] = []
    root, problems = parse_document("f.yaml", text.encode())
    builder = ModelBuilder("f.yaml", findings)
    contents = builder.build(root)
    return (
        problems,
        findings,
        deep(contents.registries),
        deep(builder.unplaced_rules),
        sorted(builder.unbuilt),
        sorted(builder.rules_missing_destinations),
        # What the one-step build sets ahead of the cached properties' first read.
        [
            (type(rule.prefixes), rule.prefixes, [tuple(d.address) for d in rule.destinations])
            for registry in contents.registries
            for rule in registry.rules
        ],
    )


def both_ways(text: str) -> Any:
    """What the builder makes of `text`, after checking that the readers alone agree."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "PLAIN_RULES_FROM", 0)
        fast = built(text)
        patch.setattr(build, "PLAIN_RULES_FROM", sys.maxsize)
        slow = built(text)
    assert fast == slow
    return fast


def fixture_texts() -> list[str]:
    texts = [path.read_text() for path in sorted((ROOT / "configs").glob("*.yaml"))]
    texts += [
        path.read_text(errors="replace")
        for path in sorted((ROOT / "tests").rglob("*.yaml"))
        if path.stat().st_size < 1_000_000
    ]
    for rule_id in case_file_ids():
        for case in load_cases(rule_id):
            texts.extend(case.files.values())
    return texts


def test_every_fixture_and_rule_case_builds_the_same_either_way() -> None:
    texts = fixture_texts()
    assert len(texts) > 100
    for text in texts:
        both_ways(text)


def test_a_plain_rule_is_built_in_one_step() -> None:
    text = (
        'version: 1\nregistries:\n  - account: "111111111111"\n    region: us-west-2\n'
        "    rules:\n      - name: r\n        filters: [prod/, base-]\n"
        "        destinations:\n          - {region: us-east-1}\n"
        '          - {account: "222222222222", region: eu-west-1}\n'
        "        delete_replication: true\n"
    )
    root, _ = parse_document("f.yaml", text.encode())
    assert isinstance(root, MappingNode)
    rule = root.entries["registries"][1].items[0].entries["rules"][1].items[0]  # type: ignore[attr-defined]
    made = plain_rule(rule, "111111111111", {})
    assert made is not None
    assert made.name == "r" and made.delete_replication is True
    assert made.prefixes == ("prod/", "base-")
    assert [(d.account, d.region) for d in made.destinations] == [
        ("111111111111", "us-east-1"),
        ("222222222222", "eu-west-1"),
    ]
    assert (made.at("filters").line, made.at("filters").column) == (7, 18)
    assert made.filters is not None and made.filters[1].where.path == (
        "registries[0].rules[0].filters[1]"
    )
    assert both_ways(text)[1] == []


@pytest.mark.parametrize(
    "rule",
    [
        "{filters: [], destinations: [{region: us-east-1}]}",
        "{filters: prod/, destinations: [{region: us-east-1}]}",
        "{filters: [1], destinations: [{region: us-east-1}]}",
        "{destinations: [{region: us-east-1}], name: 7}",
        "{destinations: [{region: us-east-1}], delete_replication: yes please}",
        "{destinations: [{region: us-east-1, account: 222222222222}]}",
        "{destinations: [{region: us-east-1, account: '2222'}]}",
        "{destinations: [{region: us-east-1, acount: '222222222222'}]}",
        "{destinations: [{account: '222222222222'}]}",
        "{destinations: [us-east-1]}",
        "{destinations: {region: us-east-1}}",
        "{filters: [prod/]}",
        "{filters: [prod/], destinatons: [{region: us-east-1}]}",
    ],
)
def test_a_rule_the_readers_report_on_is_left_to_them(rule: str) -> None:
    text = (
        'version: 1\nregistries:\n  - account: "111111111111"\n    region: us-west-2\n'
        f"    rules:\n      - {rule}\n"
    )
    root, _ = parse_document("f.yaml", text.encode())
    assert isinstance(root, MappingNode)
    node = root.entries["registries"][1].items[0].entries["rules"][1].items[0]  # type: ignore[attr-defined]
    assert plain_rule(node, "111111111111", {}) is None
    assert both_ways(text)[1] != []


VALUES = st.sampled_from(
    [
        "prod/",
        "us-east-1",
        "'222222222222'",
        "222222222222",
        "'2222'",
        "true",
        "7",
        "~",
        "[]",
        "[prod/, base-]",
        "[prod/, 3]",
        "{region: us-east-1}",
        "[{region: us-east-1}]",
        "[{region: us-east-1, account: '222222222222'}]",
        "[{region: us-east-1, account: 222222222222}]",
        "[{region: 5}]",
        "[{account: '222222222222'}]",
        "[{region: us-east-1, extra: 1}]",
        "[{region: us-east-1}, us-west-2]",
    ]
)
RULE_KEYS = st.sampled_from(["filters", "destinations", "name", "delete_replication", "other"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(RULE_KEYS, VALUES, max_size=5), min_size=1, max_size=3))
def test_random_rules_build_the_same_either_way(rules: list[dict[str, str]]) -> None:
    lines = [
        "version: 1",
        "registries:",
        '  - account: "111111111111"',
        "    region: us-west-2",
        "    rules:",
    ]
    for rule in rules:
        inner = ", ".join(f"{key}: {value}" for key, value in rule.items())
        lines.append(f"      - {{{inner}}}")
    text = "\n".join(lines) + "\n"
    yaml.safe_load(text)  # the generated text is YAML
    both_ways(text)


def many_rules(count: int) -> str:
    rule = "      - {filters: [prod/], destinations: [{region: us-east-1}]}\n"
    return (
        'version: 1\nregistries:\n  - account: "111111111111"\n    region: us-west-2\n'
        "    rules:\n" + rule * count
    )


def test_only_a_large_file_builds_rules_in_one_step(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []

    def spy(node: MappingNode, account: str, shared: dict[Any, Any]) -> Any:
        made.append(node)
        return plain_rule(node, account, shared)

    monkeypatch.setattr("ecrrepl.config.plain_rules.plain_rule", spy)
    built(many_rules(build.PLAIN_RULES_FROM - 1))
    assert made == []
    large = built(many_rules(build.PLAIN_RULES_FROM))
    assert len(made) == build.PLAIN_RULES_FROM
    assert large == both_ways(many_rules(build.PLAIN_RULES_FROM))


def test_validating_a_small_file_does_not_import_the_one_step_builder() -> None:
    """`validate` keeps its start-up budget: a configuration of a few rules reads none of it."""
    script = (
        "import sys\nfrom ecrrepl.cli import main\n"
        "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('ecrrepl.config.plain_rules' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "configs" / "example.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
