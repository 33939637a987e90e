"""The replication part of the plan: rules added, removed and changed, order ignored."""

from __future__ import annotations

from collections.abc import Mapping
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from ecrrepl.config.model import (
    Config,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.plan import Action, Plan, compute_plan
from ecrrepl.policy import required_statements
from ecrrepl.state import LiveState
from harness import models

SOURCE = models.OREGON


def rule(
    filters: list[str] | None,
    destinations: list[str],
    *,
    name: str | None = None,
    delete_replication: bool = False,
) -> ReplicationRule:
    """`destinations` as "account/region" strings."""
    return models.rule(
        *destinations, filters=filters, name=name, delete_replication=delete_replication
    )


def config_of(desired: list[ReplicationRule]) -> Config:
    return Config(
        registries=(
            SourceRegistry(account=SOURCE.account, region=SOURCE.region, rules=tuple(desired)),
        )
    )


def plan_for(
    desired: list[ReplicationRule],
    live: list[ReplicationRule],
    policies: Mapping[RegistryAddress, JsonObject | None] | None = None,
) -> Plan:
    state = LiveState(replication={SOURCE: tuple(live)}, registry_policies=policies or {})
    return compute_plan(config_of(desired), state)


def only_section(plan: Plan) -> tuple[Action, str, tuple[str, ...], tuple[str, ...]]:
    (section,) = plan.replication
    (change,) = section.changes
    return change.action, change.subject, change.details, change.effects


EAST = "111111111111/us-east-1"
IRELAND = "222222222222/eu-west-1"
TOKYO = "222222222222/ap-northeast-1"


def test_reordered_rules_destinations_and_filters_show_no_change() -> None:
    desired = [
        rule(["prod/", "base-"], [EAST, IRELAND], name="prod"),
        rule(None, [TOKYO]),
        rule(["dev/"], [IRELAND], delete_replication=True),
    ]
    live = [
        rule(["dev/"], [IRELAND], delete_replication=True),
        rule(None, [TOKYO]),
        rule(["base-", "prod/"], [IRELAND, EAST]),
    ]
    # The live policies say the same as ecrrepl would, in another order and spelling.
    policies: dict[RegistryAddress, JsonObject | None] = {}
    for destination, statements in required_statements(config_of(desired)).items():
        written = []
        for statement in statements:
            as_json = statement.as_json()
            as_json["Action"] = list(reversed(as_json["Action"]))
            as_json["Resource"] = list(reversed(as_json["Resource"]))
            as_json["Principal"] = {"AWS": [as_json["Principal"]["AWS"]]}
            written.append(as_json)
        policies[destination] = {"Version": "2012-10-17", "Statement": written}
    plan = plan_for(desired, live, policies)
    assert not plan.has_changes
    assert plan.replication[0].unchanged == 3
    assert plan.replication_writes == ()
    assert plan.summary.sentence() == "No changes. The live registries match the configuration."


def test_an_empty_filter_list_means_every_repository_like_no_filters() -> None:
    plan = plan_for([rule(None, [EAST])], [rule([], [EAST])])
    assert not plan.has_changes


def test_a_rule_added_to_an_empty_configuration() -> None:
    plan = plan_for([rule(["prod/"], [IRELAND], name="prod")], [])
    assert only_section(plan) == (
        Action.ADD,
        "rule 'prod'",
        ("filters: `prod/`", "destinations: eu-west-1 (222222222222)"),
        ("repositories matching `prod/` start replicating to eu-west-1 (222222222222)",),
    )
    (write,) = plan.replication_writes
    assert write.registry == SOURCE
    assert [r.name for r in write.rules] == ["prod"]


def test_a_live_rule_the_file_does_not_declare_is_removed() -> None:
    plan = plan_for([rule(["prod/"], [EAST])], [rule(["prod/"], [EAST]), rule(None, [EAST])])
    assert only_section(plan) == (
        Action.REMOVE,
        "live rule #2",
        ("filters: none (every repository)", "destinations: us-east-1 (111111111111)"),
        ("every repository stops replicating to us-east-1 (111111111111)",),
    )
    assert plan.replication[0].unchanged == 1
    assert plan.summary.sentence() == "Plan: 0 to add, 0 to change, 1 to remove."


def test_a_changed_rule_says_which_destinations_and_filters_moved() -> None:
    plan = plan_for(
        [rule(["prod/", "base-"], [IRELAND, TOKYO], name="prod", delete_replication=True)],
        [rule(["prod/", "tmp/"], [IRELAND, EAST])],
    )
    action, subject, details, effects = only_section(plan)
    assert (action, subject) == (Action.CHANGE, "rule 'prod'")
    assert details == (
        "filters added: `base-`",
        "filters removed: `tmp/`",
        "destination added: ap-northeast-1 (222222222222)",
        "destination removed: us-east-1 (111111111111)",
        "delete_replication: false -> true",
    )
    assert effects == (
        "repositories matching `prod/` or `tmp/` stop replicating to us-east-1 (111111111111)",
        "repositories matching `base-` or `prod/` start replicating to "
        "ap-northeast-1 (222222222222)",
        "images deleted from repositories matching `base-` or `prod/` are also deleted in "
        "ap-northeast-1 (222222222222) and eu-west-1 (222222222222)",
        "repositories matching `base-` start replicating to eu-west-1 (222222222222)",
        "repositories matching `tmp/` stop replicating to eu-west-1 (222222222222)",
    )


def test_narrowing_a_rule_without_filters_is_one_change() -> None:
    plan = plan_for([rule(["prod/"], [EAST])], [rule(None, [EAST])])
    assert only_section(plan) == (
        Action.CHANGE,
        "rule #1",
        ("filters added: `prod/` (was: every repository)",),
        ("replication to us-east-1 (111111111111) narrows to repositories matching `prod/`",),
    )


def test_rules_pair_by_shared_filters_not_by_position() -> None:
    plan = plan_for(
        [rule(["dev/"], [EAST], name="dev"), rule(["prod/"], [IRELAND, EAST], name="prod")],
        [rule(["prod/"], [IRELAND]), rule(["dev/"], [IRELAND])],
    )
    changes = {c.subject: c.details for c in plan.replication[0].changes}
    assert changes == {
        "rule 'dev'": (
            "destination added: us-east-1 (111111111111)",
            "destination removed: eu-west-1 (222222222222)",
        ),
        "rule 'prod'": ("destination added: us-east-1 (111111111111)",),
    }
    assert plan.summary.change == 2


def test_rules_with_new_filters_pair_by_identical_destinations() -> None:
    plan = plan_for([rule(["api/"], [IRELAND])], [rule(["web/"], [IRELAND])])
    action, _, details, _ = only_section(plan)
    assert action is Action.CHANGE
    assert details == ("filters added: `api/`", "filters removed: `web/`")


def test_unrelated_rules_are_added_and_removed() -> None:
    plan = plan_for([rule(["api/"], [IRELAND])], [rule(["web/"], [EAST])])
    assert [c.action for c in plan.replication[0].changes] == [Action.ADD, Action.REMOVE]


def test_empty_rules_clear_the_live_configuration() -> None:
    plan = plan_for([], [rule(["prod/"], [IRELAND]), rule(None, [EAST])])
    assert [c.action for c in plan.replication[0].changes] == [Action.REMOVE, Action.REMOVE]
    (write,) = plan.replication_writes
    assert write.rules == ()


def test_the_whole_rule_list_is_sent_in_file_order() -> None:
    desired = [rule(["b/"], [EAST], name="b"), rule(["a/"], [EAST], name="a")]
    plan = plan_for(desired, [rule(["a/"], [EAST])])
    (write,) = plan.replication_writes
    assert write.rules == tuple(desired)


def test_a_registry_missing_from_the_live_state_has_no_rules_yet() -> None:
    config = Config(
        registries=(
            SourceRegistry(
                account=SOURCE.account, region=SOURCE.region, rules=(rule(None, [EAST]),)
            ),
        )
    )
    plan = compute_plan(config, LiveState())
    assert [c.action for c in plan.changes] == [Action.ADD]


def test_the_plan_carries_the_fingerprint_of_its_live_state() -> None:
    live = LiveState(replication={SOURCE: (rule(None, [EAST]),)})
    config = Config(registries=(SourceRegistry(account=SOURCE.account, region=SOURCE.region),))
    assert compute_plan(config, live).fingerprint == live.fingerprint()


prefixes = st.lists(st.sampled_from(["a/", "b/", "c-", "prod/", "dev/"]), unique=True, max_size=3)
destinations = st.lists(st.sampled_from([EAST, IRELAND, TOKYO]), unique=True, min_size=1)
rules = st.builds(
    lambda f, d, delete: rule(f or None, d, delete_replication=delete),
    prefixes,
    destinations,
    st.booleans(),
)


@given(st.lists(rules, max_size=6), st.randoms())
def test_any_reordering_shows_no_change(desired: list[ReplicationRule], random: Random) -> None:
    live = [
        rule(
            None if r.prefixes is None else list(reversed(r.prefixes)),
            [f"{d.account}/{d.region}" for d in reversed(r.destinations)],
            delete_replication=r.delete_replication,
        )
        for r in desired
    ]
    random.shuffle(live)
    assert plan_for(desired, live).replication[0].changes == ()


@given(st.lists(rules, max_size=6), st.lists(rules, max_size=6))
def test_every_rule_is_accounted_for_once(
    desired: list[ReplicationRule], live: list[ReplicationRule]
) -> None:
    (section,) = plan_for(desired, live).replication
    actions = [change.action for change in section.changes]
    assert actions.count(Action.ADD) + actions.count(Action.CHANGE) + section.unchanged == len(
        desired
    )
    assert actions.count(Action.REMOVE) + actions.count(Action.CHANGE) + section.unchanged == len(
        live
    )
    assert all(change.effects for change in section.changes)
