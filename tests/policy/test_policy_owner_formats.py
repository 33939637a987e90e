"""`ecrrepl policy` of a configuration with `owner:` prints the merged statements that
`apply` writes (several principals in one statement), in every format; and a plan file
carries the owner, which decides which statements are ecrrepl's."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from typing import Any

import hcl2
import pytest
import yaml

from ecrrepl.commands.policy import policy
from ecrrepl.errors import EXIT_OK, UserError
from ecrrepl.plan import compute_plan, plan_from_json, plan_to_json
from ecrrepl.plan.writes import owned_by_plan
from ecrrepl.state import LiveState
from ecrrepl.validation import load_files

CONFIG = """\
version: 1
owner: platform
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - filters: [prod/, base-]
        destinations: [{account: "222222222222", region: eu-west-1}]
  - account: "111111111111"
    region: us-east-1
    rules:
      - filters: [prod/]
        destinations: [{account: "222222222222", region: eu-west-1}]
  - account: "444444444444"
    region: us-east-1
    rules:
      - filters: [base-, prod/]
        destinations: [{account: "222222222222", region: eu-west-1}]
"""
ROOTS = ["arn:aws:iam::111111111111:root", "arn:aws:iam::444444444444:root"]


def run(write_config: Callable[..., str], **options: Any) -> str:
    out = io.StringIO()
    assert policy([write_config(CONFIG)], out=out, **options) == EXIT_OK
    return out.getvalue()


def test_json_lists_one_statement_for_both_accounts(write_config: Callable[..., str]) -> None:
    (destination,) = json.loads(run(write_config))["destinations"]

    (statement,) = destination["statements"]
    assert statement["Principal"] == {"AWS": ROOTS}
    assert statement["Resource"] == [
        "arn:aws:ecr:eu-west-1:222222222222:repository/base-*",
        "arn:aws:ecr:eu-west-1:222222222222:repository/prod/*",
    ]
    assert statement["Sid"].startswith("EcrreplPlatformG")
    assert destination["characters"] < 600


def test_terraform_and_cloudformation_carry_every_principal(
    write_config: Callable[..., str],
) -> None:
    tf = hcl2.loads(run(write_config, account="222222222222", output_format="terraform"))
    (block,) = tf["data"][0]['"aws_iam_policy_document"']['"ecrrepl_eu_west_1"']["statement"]
    (principals,) = block["principals"]
    assert [p.strip('"') for p in principals["identifiers"]] == ROOTS

    cfn = yaml.safe_load(
        run(
            write_config, account="222222222222", region="eu-west-1", output_format="cloudformation"
        )
    )
    (statement,) = cfn["Resources"]["EcrreplRegistryPolicy"]["Properties"]["PolicyText"][
        "Statement"
    ]
    assert statement["Principal"] == {"AWS": ROOTS}


def test_a_plan_file_carries_the_owner_and_with_it_what_is_owned(
    write_config: Callable[..., str],
) -> None:
    config = load_files([write_config(CONFIG)]).config
    plan = compute_plan(config, LiveState())
    data = json.loads(json.dumps(plan_to_json(plan, {"ecrrepl.yaml": CONFIG})))

    restored = plan_from_json(data)

    assert data["owner"] == "platform"
    assert dataclasses.replace(restored, sources=()) == plan
    assert restored.desired_config().owner == "platform"
    assert "EcrreplPlatformG*" in owned_by_plan(restored)
    data["owner"] = "Team-B"
    with pytest.raises(UserError, match=r"at `owner`: 'Team-B' is not an owner name"):
        plan_from_json(data, "PLAN.json")
