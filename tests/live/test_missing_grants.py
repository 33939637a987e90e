"""A destination whose registry policy ecrrepl does not manage and that does not grant the
replication: `diff` reports an error naming the account, the region and the statement its
owners must add (exit 1, even with nothing to write), `apply` refuses, and
`apply --allow-missing-grants` writes when the grant is on its way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from harness import lab
from harness.accounts import ecr_client
from harness.live_steps import Live
from harness.policies import repositories, root, statement

GRANT = statement(
    "ReplicationFromBuild",
    root("123456789012"),
    ["ecr:ReplicateImage", "ecr:CreateRepository"],
    repositories(lab.EU),
)
ERROR = (
    "replication from 123456789012/us-west-2 to 222222222222/eu-west-1 will fail: "
    "222222222222/eu-west-1 has no registry policy; it must allow "
    "arn:aws:iam::123456789012:root ecr:CreateRepository and ecr:ReplicateImage. Account "
    "222222222222 has manage_registry_policy: false, so its owners must add statement "
    "Ecrrepl123456789012uswest2 (Allow arn:aws:iam::123456789012:root ecr:CreateRepository "
    "and ecr:ReplicateImage) to the registry policy in eu-west-1; `ecrrepl policy "
    "unmanaged.yaml --account 222222222222 --region eu-west-1` prints it"
)
REFUSED = (
    "ecrrepl: error: the plan has errors (above); nothing was written; once the "
    "destinations' owners add the statements, run apply again, or pass "
    "--allow-missing-grants when the grants are on their way\n"
)


@pytest.fixture
def unmanaged(aws: None, write_file: Callable[[str, str], str]) -> str:
    """lab.CONFIG, with the policy of 222222222222 left to its owners."""
    return write_file(
        "unmanaged.yaml",
        lab.estate(*lab.ESTATE_RULES, manage_registry_policy=False),
    )


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_diff_reports_the_missing_grant_as_an_error(
    unmanaged: str, run: Callable[..., Any], output_format: str
) -> None:
    outcome = run("diff", "--format", output_format, unmanaged)

    assert outcome.exit_code == 1, outcome.stderr
    if output_format == "json":
        assert json.loads(outcome.stdout)["errors"] == [ERROR]
    else:
        assert ERROR in outcome.stdout


def test_diff_with_nothing_to_write_still_fails_and_says_why(
    unmanaged: str, run: Callable[..., Any]
) -> None:
    assert run("apply", "--yes", "--allow-missing-grants", unmanaged).exit_code == 0

    outcome = run("diff", "--exit-code", unmanaged)

    assert outcome.exit_code == 1, outcome.stderr
    assert "No changes" not in outcome.stdout
    assert outcome.stdout.endswith(
        f"  error: {ERROR}\n\n(2 sections without changes hidden)\n\n"
        "Nothing to write, but the live registries do not work as configured.\n"
        "This plan cannot be applied: 1 error above.\n"
    )


def test_apply_refuses_and_writes_nothing(unmanaged: str, live: Live) -> None:
    before = live.live_state()

    outcome = live.run("apply", "--yes", unmanaged)

    assert (outcome.exit_code, outcome.stderr) == (1, REFUSED)
    assert ERROR in outcome.stdout
    assert live.live_state() == before
    assert live.backup_files() == []


def test_allow_missing_grants_writes_the_source_and_leaves_the_policy_alone(
    unmanaged: str, live: Live
) -> None:
    outcome = live.run("apply", "--yes", "--allow-missing-grants", unmanaged)

    assert outcome.exit_code == 0, outcome.stderr
    assert "Apply complete: 2 written." in outcome.stdout
    destinations = [
        d["registryId"]
        for rule in lab.replication(ecr_client(*lab.SOURCE))["rules"]
        for d in rule["destinations"]
    ]
    assert "222222222222" in destinations
    assert live.statements(lab.EU) == []


def test_a_grant_added_by_the_owners_clears_the_error(
    unmanaged: str, run: Callable[..., Any]
) -> None:
    lab.put_statements(ecr_client(*lab.EU), [GRANT])

    assert run("apply", "--yes", unmanaged).exit_code == 0
    outcome = run("diff", "--exit-code", unmanaged)

    assert outcome.exit_code == 0, outcome.stdout
    assert "No changes. The live registries match the configuration." in outcome.stdout


def test_a_saved_plan_needs_allow_missing_grants_too(
    unmanaged: str, run: Callable[..., Any]
) -> None:
    assert run("diff", "--out", "plan.json", unmanaged).exit_code == 1

    refused = run("apply", "--yes", "plan.json")
    allowed = run("apply", "--yes", "--allow-missing-grants", "plan.json")

    assert (refused.exit_code, refused.stderr) == (1, REFUSED)
    assert allowed.exit_code == 0, allowed.stderr


def test_allow_missing_grants_does_not_excuse_other_errors(unmanaged: str, live: Live) -> None:
    # A foreign Deny in the policy ecrrepl does manage (333333333333) needs --allow-deny.
    lab.put_statements(
        ecr_client(*lab.DR),
        [
            statement(
                "NoReplication", root("123456789012"), "ecr:ReplicateImage", "*", effect="Deny"
            )
        ],
    )
    before = live.live_state()

    outcome = live.run("apply", "--yes", "--allow-missing-grants", unmanaged)

    assert outcome.exit_code == 1
    assert outcome.stderr == "ecrrepl: error: the plan has errors (above); nothing was written\n"
    assert live.live_state() == before
