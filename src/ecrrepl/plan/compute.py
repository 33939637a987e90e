"""Desired configuration against live state: the whole plan, without any I/O."""

from __future__ import annotations

import dataclasses

from ecrrepl.config.model import Config
from ecrrepl.plan.documents import document_changes
from ecrrepl.plan.immutable_tags import immutable_tag_warnings
from ecrrepl.plan.model import Plan
from ecrrepl.plan.policy_merge import owned_statements
from ecrrepl.plan.registry_policy import leftover_grant_warnings, plan_registry_policies
from ecrrepl.plan.replication import plan_replication
from ecrrepl.plan.templates import plan_templates
from ecrrepl.policy import owned_sids, owns_statement
from ecrrepl.state import LiveState


def compute_plan(config: Config, live: LiveState) -> Plan:
    """What would change in every registry the configuration owns a part of.

    A registry missing from `live` is taken to have nothing yet: no rules, no
    registry policy, no templates. A registry that could not be read (`live.unreadable`)
    has no section: what it holds is unknown, and the plan carries an error for it.
    """
    plan = Plan(
        fingerprint=state_fingerprint(config, live),
        replication=tuple(
            dataclasses.replace(
                plan_replication(
                    registry.address, registry.rules, live.replication.get(registry.address, ())
                ),
                warnings=immutable_tag_warnings(registry, live)
                + leftover_grant_warnings(registry, live, config.owner),
            )
            for registry in sorted(config.registries, key=lambda r: r.address)
        ),
        registry_policies=plan_registry_policies(config, live),
        templates=plan_templates(config, live),
        accounts=dict(config.accounts),
        owner=config.owner,
    )
    unread = live.unreadable
    if unread:
        plan = dataclasses.replace(
            plan,
            replication=tuple(s for s in plan.replication if s.registry not in unread),
            registry_policies=tuple(s for s in plan.registry_policies if s.registry not in unread),
            templates=tuple(s for s in plan.templates if s.registry not in unread),
            unread=dict(sorted(unread.items())),
        )
    return dataclasses.replace(plan, documents=document_changes(plan, live))


def state_fingerprint(config: Config, live: LiveState) -> str:
    """The digest `apply` compares to notice that the state changed under its plan.

    In the registry policies ecrrepl writes, only its own statements count: the others
    are merged into at the moment of writing, exactly as they are then, so another
    owner's change after `diff` does not make the plan stale. Policies ecrrepl only
    checks (manage_registry_policy: false) count whole: the plan's warnings rest on them.
    """
    owned = owned_sids(config)
    policies = {
        address: (
            {"Statement": list(owned_statements(policy, lambda sid: owns_statement(sid, owned)))}
            if config.manages_policy_of(address.account)
            else policy
        )
        for address, policy in live.registry_policies.items()
    }
    return dataclasses.replace(live, registry_policies=policies).fingerprint()
