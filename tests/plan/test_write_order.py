"""The order of writes that keeps replication working at every moment, as pure functions:
the policy held while the sources change, and the policy a restore puts back."""

from __future__ import annotations

from typing import Any

from ecrrepl.plan.policy_merge import interim_policy, restored_policy

ARN = "arn:aws:ecr:eu-west-1:222222222222:repository/"
FOREIGN = {"Sid": "Team", "Effect": "Allow", "Action": "ecr:ReplicateImage", "Resource": "*"}
UNNAMED = {"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}


def ours(source: str, *patterns: str) -> dict[str, Any]:
    return {
        "Sid": f"Ecrrepl{source}uswest2",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{source}:root"},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": [ARN + pattern for pattern in patterns],
    }


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


A, B = "111111111111", "123456789012"


def test_a_new_statement_goes_in_before_the_sources_change() -> None:
    assert interim_policy(None, policy(ours(A, "prod/*"))) == policy(ours(A, "prod/*"))
    assert interim_policy(policy(FOREIGN), policy(FOREIGN, ours(A, "prod/*"))) == policy(
        FOREIGN, ours(A, "prod/*")
    )


def test_a_statement_that_goes_stays_until_the_sources_stopped() -> None:
    current = policy(FOREIGN, ours(A, "prod/*"), ours(B, "*"))

    assert interim_policy(current, policy(FOREIGN, ours(B, "*"))) == current
    assert interim_policy(current, None) == current


def test_a_changed_statement_allows_both_until_the_sources_changed() -> None:
    current = policy(UNNAMED, ours(A, "base-*", "prod/*"))

    widened = interim_policy(current, policy(UNNAMED, ours(A, "base-*", "prod/*", "tools/*")))
    narrowed = interim_policy(current, policy(UNNAMED, ours(A, "prod/*")))
    moved = interim_policy(current, policy(UNNAMED, ours(A, "tools/*")))

    assert widened == policy(UNNAMED, ours(A, "base-*", "prod/*", "tools/*"))
    assert narrowed == current
    assert moved == policy(UNNAMED, ours(A, "base-*", "prod/*", "tools/*"))


def test_actions_written_twice_or_principals_in_another_order_still_allow_both() -> None:
    # IAM reads Action and each principal type's list as sets: neither a repeated action
    # nor another order is a rewrite, so the old rules keep their repositories meanwhile.
    repeated = dict(ours(A, "old/*"), Action=["ecr:ReplicateImage", *ours(A)["Action"]])
    two = dict(ours(A, "old/*"), Principal={"AWS": [f"arn:aws:iam::{s}:root" for s in (A, B)]})
    swapped = dict(two, Principal={"AWS": list(reversed(two["Principal"]["AWS"]))})

    moved = interim_policy(policy(repeated), policy(ours(A, "new/*")))
    reordered = interim_policy(policy(swapped), policy(dict(two, Resource=[ARN + "new/*"])))

    assert moved == policy(dict(ours(A, "new/*", "old/*")))
    assert reordered == policy(dict(two, Resource=[ARN + "new/*", ARN + "old/*"]))


def test_a_shorter_interim_keeps_a_withdrawn_statement_whose_grants_cannot_be_read() -> None:
    service = {
        "Sid": "Ecrrepl333333333333uswest2",
        "Effect": "Allow",
        "Principal": {"Service": "ecr.amazonaws.com"},
        "Action": ["ecr:ReplicateImage"],
        "Resource": [ARN + "old/*"],
    }
    current = policy(FOREIGN, service, ours(A, "prod/*"), ours(B, "*"))

    shorter = interim_policy(current, policy(FOREIGN, ours(B, "*")), needed_only=True)

    # ours(A) grants what `final` does not, so it stays; the statement naming no AWS
    # principal cannot be compared, so it stays too.
    assert shorter == current
    assert interim_policy(
        policy(ours(A, "prod/*"), ours(B, "*")),
        policy(dict(ours(A, "prod/*"), Sid="EcrreplOther")),
        needed_only=True,
    ) == policy(ours(B, "*"), dict(ours(A, "prod/*"), Sid="EcrreplOther"))


def test_a_statement_rewritten_by_hand_is_replaced_by_the_planned_one() -> None:
    by_hand = dict(ours(A, "prod/*"), Effect="Deny")

    assert interim_policy(policy(by_hand), policy(ours(A, "prod/*"))) == policy(ours(A, "prod/*"))


def test_restore_puts_back_only_ecrrepls_statements() -> None:
    def owned(sid: object) -> bool:
        return isinstance(sid, str) and sid.startswith("Ecrrepl")

    backed_up = policy(FOREIGN, ours(A, "prod/*"))
    changed_foreign = dict(FOREIGN, Resource="team/*")

    assert restored_policy(policy(changed_foreign, ours(A, "x/*")), backed_up, owned) == policy(
        changed_foreign, ours(A, "prod/*")
    )
    assert restored_policy(None, backed_up, owned) == policy(ours(A, "prod/*"))
    assert restored_policy(policy(ours(A, "prod/*")), None, owned) is None
    assert restored_policy(policy(UNNAMED, ours(B, "*")), None, owned) == policy(UNNAMED)
    # Unchanged statements keep their place, so an unchanged policy is not rewritten.
    current = policy(ours(A, "prod/*"), FOREIGN)
    assert restored_policy(current, backed_up, owned) == current
