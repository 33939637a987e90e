"""A foreign Deny in a destination's registry policy: diff reports it as an error naming
the statement (exit 1), apply refuses, and `apply --allow-deny` writes all the same,
keeping the Deny as it is."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from harness import lab
from harness.accounts import ecr_client
from harness.live_steps import Live
from harness.policies import repositories, root, statement

DENY = statement(
    "NoReplicationFromBuild",
    root("123456789012"),
    "ecr:Replicate*",
    repositories(lab.EU),
    effect="Deny",
)
ERROR = (
    "statement 'NoReplicationFromBuild' of the registry policy of 222222222222/eu-west-1 "
    "denies ecr:ReplicateImage to account 123456789012 on "
    "arn:aws:ecr:eu-west-1:222222222222:repository/base-*"
)


@pytest.fixture
def denied(aws: None) -> None:
    lab.put_statements(ecr_client(*lab.EU), [DENY])


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_diff_reports_the_deny_as_an_error(
    denied: None, config_file: str, run: Callable[..., Any], output_format: str
) -> None:
    outcome = run("diff", "--format", output_format, config_file)

    assert outcome.exit_code == 1, outcome.stderr
    assert ERROR in outcome.stdout
    if output_format == "json":
        errors = json.loads(outcome.stdout)["errors"]
        assert len(errors) == 1 and errors[0].startswith(ERROR)


def test_apply_refuses_and_writes_nothing(denied: None, config_file: str, live: Live) -> None:
    before = live.live_state()

    outcome = live.run("apply", "--yes", config_file)

    assert outcome.exit_code == 1
    assert ERROR in outcome.stdout
    assert outcome.stderr == "ecrrepl: error: the plan has errors (above); nothing was written\n"
    assert live.live_state() == before
    assert live.backup_files() == []


def test_apply_with_allow_deny_writes_and_keeps_the_deny(
    denied: None, config_file: str, live: Live
) -> None:
    outcome = live.run("apply", "--yes", "--allow-deny", config_file)

    assert outcome.exit_code == 0, outcome.stderr
    assert "Apply complete" in outcome.stdout
    kept = live.statements(lab.EU)
    assert kept[0] == DENY
    assert [s["Sid"] for s in kept[1:]] == ["Ecrrepl123456789012uswest2"]


def test_a_saved_plan_with_a_deny_needs_allow_deny_too(
    denied: None, config_file: str, run: Callable[..., Any]
) -> None:
    assert run("diff", "--out", "plan.json", config_file).exit_code == 1

    refused = run("apply", "--yes", "plan.json")
    allowed = run("apply", "--yes", "--allow-deny", "plan.json")

    assert refused.exit_code == 1
    assert allowed.exit_code == 0, allowed.stderr


def test_a_deny_in_a_policy_ecrrepl_does_not_manage_is_an_error_too(aws: None, live: Live) -> None:
    lab.put_statements(
        ecr_client(*lab.EU),
        [
            statement(
                "ReplicationFromBuild",
                root("123456789012"),
                ["ecr:ReplicateImage", "ecr:CreateRepository"],
                repositories(lab.EU),
            ),
            DENY,
        ],
    )
    config = live.write_file(
        "unmanaged.yaml",
        lab.estate(*lab.ESTATE_RULES, manage_registry_policy=False),
    )

    outcome = live.run("diff", config)

    assert outcome.exit_code == 1, outcome.stderr
    assert ERROR in outcome.stdout
    # Said once, as the error: not again as a missing grant.
    assert outcome.stdout.count("NoReplicationFromBuild") == 1
