"""The plan of a move to `owner:`: merged statements added, per-registry ones removed, and
in words only what changes for replication; the staged writes keep the old statements
until the withdrawal stage."""

from __future__ import annotations

from collections.abc import Callable

from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.plan import compute_plan
from ecrrepl.plan.model import Action
from ecrrepl.plan.writes import PolicyStep, ReplicationStep, plan_writes
from ecrrepl.policy import merge_policy, statements_of
from ecrrepl.policy_grants import written_statements
from ecrrepl.state import LiveState
from ecrrepl.validation import load_files

DEST = RegistryAddress("222222222222", "eu-west-1")
TO_DR = 'destinations: [{{account: "222222222222", region: eu-west-1}}]'
TEMPLATE = """\
version: 1
{owner}registries:
  - account: "111111111111"
    region: us-west-2
    rules: [{{filters: [prod/, base/], TO_DR}}]
  - account: "111111111111"
    region: us-east-2
    rules: [{{filters: [prod/], TO_DR}}]
  - account: "333333333333"
    region: us-east-2
    rules: [{{filters: [prod/{more}], TO_DR}}]
""".replace("TO_DR", TO_DR)
OLD_SIDS = [
    "Ecrrepl111111111111useast2",
    "Ecrrepl111111111111uswest2",
    "Ecrrepl333333333333useast2",
]


def config(write_config: Callable[..., str], owner: str | None, more: str = "") -> Config:
    text = TEMPLATE.format(owner=f"owner: {owner}\n" if owner else "", more=more)
    return load_files([write_config(text)]).config


def applied(old: Config) -> LiveState:
    return LiveState(
        registry_policies={DEST: merge_policy(None, written_statements(old)[DEST], ())}
    )


def test_the_move_says_what_changes_for_replication_and_nothing_else(
    write_config: Callable[..., str],
) -> None:
    live = applied(config(write_config, None))

    plan = compute_plan(config(write_config, "platform", ", tools/"), live)

    (section,) = plan.registry_policies
    added = [c for c in section.changes if c.action is Action.ADD]
    removed = [c for c in section.changes if c.action is Action.REMOVE]
    assert sorted(c.key for c in removed) == OLD_SIDS
    assert all(
        c.effects == ("nothing changes for replication: the statement is merged into others",)
        for c in removed
    )
    effects = sorted(e for c in added for e in c.effects)
    assert effects == [
        "account 333333333333 may now replicate into repository/tools/* of this registry",
        "allows what ecrrepl's statements already allow, merged into one",
    ]
    assert not section.errors


def test_the_old_statements_stay_until_the_withdrawal_stage(
    write_config: Callable[..., str],
) -> None:
    live = applied(config(write_config, None))
    plan = compute_plan(config(write_config, "platform", ", tools/"), live)

    steps = plan_writes(plan, live)

    policy_steps = [s for s in steps if isinstance(s, PolicyStep)]
    assert len(policy_steps) == 2
    grant, withdrawal = policy_steps
    assert steps.index(grant) < min(steps.index(s) for s in steps if isinstance(s, ReplicationStep))
    assert steps[-1] is withdrawal
    granted = [s["Sid"] for s in grant.statements]
    assert set(OLD_SIDS) <= set(granted)
    assert sum(sid.startswith("EcrreplPlatformG") for sid in granted) == 2
    assert all(s["Sid"].startswith("EcrreplPlatformG") for s in withdrawal.statements)
    # Every owned statement is replaced; nothing else is in either step.
    assert {
        s["Sid"] for s in statements_of(withdrawal.merged_into(live.registry_policies[DEST]))
    } == {s["Sid"] for s in withdrawal.statements}
