"""The plan of a move to `owner:`: merged statements added, per-registry ones removed, and
in words only what changes for replication; the staged writes keep the old statements
until the withdrawal stage."""

from __future__ import annotations

from collections.abc import Callable

from ecrrepl.config.model import Config
from ecrrepl.plan import compute_plan
from ecrrepl.plan.model import Action
from ecrrepl.plan.policy_merge import interim_policy
from ecrrepl.plan.writes import PolicyStep, ReplicationStep, plan_writes
from ecrrepl.policy import MAX_POLICY_CHARS, merge_policy, policy_text, statements_of
from ecrrepl.policy_grants import written_statements
from ecrrepl.state import LiveState
from ecrrepl.validation import load_files
from harness import models

DEST = models.IRELAND
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


def test_when_old_and_new_do_not_fit_together_only_the_old_still_needed_stay(
    write_config: Callable[..., str],
) -> None:
    # 333333333333 narrows from prod/ and tools/ to prod/ in the same apply: its old
    # statement allows tools/, which the live rule uses until the replication stage.
    old = config(write_config, None, ", tools/")
    others = [
        {
            "Sid": f"Team{index:02d}",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::9999999999{index:02d}:root"},
            "Action": "ecr:ReplicateImage",
            "Resource": f"arn:aws:ecr:eu-west-1:222222222222:repository/team-{index:02d}/*",
        }
        for index in range(48)
    ]
    legacy = statements_of(merge_policy(None, written_statements(old)[DEST], ()))
    live = LiveState(
        registry_policies={DEST: {"Version": "2012-10-17", "Statement": others + legacy}}
    )
    plan = compute_plan(config(write_config, "platform"), live)
    assert not plan.errors

    (section,) = plan.registry_policies
    everything = interim_policy(live.registry_policies[DEST], section.policy)
    assert everything is not None and len(policy_text(everything)) > MAX_POLICY_CHARS

    grant, withdrawal = [s for s in plan_writes(plan, live) if isinstance(s, PolicyStep)]

    assert sorted(s["Sid"] for s in grant.statements if not s["Sid"].startswith("EcrreplP")) == [
        "Ecrrepl333333333333useast2"
    ]
    assert grant.note == " with the new permissions (the old ones go later)"
    assert all(s["Sid"].startswith("EcrreplPlatformG") for s in withdrawal.statements)
