"""`ecrrepl policy --format json|terraform|cloudformation`, for other owners' tools.

Terraform output is parsed by python-hcl2 and turned back into IAM JSON; the
CloudFormation template is parsed as YAML and linted by cfn-lint. Both must say exactly
what the JSON output says, which is what `apply` writes (tests/e2e).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import hcl2
import pytest
import yaml

from ecrrepl.commands.policy import policy
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import EXIT_OK, UsageError
from ecrrepl.render.policy_cloudformation import render_policy_cloudformation
from ecrrepl.render.policy_terraform import hcl_string, render_policy_terraform
from harness import configs

WriteConfig = Callable[..., str]


def cfn_lint(template: str) -> list[Any]:
    """cfn-lint's matches for a template; imported here, as it takes seconds to import."""
    from cfnlint.api import ManualArgs, lint

    matches: list[Any] = lint(template, config=ManualArgs(regions=["eu-west-1"]))
    return matches


# Account 222222222222 receives from Oregon in two regions; 333333333333 in one.
CONFIG = configs.document(
    configs.registry(
        configs.rule(
            (configs.OTHER_ACCOUNT, "eu-west-1"),
            (configs.OTHER_ACCOUNT, "eu-central-1"),
            (configs.THIRD_ACCOUNT, "us-east-2"),
            name="prod",
            filters=["prod/", "base-"],
        )
    ),
    configs.registry(
        configs.rule((configs.OTHER_ACCOUNT, "eu-west-1")),
        account="444444444444",
        region="us-east-1",
    ),
)


def run(write_config: WriteConfig, **options: Any) -> str:
    out = io.StringIO()
    assert policy([write_config(CONFIG)], out=out, **options) == EXIT_OK
    return out.getvalue()


def json_statements(write_config: WriteConfig, account: str) -> dict[str, list[dict[str, Any]]]:
    printed = json.loads(run(write_config, account=account))
    return {d["region"]: d["statements"] for d in printed["destinations"]}


def iam_from_hcl(block: dict[str, Any]) -> dict[str, Any]:
    """A parsed `statement` block back to IAM JSON, for the statements ecrrepl writes."""
    (principal,) = block["principals"]
    return {
        "Sid": block["sid"],
        "Effect": block["effect"],
        "Principal": {principal["type"]: principal["identifiers"][0]},
        "Action": block["actions"],
        "Resource": block["resources"],
    }


def test_json_narrowed_to_one_account(write_config: WriteConfig) -> None:
    statements = json_statements(write_config, "222222222222")
    assert sorted(statements) == ["eu-central-1", "eu-west-1"]
    assert [s["Sid"] for s in statements["eu-west-1"]] == [
        "Ecrrepl111111111111uswest2",
        "Ecrrepl444444444444useast1",
    ]
    everything = json.loads(run(write_config))["destinations"]
    assert len(everything) == 3


def test_json_for_an_account_that_receives_nothing_is_empty(write_config: WriteConfig) -> None:
    assert json.loads(run(write_config, account="111111111111")) == {"destinations": []}


def test_terraform_is_valid_hcl_with_one_statement_block_each(write_config: WriteConfig) -> None:
    text = run(write_config, account="222222222222", output_format="terraform")
    parsed = hcl2.loads(text)
    sources = {
        name: body
        for data in parsed["data"]
        for name, body in data['"aws_iam_policy_document"'].items()
    }
    assert sorted(sources) == ['"ecrrepl_eu_central_1"', '"ecrrepl_eu_west_1"']
    expected = json_statements(write_config, "222222222222")
    for region, name in (
        ("eu-west-1", '"ecrrepl_eu_west_1"'),
        ("eu-central-1", '"ecrrepl_eu_central_1"'),
    ):
        blocks = sources[name]["statement"]
        assert [iam_from_hcl(_unquoted(block)) for block in blocks] == expected[region]


def _unquoted(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals and marks blocks; IAM JSON has neither."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [_unquoted(item) for item in value]
    if isinstance(value, dict):
        return {key: _unquoted(item) for key, item in value.items() if key != "__is_block__"}
    return value


@pytest.mark.parametrize(
    "text",
    ["plain", 'quote " and \\ backslash', "${var.injected}", "%{ if true }x%{ endif }", "a\nb\tc"],
)
def test_hcl_strings_round_trip(text: str) -> None:
    parsed = hcl2.loads(f"value = {hcl_string(text)}\n")
    # python-hcl2 returns the literal as written, quotes and escapes included.
    assert parsed["value"] == hcl_string(text)
    literal = json.loads(parsed["value"].replace("$${", "${").replace("%%{", "%{"))
    assert literal == text


def test_terraform_covers_every_iam_element_it_may_meet() -> None:
    statement = {
        "Sid": "Other",
        "Effect": "Deny",
        "Principal": "*",
        "NotAction": "ecr:BatchGetImage",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": ["o-a", "o-b"]}},
    }
    text = render_policy_terraform(
        "222222222222", {RegistryAddress("222222222222", "eu-west-1"): [statement]}
    )
    (block,) = _unquoted(
        hcl2.loads(text)["data"][0]['"aws_iam_policy_document"']['"ecrrepl_eu_west_1"']["statement"]
    )
    assert block["principals"] == [{"type": "*", "identifiers": ["*"]}]
    assert block["not_actions"] == ["ecr:BatchGetImage"]
    assert block["condition"] == [
        {"test": "StringNotEquals", "variable": "aws:PrincipalOrgID", "values": ["o-a", "o-b"]}
    ]


# slow (both cfn-lint tests): cfn-lint takes seconds to import and to load its rules.
@pytest.mark.slow
def test_cloudformation_is_one_registry_policy_that_cfn_lint_accepts(
    write_config: WriteConfig,
) -> None:
    text = run(
        write_config, account="222222222222", region="eu-west-1", output_format="cloudformation"
    )
    template = yaml.safe_load(text)
    resource = template["Resources"]["EcrreplRegistryPolicy"]
    assert resource["Type"] == "AWS::ECR::RegistryPolicy"
    assert resource["Properties"]["PolicyText"] == {
        "Version": "2012-10-17",
        "Statement": json_statements(write_config, "222222222222")["eu-west-1"],
    }
    assert cfn_lint(text) == []


@pytest.mark.slow
def test_cfn_lint_would_catch_a_broken_template() -> None:
    """The lint above can fail: the same template without its required property does."""
    text = render_policy_cloudformation(RegistryAddress("222222222222", "eu-west-1"), [])
    broken = text.replace("PolicyText", "PolicyDocument")
    assert cfn_lint(broken) != []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"output_format": "terraform"}, "--format terraform needs --account"),
        ({"region": "eu-west-1"}, "--region goes with --account"),
        ({"account": "22222222222"}, "is not an account ID"),
        ({"account": "222222222222", "region": "eu-wst-1"}, "is not a region botocore knows"),
        ({"account": "999999999999"}, "account 999999999999 is not in the configuration"),
        (
            {"account": "222222222222", "output_format": "cloudformation"},
            "in 2 regions \\(eu-central-1, eu-west-1\\).*add --region",
        ),
        (
            {"account": "111111111111", "output_format": "terraform"},
            "receives no cross-account replication",
        ),
        ({"output_format": "yaml"}, "unknown format 'yaml'"),
    ],
)
def test_usage_errors(write_config: WriteConfig, options: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        policy([write_config(CONFIG)], out=io.StringIO(), **options)
