"""The last-moment merge: ecrrepl's statements for one registry into the live document,
every other owner's statement kept as it is; and naming what another writer changed."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecrrepl.config.model import AccountAccess, Config, RegistryAddress, SourceRegistry
from ecrrepl.plan.compute import state_fingerprint
from ecrrepl.plan.policy_merge import foreign_changes, merge_statements
from ecrrepl.plan.writes import PolicyStep, policy_step
from ecrrepl.policy import owns_statement
from ecrrepl.state import LiveState

ARN = "arn:aws:ecr:eu-west-1:222222222222:repository/"
OURS_SID = "Ecrrepl111111111111uswest2"
OWNED = frozenset({OURS_SID})
FOREIGN = {"Sid": "Team", "Effect": "Allow", "Action": "ecr:ReplicateImage", "Resource": "*"}
UNNAMED = {"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}


def owns(sid: object) -> bool:
    return owns_statement(sid, OWNED)


def ours(*patterns: str) -> dict[str, Any]:
    return {
        "Sid": OURS_SID,
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": [ARN + pattern for pattern in patterns],
    }


def policy(*statements: Any, **top: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", **top, "Statement": list(statements)}


def test_foreign_statements_keep_their_place_and_ours_are_replaced() -> None:
    live = policy(FOREIGN, ours("old/*"), UNNAMED, Id="team-policy")

    merged = merge_statements(live, [ours("new/*")], owns)

    assert merged == policy(FOREIGN, UNNAMED, ours("new/*"), Id="team-policy")


def test_a_policy_already_right_is_returned_unchanged() -> None:
    # Written by someone else with a single action string and resources in another order:
    # IAM reads it as ecrrepl's statement, so nothing needs to be written.
    same = dict(ours("b/*", "a/*"), Action=["ecr:ReplicateImage", "ecr:CreateRepository"])
    live = policy(same, FOREIGN)

    assert merge_statements(live, [ours("a/*", "b/*")], owns) == live


def test_no_statement_left_means_delete_and_a_new_policy_takes_the_base() -> None:
    assert merge_statements(policy(ours("a/*")), [], owns) is None
    assert merge_statements(None, [], owns) is None
    assert merge_statements(None, [ours("a/*")], owns) == policy(ours("a/*"))
    assert merge_statements(None, [ours("a/*")], owns, base=policy(Id="x")) == policy(
        ours("a/*"), Id="x"
    )


def test_a_second_copy_of_our_statement_goes() -> None:
    live = policy(ours("a/*"), FOREIGN, ours("a/*"))

    assert merge_statements(live, [ours("a/*")], owns) == policy(ours("a/*"), FOREIGN)


def test_a_policy_step_carries_ecrrepls_statements_not_the_document() -> None:
    registry = RegistryAddress("222222222222", "eu-west-1")
    planned = policy(FOREIGN, ours("a/*"))

    step = policy_step(registry, planned, OWNED)
    written_meanwhile = {"Sid": "Later", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}

    assert step == PolicyStep(registry, (ours("a/*"),), OWNED, planned)
    # The plan's copy of FOREIGN is not what is sent: what is live at the moment is.
    assert step.merged_into(policy(written_meanwhile)) == policy(written_meanwhile, ours("a/*"))


statement_bodies = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.sampled_from(["ecr:*", "ecr:ReplicateImage", ["ecr:A", "ecr:B"]]),
        "Resource": st.text(min_size=1, max_size=5),
    }
)
foreign_statements = st.lists(
    st.one_of(
        statement_bodies,
        st.builds(lambda body, sid: {"Sid": sid, **body}, statement_bodies, st.text(max_size=6)),
    ),
    max_size=5,
)
our_statements = st.lists(st.sampled_from([ours("a/*"), ours("b/*"), ours("*")]), max_size=2)


@given(before=foreign_statements, after=foreign_statements, live_ours=our_statements)
def test_every_foreign_statement_survives_byte_for_byte(
    before: list[Any], after: list[Any], live_ours: list[Any]
) -> None:
    live = policy(*before, *live_ours, *after)
    wanted = [ours("new/*")]

    merged = merge_statements(live, wanted, owns)

    assert merged is not None
    kept = [json.dumps(s) for s in merged["Statement"] if not owns(s.get("Sid"))]
    assert kept == [json.dumps(s) for s in [*before, *after]]
    assert [s for s in merged["Statement"] if owns(s.get("Sid"))] == wanted


def test_what_another_writer_changed_is_named_by_sid_or_place() -> None:
    changed = dict(FOREIGN, Resource="team/*")
    before = policy(FOREIGN, UNNAMED, ours("a/*"))
    after = policy(changed, ours("b/*"), {"Sid": "New", "Effect": "Allow"})

    changes = foreign_changes(before, after, owns)

    assert [change.rsplit(" (", 1)[0] for change in changes] == [
        "Sid 'Team' changed",
        "statement #2 (no Sid) removed",
        "Sid 'New' added",
    ]
    assert changes[0].endswith(")") and " -> " in changes[0]
    assert foreign_changes(before, policy(UNNAMED, FOREIGN), owns) == []


def test_the_state_fingerprint_ignores_other_owners_statements_where_ecrrepl_writes() -> None:
    managed = RegistryAddress("222222222222", "eu-west-1")
    checked = RegistryAddress("333333333333", "us-east-2")
    config = Config(
        accounts={
            "333333333333": AccountAccess(account="333333333333", manage_registry_policy=False)
        },
        registries=(SourceRegistry(account="111111111111", region="us-west-2", rules=()),),
    )

    def fingerprint(in_managed: Any, in_checked: Any) -> str:
        live = LiveState(registry_policies={managed: in_managed, checked: in_checked})
        return state_fingerprint(config, live)

    plain = fingerprint(policy(ours("a/*")), policy(FOREIGN))

    assert fingerprint(policy(FOREIGN, ours("a/*"), Id="x"), policy(FOREIGN)) == plain
    assert fingerprint(policy(ours("b/*")), policy(FOREIGN)) != plain
    assert fingerprint(policy(ours("a/*")), policy(UNNAMED)) != plain
    assert fingerprint(None, None) == fingerprint(policy(FOREIGN), None)
