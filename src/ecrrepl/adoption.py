"""What `export` writes: the configuration under which `diff` of the live registries it
read shows no changes. Pure: the live state comes in, a `Config` goes out.

Every registry read is a source registry of the file (one without replication as
`rules: []`), with its live rules and creation templates. `manage_registry_policy` is
decided per account, as the file format has it:

- an account that was not exported but is replicated into: `false`, as ecrrepl was not
  asked to reach it (its policy is only checked, when the file says how to reach it);
- an exported account: `true` when the plan of every one of its registry policies, under
  this very file, has no change (the policies already hold exactly ecrrepl's
  statements, `plan/registry_policy.py`); otherwise `false`, so that adopting the
  registries changes no policy that another tool or a person wrote. Dropping the line
  then makes `diff` show the statements ecrrepl would write. An access entry given to
  export that already says `false` stays `false`.

The `owner:` of the file decides which statements are ecrrepl's and how they are written
(policy.py). A configuration with an owner leaves its name in the Sids of its merged
statements (`EcrreplPlatformG…`), so `live_owners` reads it back from the exported
accounts' policies; which one the file takes is the command's choice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ecrrepl.config.model import AccountAccess, Config, SourceRegistry
from ecrrepl.plan.registry_policy import plan_registry_policies
from ecrrepl.policy import owner_of_sid, statements_of
from ecrrepl.policy_fields import sid_of
from ecrrepl.state import LiveState

# The live registries of the adopted accounts, in the order they were asked for: their
# rules, their templates, and the registry policy of every cross-account destination in
# an adopted account (None: it has none). The live state `diff` reads, as export reads it.
AdoptedState = LiveState


def live_owners(state: AdoptedState, exported: Collection[str]) -> list[str]:
    """The owners whose merged statements stand in the registry policies of the exported
    accounts, sorted."""
    return sorted(
        {
            owner
            for address, policy in state.registry_policies.items()
            if address.account in exported
            for statement in statements_of(policy)
            if (owner := owner_of_sid(sid_of(statement)))
        }
    )


def adopted_config(
    state: AdoptedState,
    exported: Collection[str],
    access: Mapping[str, AccountAccess],
    owner: str | None = None,
) -> Config:
    """The configuration of the registries in `state`, whose accounts are `exported`;
    `access` says how each account that is not reached with the base credentials is, and
    `owner` is the file's `owner:`."""
    registries = tuple(
        SourceRegistry(account=address.account, region=address.region, rules=rules)
        for address, rules in state.replication.items()
    )
    templates = tuple(
        template for address in state.replication for template in state.templates.get(address, ())
    )
    not_exported = {
        destination.account
        for registry in registries
        for rule in registry.rules
        for destination in rule.destinations
        if destination.account not in exported
    }
    entries = {
        account: access.get(account) or AccountAccess(account=account)
        for account in set(exported) | not_exported
    }
    for account in not_exported:
        entries[account] = entries[account].replace(manage_registry_policy=False)
    tentative = Config(accounts=entries, registries=registries, templates=templates, owner=owner)
    for account in _accounts_whose_policies_would_change(tentative, state):
        entries[account] = entries[account].replace(manage_registry_policy=False)
    return Config(
        accounts={account: entries[account] for account in sorted(entries)},
        registries=registries,
        templates=templates,
        owner=owner,
    )


def _accounts_whose_policies_would_change(config: Config, state: AdoptedState) -> set[str]:
    return {
        section.registry.account
        for section in plan_registry_policies(config, state)
        if section.managed and section.changes
    }
