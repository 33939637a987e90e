"""The registry-policy part of the plan: ecrrepl's statements by Sid, foreign ones untouched."""

from __future__ import annotations

import copy
import json
from typing import Any

from ecrrepl.config.model import (
    AccountAccess,
    Config,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.plan import Action, Plan, PolicyWrite, compute_plan
from ecrrepl.policy import MAX_POLICY_CHARS, policy_text
from ecrrepl.state import LiveState
from harness import models
from harness.models import IRELAND, OREGON, VIRGINIA
from harness.policies import repositories, root, statement

DR = models.OHIO

FOREIGN = statement(
    "AllowPullFromCI", "arn:aws:iam::444444444444:role/ci", ["ecr:BatchGetImage"], "*"
)


def ours(source: RegistryAddress, *patterns: str) -> dict[str, Any]:
    """The statement ecrrepl writes for `source` into IRELAND."""
    return statement(
        f"Ecrrepl{source.account}{source.region.replace('-', '')}",
        f"arn:aws:iam::{source.account}:root",
        ["ecr:CreateRepository", "ecr:ReplicateImage"],
        [f"arn:aws:ecr:eu-west-1:222222222222:repository/{p}" for p in patterns],
    )


def source(address: RegistryAddress, *rules: ReplicationRule) -> SourceRegistry:
    return SourceRegistry(account=address.account, region=address.region, rules=rules)


def sends(prefixes: list[str] | None, *destinations: RegistryAddress) -> ReplicationRule:
    return models.rule(*destinations, filters=prefixes)


def policy(*statements: dict[str, Any]) -> JsonObject:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def ireland_section(plan: Plan) -> Any:
    (section,) = [s for s in plan.registry_policies if s.registry == IRELAND]
    return section


def test_a_new_destination_gets_ecrrepls_statement_next_to_foreign_ones() -> None:
    config = Config(registries=(source(OREGON, sends(["prod/"], IRELAND)),))
    plan = compute_plan(config, LiveState(registry_policies={IRELAND: policy(FOREIGN)}))
    section = ireland_section(plan)
    (change,) = section.changes
    assert change.action is Action.ADD
    assert change.subject == "statement Ecrrepl111111111111uswest2"
    assert change.effects == (
        "account 111111111111 (us-west-2) may now replicate into repository/prod/* "
        "of this registry",
    )
    assert section.unchanged == 1
    assert section.policy == policy(FOREIGN, ours(OREGON, "prod/*"))
    assert plan.policy_writes == (PolicyWrite(IRELAND, section.policy),)


def test_removing_a_destination_removes_its_statement_and_keeps_foreign_ones_exactly() -> None:
    # The foreign statement is written with odd but valid spellings that must survive.
    foreign = {
        "Effect": "Allow",
        "Sid": "Legacy",
        "Principal": {"AWS": ["arn:aws:iam::555555555555:root"]},
        "Action": "ecr:*",
        "Resource": ["*"],
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}},
    }
    live_policy = policy(foreign, ours(OREGON, "prod/*"), ours(VIRGINIA, "*"))
    before = json.dumps(foreign)
    config = Config(
        registries=(
            source(OREGON, sends(["prod/"], VIRGINIA)),  # no longer sends to IRELAND
            source(VIRGINIA, sends(None, IRELAND)),
        )
    )
    live = LiveState(
        replication={OREGON: (sends(["prod/"], IRELAND),), VIRGINIA: (sends(None, IRELAND),)},
        registry_policies={IRELAND: copy.deepcopy(live_policy)},
    )
    plan = compute_plan(config, live)
    section = ireland_section(plan)
    assert [(c.action, c.key) for c in section.changes] == [
        (Action.REMOVE, "Ecrrepl111111111111uswest2")
    ]
    assert section.changes[0].effects == (
        "account 111111111111 (us-west-2) may no longer replicate into this registry",
    )
    assert section.unchanged == 2
    assert section.policy is not None
    kept = section.policy["Statement"]
    assert [s["Sid"] for s in kept] == ["Legacy", "Ecrrepl111111111111useast1"]
    assert json.dumps(kept[0]) == before


def test_a_policy_left_with_no_statement_is_deleted() -> None:
    config = Config(registries=(source(OREGON, sends(["prod/"], VIRGINIA)),))
    live = LiveState(
        replication={OREGON: (sends(["prod/"], IRELAND),)},
        registry_policies={IRELAND: policy(ours(OREGON, "prod/*"))},
    )
    plan = compute_plan(config, live)
    assert plan.policy_writes == (PolicyWrite(IRELAND, None),)


def test_a_statement_whose_resources_differ_is_changed() -> None:
    config = Config(registries=(source(OREGON, sends(["prod/", "base-"], IRELAND)),))
    live = LiveState(registry_policies={IRELAND: policy(ours(OREGON, "prod/*", "tmp/*"))})
    (change,) = ireland_section(compute_plan(config, live)).changes
    assert change.action is Action.CHANGE
    assert change.details == (
        "resource added: repository/base-*",
        "resource removed: repository/tmp/*",
    )
    assert change.effects == (
        "account 111111111111 (us-west-2) may now replicate into repository/base-* "
        "of this registry",
        "account 111111111111 (us-west-2) may no longer replicate into repository/tmp/* "
        "of this registry",
    )


def test_a_statement_with_a_hand_edited_action_is_rewritten() -> None:
    edited = ours(OREGON, "*") | {"Action": "ecr:ReplicateImage"}
    config = Config(registries=(source(OREGON, sends(None, IRELAND)),))
    live = LiveState(registry_policies={IRELAND: policy(edited)})
    (change,) = ireland_section(compute_plan(config, live)).changes
    assert change.action is Action.CHANGE
    assert change.details == ("differs from what ecrrepl writes in: Action",)


def test_a_policy_over_the_size_limit_is_refused_in_the_plan() -> None:
    bulky = dict(
        FOREIGN,
        Resource=[f"arn:aws:ecr:eu-west-1:222222222222:repository/r{i:04}" for i in range(150)],
    )
    assert len(policy_text(policy(bulky))) < MAX_POLICY_CHARS
    many = [f"team{i:03}/" for i in range(40)]
    config = Config(registries=(source(OREGON, sends(many, IRELAND)),))
    plan = compute_plan(config, LiveState(registry_policies={IRELAND: policy(bulky)}))
    section = ireland_section(plan)
    assert section.policy is not None
    size = len(policy_text(section.policy))
    assert size > MAX_POLICY_CHARS
    assert plan.errors == (
        f"the registry policy of 222222222222/eu-west-1 would be {size} characters, over the "
        f"10240 that ECR accepts; fewer or broader filters in the rules that replicate into it "
        f"make it shorter",
    )


def test_a_policy_under_the_limit_is_not_refused() -> None:
    config = Config(registries=(source(OREGON, sends(["prod/"], IRELAND)),))
    plan = compute_plan(config, LiveState(registry_policies={IRELAND: policy(FOREIGN)}))
    assert plan.errors == ()


def test_an_unmanaged_account_missing_a_grant_is_an_error_naming_the_statement_to_add() -> None:
    config = Config(
        files=("team a.yaml",),
        accounts={
            "333333333333": AccountAccess(account="333333333333", manage_registry_policy=False)
        },
        registries=(source(OREGON, sends(["prod/"], DR)),),
    )
    only_create = statement("Partial", root("111111111111"), "ecr:CreateRepository", "*")
    live = LiveState(
        replication={OREGON: (sends(["prod/"], DR),)}, registry_policies={DR: policy(only_create)}
    )
    plan = compute_plan(config, live)
    (section,) = plan.registry_policies
    assert not section.managed
    assert section.changes == ()
    expected = (
        "replication from 111111111111/us-west-2 to 333333333333/us-east-2 will fail: "
        "ecr:ReplicateImage is not allowed for arn:aws:iam::111111111111:root. Account "
        "333333333333 has manage_registry_policy: false, so its owners must add statement "
        "Ecrrepl111111111111uswest2 (Allow arn:aws:iam::111111111111:root ecr:CreateRepository "
        "and ecr:ReplicateImage) to the registry policy in us-east-2; `ecrrepl policy "
        "'team a.yaml' --account 333333333333 --region us-east-2` prints it"
    )
    assert plan.errors == (expected,)
    assert plan.missing_grants == (expected,)
    assert plan.denials == ()
    assert plan.warnings == ()
    assert plan.policy_writes == ()
    assert not plan.has_changes


def test_an_unmanaged_account_that_grants_enough_gives_no_warning() -> None:
    config = Config(
        accounts={
            "333333333333": AccountAccess(account="333333333333", manage_registry_policy=False)
        },
        registries=(source(OREGON, sends(["prod/"], DR)),),
    )
    grant = statement(
        "Replication",
        "111111111111",
        ["ecr:CreateRepository", "ecr:ReplicateImage"],
        repositories(DR),
    )
    plan = compute_plan(config, LiveState(registry_policies={DR: policy(grant)}))
    assert plan.warnings == ()
    assert plan.errors == ()


def test_same_account_destinations_need_no_policy() -> None:
    config = Config(registries=(source(OREGON, sends(None, VIRGINIA)),))
    assert compute_plan(config, LiveState()).registry_policies == ()


def test_a_second_copy_of_ecrrepls_statement_is_removed() -> None:
    config = Config(registries=(source(OREGON, sends(["prod/"], IRELAND)),))
    statement = ours(OREGON, "prod/*")
    live = LiveState(
        replication={OREGON: (sends(["prod/"], IRELAND),)},
        registry_policies={IRELAND: policy(statement, FOREIGN, statement)},
    )
    section = ireland_section(compute_plan(config, live))
    assert [(c.action, c.subject) for c in section.changes] == [
        (Action.REMOVE, "statement Ecrrepl111111111111uswest2 (a second copy)")
    ]
    assert section.policy == policy(FOREIGN, statement)
