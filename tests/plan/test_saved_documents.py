"""A saved plan's registry policies must be the ones apply rebuilds from the live state,
other owners' statements included: each difference is named."""

from __future__ import annotations

from typing import Any

from ecrrepl.config.model import RegistryAddress
from ecrrepl.plan.model import Plan, PolicySection
from ecrrepl.plan.saved_documents import mismatched_documents
from harness import models

EU = models.IRELAND
OURS = {"Sid": "Ecrrepl123456789012uswest2", "Effect": "Allow", "Action": ["a", "b"]}
THEIRS = {"Sid": "Team", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
UNNAMED = {"Effect": "Deny", "Action": "ecr:DeleteRepository", "Resource": "*"}


def plan(policy: Any, registry: RegistryAddress = EU) -> Plan:
    return Plan(fingerprint="x", registry_policies=(PolicySection(registry, True, policy),))


def policy(*statements: Any, **top: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", **top, "Statement": list(statements)}


def test_the_same_documents_match_whatever_the_order_of_values() -> None:
    reordered = dict(OURS, Action=["b", "a"])
    assert mismatched_documents(plan(policy(THEIRS, OURS)), plan(policy(THEIRS, reordered))) == []


def test_each_differing_statement_is_named_by_sid_or_place() -> None:
    saved = plan(policy(dict(THEIRS, Resource="x"), UNNAMED, OURS))
    rebuilt = plan(policy(THEIRS, OURS))

    assert mismatched_documents(saved, rebuilt) == [
        "the registry policy of 222222222222/eu-west-1 (Team, statement #2 (no Sid))"
    ]


def test_order_version_and_presence_count() -> None:
    assert mismatched_documents(plan(policy(OURS, THEIRS)), plan(policy(THEIRS, OURS))) == [
        "the registry policy of 222222222222/eu-west-1 (the order of the statements)"
    ]
    assert mismatched_documents(plan(policy(OURS, Id="x")), plan(policy(OURS))) == [
        "the registry policy of 222222222222/eu-west-1 (Id)"
    ]
    assert mismatched_documents(plan(None), plan(policy(THEIRS))) == [
        "the registry policy of 222222222222/eu-west-1 (the whole policy (the plan says none))"
    ]
    other = RegistryAddress("333333333333", "us-east-2")
    assert mismatched_documents(plan(None, other), plan(None)) == [
        "the registry policy of 333333333333/us-east-2 (not computed now)"
    ]


def test_a_sid_given_twice_is_compared_twice() -> None:
    saved = plan(policy(dict(THEIRS, Resource="x"), THEIRS))
    rebuilt = plan(policy(THEIRS, THEIRS))

    assert mismatched_documents(saved, rebuilt) == [
        "the registry policy of 222222222222/eu-west-1 (Team)"
    ]
