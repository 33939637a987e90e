"""Deny statements of other owners that stop the replication the rules need (plan.foreign_deny)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrrepl.plan.foreign_deny import foreign_denials
from ecrrepl.policy import PolicyStatement
from harness import models

SOURCE = models.OREGON
TARGET = models.IRELAND
PROD = "arn:aws:ecr:eu-west-1:222222222222:repository/prod/*"
NEEDED = PolicyStatement(SOURCE, TARGET, (PROD,))


def deny(**fields: Any) -> dict[str, Any]:
    statement = {
        "Sid": "NoReplication",
        "Effect": "Deny",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "ecr:ReplicateImage",
        "Resource": PROD,
    }
    statement.update(fields)
    return {key: value for key, value in statement.items() if value is not None}


def errors_for(*statements: dict[str, Any]) -> tuple[str, ...]:
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    return foreign_denials(TARGET, policy, [NEEDED]).errors


def test_the_error_names_the_statement_account_action_and_resources() -> None:
    assert errors_for(deny()) == (
        "statement 'NoReplication' of the registry policy of 222222222222/eu-west-1 denies "
        f"ecr:ReplicateImage to account 111111111111 on {PROD}: replication from "
        "111111111111/us-west-2 into 222222222222/eu-west-1 would fail, since an explicit "
        "Deny wins over any Allow; remove or narrow that statement, or apply with "
        "--allow-deny to write all the same",
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"Principal": "*"},
        {"Principal": {"AWS": "*"}},
        {"Principal": {"AWS": ["arn:aws:iam::333333333333:root", "111111111111"]}},
        {"Principal": None, "NotPrincipal": {"AWS": "arn:aws:iam::333333333333:root"}},
        {"Action": "ecr:*"},
        {"Action": ["s3:GetObject", "ECR:Replicate*"]},
        {"Action": None, "NotAction": "ecr:BatchGetImage"},
        {"Action": "ecr:CreateRepository"},
        {"Resource": "*"},
        {"Resource": "arn:aws:ecr:*:222222222222:repository/*"},
        {"Resource": "arn:aws:ecr:eu-west-1:222222222222:repository/prod/api"},
        {"Resource": None, "NotResource": "arn:aws:ecr:eu-west-1:222222222222:repository/dev/*"},
        {"Sid": None},
    ],
)
def test_a_deny_in_any_of_its_forms_is_found(fields: dict[str, Any]) -> None:
    assert len(errors_for(deny(**fields))) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"Effect": "Allow"},
        {"Principal": {"AWS": "arn:aws:iam::333333333333:root"}},
        {"Principal": {"AWS": "arn:aws:iam::111111111111:role/ci"}},
        {"Principal": None, "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"}},
        {"Action": "ecr:BatchGetImage"},
        {"Action": None, "NotAction": ["ecr:ReplicateImage", "ecr:CreateRepository"]},
        {"Resource": "arn:aws:ecr:eu-west-1:222222222222:repository/dev/*"},
        {"Resource": None, "NotResource": "arn:aws:ecr:eu-west-1:222222222222:repository/*"},
    ],
)
def test_statements_that_do_not_stop_this_replication_pass(fields: dict[str, Any]) -> None:
    assert errors_for(deny(**fields)) == ()


def test_a_deny_with_a_condition_is_a_warning() -> None:
    condition = {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}
    policy = {"Statement": deny(Condition=condition)}
    denials = foreign_denials(TARGET, policy, [NEEDED])
    assert denials.errors == ()
    assert len(denials.warnings) == 1
    assert "when its Condition holds" in denials.warnings[0]


def test_ecrrepls_own_statements_are_ignored_where_it_rewrites_them() -> None:
    policy = {"Statement": [deny(Sid="Ecrrepl111111111111uswest2")]}
    assert foreign_denials(TARGET, policy, [NEEDED], frozenset({"Ecrrepl111111111111uswest2"})) == (
        (),
        (),
    )


def test_a_statement_without_a_sid_is_named_by_its_position() -> None:
    allow = {"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}
    (error,) = errors_for(allow, "not a statement", deny(Sid=None))  # type: ignore[arg-type]
    assert error.startswith("statement #3 of the registry policy")


def test_a_deny_of_create_repository_alone_stops_new_repositories_only() -> None:
    (error,) = errors_for(deny(Action="ecr:CreateRepository"))
    assert (
        "denies ecr:CreateRepository to account 111111111111 on "
        f"{PROD}: replication from 111111111111/us-west-2 into repositories that do not "
        "exist in 222222222222/eu-west-1 yet would fail"
    ) in error
