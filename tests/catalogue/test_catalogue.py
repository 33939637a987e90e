"""The rule catalogue as a whole: every ID of the contract exists and nothing else (each
rule's documentation and examples: tests/lint); IDs are unique; the offline half never
imports boto3."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.lint import registry
from ecrrepl.lint.registry import DuplicateRuleError, Rule, all_rules, declare, rule
from ecrrepl.validation import validate_files
from harness.cli import python_stdout

# The rule IDs of the product contract: the README's rule table lists them, and IDs
# are never reused or renumbered.
CONTRACT_IDS = [
    "E001",
    "E002",
    "E003",
    "E004",
    "E005",
    "E006",
    "E007",
    "W051",
    "W052",
    "W053",
    "E101",
    "E102",
    "E103",
    "E104",
    "E105",
    "E106",
    "E107",
    "E108",
    "E109",
    "E110",
    "W111",
    "W112",
    "W113",
    "W114",
    "W115",
    "I116",
    "E117",
    "E201",
    "E202",
    "E203",
    "W204",
    "E205",
    "E301",
    "E302",
    "E303",
    "E304",
    "E305",
    "W306",
    "W307",
    "E308",
    "E309",
    "I310",
    "E311",
    "E312",
    "E313",
    "E314",
    "W315",
]

RULES = {r.id: r for r in all_rules()}


def test_every_contract_rule_is_registered_and_nothing_else() -> None:
    assert sorted(RULES) == sorted(CONTRACT_IDS)


def test_registry_refuses_a_duplicate_id() -> None:
    with pytest.raises(DuplicateRuleError, match="E105"):
        declare("E105", "again", source="none", doc="Again.")


def test_registry_refuses_a_malformed_id() -> None:
    with pytest.raises(ValueError, match="X999"):

        @rule("X999", "bad", source="none")
        def check(config: object) -> list[object]:
            return []


def test_rules_are_listed_in_number_order() -> None:
    numbers = [int(r.id[1:]) for r in all_rules()]
    assert numbers == sorted(numbers)
    assert isinstance(all_rules()[0], Rule)
    assert registry.get_rule("W113").severity.value == "warning"


OFFLINE_MODULES = [
    "ecrrepl.config.loader",
    "ecrrepl.config.build",
    "ecrrepl.config.schema",
    "ecrrepl.validation",
    "ecrrepl.lint.registry",
    "ecrrepl.plan",
    "ecrrepl.plan.writes",
    "ecrrepl.plan.policy_merge",
    "ecrrepl.policy",
    "ecrrepl.route",
    "ecrrepl.state",
    "ecrrepl.regions",
    "ecrrepl.render.findings_text",
    "ecrrepl.render.findings_json",
    "ecrrepl.render.findings_github",
    "ecrrepl.render.findings_sarif",
    "ecrrepl.render.plan_text",
    "ecrrepl.render.plan_json",
    "ecrrepl.render.plan_markdown",
    "ecrrepl.render.route_text",
    "ecrrepl.render.route_json",
    "ecrrepl.commands.validate",
    "ecrrepl.commands.route",
    "ecrrepl.commands.schema",
    "ecrrepl.commands.graph",
    "ecrrepl.render.graph_mermaid",
    "ecrrepl.render.graph_dot",
    "ecrrepl.commands.policy",
    "ecrrepl.render.policy_terraform",
    "ecrrepl.render.policy_cloudformation",
    "ecrrepl.iam.table",
    "ecrrepl.iam.policy",
    "ecrrepl.iam.readme",
    "ecrrepl.commands.iam",
    "ecrrepl.render.iam_json",
]


def test_offline_half_never_imports_boto3() -> None:
    """docs/architecture.md: config, lint, plan, policy and render never import boto3."""
    code = (
        "import sys, importlib\n"
        f"for name in {OFFLINE_MODULES!r}: importlib.import_module(name)\n"
        "from ecrrepl.lint.registry import all_rules\n"
        "all_rules()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))\n"
    )
    assert python_stdout("-c", code).strip() == "[]"


def test_values_with_a_trailing_newline_are_refused(tmp_path: Path) -> None:
    """A pattern checked with `$` would let "value\\n" through; every check is whole-value."""
    path = tmp_path / "newlines.yaml"
    path.write_text(
        """\
version: 1
accounts:
  "222222222222":
    role_arn: "arn:aws:iam::222222222222:role/x\\n"
    external_id: "abc\\n"
registries:
  - account: "111111111111"
    region: eu-west-1
    rules:
      - filters: [prod/]
        destinations: [{account: "222222222222", region: eu-west-1}]
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: "prod\\n"
    image_tag_mutability: IMMUTABLE_WITH_EXCLUSION
    image_tag_mutability_exclusion_filters: ["latest\\n"]
    encryption: {type: KMS, kms_key: "arn:aws:kms:eu-west-1:222222222222:key/abc\\n"}
    custom_role_arn: arn:aws:iam::222222222222:role/t
"""
    )
    rules = sorted(f.rule for f in validate_files([str(path)]).findings)
    assert rules == ["E201", "E202", "E301", "E304", "E309"]
