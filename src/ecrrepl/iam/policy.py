"""The least-privilege IAM policy of the role ecrrepl uses in one account, from the file.

Pure: a configuration and the table in `ecrrepl.iam.table` in, a policy document out.
Each scope of the table becomes the resources the file names in that account: its
source registries, its destination registries, its templates' registries, the
repository patterns of the rules' filters. Rows whose scope names nothing in the
account are left out; rows with the same statement name and resources share one
statement.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from ecrrepl.account_partition import account_partition
from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    RegistryAddress,
    SourceRegistry,
    prefixes_sent_to,
)
from ecrrepl.iam.table import Purpose, Scope, permissions_for
from ecrrepl.policy import DEFAULT_POLICY_VERSION, repository_arn, required_statements
from ecrrepl.policy_fields import EFFECT_ALLOW

# IAM User Guide, AWS global condition context keys, aws:RequestedRegion: present in every
# request, so it narrows actions that take no resource type
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
# checked 2026-12-02.
REGION_KEY = "aws:RequestedRegion"
# IAM User Guide, Using service-linked roles, "Service-linked role permissions": the role's
# path is aws-service-role/<service principal>/ and iam:AWSServiceName names the service
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html),
# checked 2026-12-02. Role names and principals: the ECR user guide pages cited in the table.
# The sources give the principals only as *.amazonaws.com, in every partition.
SERVICE_ROLES = {
    Scope.REPLICATION_SERVICE_ROLE: (
        "replication.ecr.amazonaws.com",
        "AWSServiceRoleForECRReplication",
    ),
    Scope.TEMPLATE_SERVICE_ROLE: ("ecr.amazonaws.com", "AWSServiceRoleForECRTemplate"),
}
# IAM and STS quotas, "Managed policy size": 6,144 characters, white space not counted
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html),
# checked 2026-12-02.
MAX_MANAGED_POLICY_CHARS = 6144


class Grant(NamedTuple):
    """The Resource and Condition of one statement."""

    resources: tuple[str, ...]
    condition: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def condition_json(self) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for operator, key, values in self.condition:
            result.setdefault(operator, {})[key] = list(values) if len(values) > 1 else values[0]
        return result


def accounts_of(config: Config) -> tuple[str, ...]:
    """Every account the file names, sorted: the accounts `ecrrepl iam` writes policies for."""
    found = set(config.accounts)
    for registry in config.registries:
        found.add(registry.account)
        found.update(d.account for rule in registry.rules for d in rule.destinations)
    found.update(template.account for template in config.templates)
    return tuple(sorted(found))


def account_policy(config: Config, account: str, purposes: frozenset[Purpose]) -> dict[str, Any]:
    """The policy document for `account`'s role, for what `purposes` need."""
    # One statement per purpose of the grant (its Sid) and resources, so that a reader
    # sees why each action is there.
    statements: dict[tuple[str, Grant], list[str]] = {}
    for row in permissions_for(purposes):
        grant = grant_of(config, account, row.scope)
        if grant is None:
            continue
        actions = statements.setdefault((row.scope.sid, grant), [])
        if row.action not in actions:
            actions.append(row.action)
    used_sids: set[str] = set()
    document: list[dict[str, Any]] = []
    for (sid, grant), actions in statements.items():
        statement: dict[str, Any] = {
            "Sid": _unique(sid, used_sids),
            "Effect": EFFECT_ALLOW,
            "Action": sorted(actions),
            "Resource": list(grant.resources) if len(grant.resources) > 1 else grant.resources[0],
        }
        if grant.condition:
            statement["Condition"] = grant.condition_json()
        document.append(statement)
    return {"Version": DEFAULT_POLICY_VERSION, "Statement": document}


def policy_size(policy: dict[str, Any]) -> int:
    """The characters IAM counts against its managed policy limit (no white space)."""
    return len(json.dumps(policy, separators=(",", ":")))


def _unique(sid: str, used: set[str]) -> str:
    candidate, number = sid, 2
    while candidate in used:
        candidate, number = f"{sid}{number}", number + 1
    used.add(candidate)
    return candidate


# --- what each scope names in one account -----------------------------------------------


def grant_of(config: Config, account: str, scope: Scope) -> Grant | None:
    """The resources `scope` names in `account`; None when it names nothing there."""
    return _GRANTS[scope](config, account)


def _in_regions(found: Iterable[str]) -> Grant | None:
    names = tuple(sorted(set(found)))
    if not names:
        return None
    return Grant(("*",), (("StringEquals", REGION_KEY, names),))


def _arns(found: Iterable[str]) -> Grant | None:
    arns = tuple(sorted(set(found)))
    return Grant(arns) if arns else None


def _sources(config: Config, account: str) -> list[SourceRegistry]:
    return [registry for registry in config.registries if registry.account == account]


def _policy_destinations(config: Config, account: str) -> list[RegistryAddress]:
    return [address for address in required_statements(config) if address.account == account]


def _unmanaged_policy_destinations(config: Config, account: str) -> list[RegistryAddress]:
    if config.manages_policy_of(account):
        return []
    return _policy_destinations(config, account)


def _managed_policy_account(config: Config, account: str) -> Grant | None:
    """Every region of a named account whose registry policy the file may manage.

    diff and apply read, and clean up, the policy of every cross-account destination the
    LIVE rules send to in such an account (ecrrepl.aws.reader, live-only destinations), and
    restore writes the registries its backup names: neither set is in the file, and a
    destination removed from the file or moved to another region is exactly the cleanup
    the plan asks for. The registry policy actions take no resource type (Service
    Authorization Reference, cited in ecrrepl.iam.table, checked 2026-12-02), so the only
    narrowing left would be the region, which the file cannot know: no region condition.
    """
    if account not in accounts_of(config) or not config.manages_policy_of(account):
        return None
    return Grant(("*",))


def _templates_where(
    config: Config, account: str, wanted: Callable[[CreationTemplate], bool]
) -> Grant | None:
    return _in_regions(t.region for t in config.templates if t.account == account and wanted(t))


def name_patterns(registry: SourceRegistry) -> tuple[str, ...]:
    """Repository-name patterns for what the registry's rules replicate: `prod/*` for a
    filter `prod/`, `*` when a rule has no filters; a prefix another covers adds nothing."""
    prefixes: set[str] = set()
    for rule in registry.rules:
        if rule.prefixes is None:
            return ("*",)
        prefixes.update(rule.prefixes)
    kept = [p for p in prefixes if not any(o != p and p.startswith(o) for o in prefixes)]
    return tuple(sorted(f"{prefix}*" for prefix in kept))


def _service_role(scope: Scope) -> Callable[[Config, str], Grant | None]:
    principal, name = SERVICE_ROLES[scope]

    def grant(config: Config, account: str) -> Grant | None:
        if scope is Scope.REPLICATION_SERVICE_ROLE:
            needed = bool(_sources(config, account))
        else:
            needed = any(t.account == account for t in config.templates)
        if not needed:
            return None
        arn = (
            f"arn:{account_partition(config, account)}:iam::{account}:role/aws-service-role/"
            f"{principal}/{name}"
        )
        return Grant((arn,), (("StringEquals", "iam:AWSServiceName", (principal,)),))

    return grant


_GRANTS: dict[Scope, Callable[[Config, str], Grant | None]] = {
    Scope.ACCOUNT: lambda config, account: Grant(("*",)),
    Scope.SOURCE_REGISTRIES: lambda config, account: _in_regions(
        r.region for r in _sources(config, account)
    ),
    Scope.UNMANAGED_POLICY_DESTINATIONS: lambda config, account: _in_regions(
        a.region for a in _unmanaged_policy_destinations(config, account)
    ),
    Scope.MANAGED_POLICY_ACCOUNTS: _managed_policy_account,
    Scope.TEMPLATE_REGISTRIES: lambda config, account: _templates_where(
        config, account, lambda t: True
    ),
    Scope.LIFECYCLE_TEMPLATE_REGISTRIES: lambda config, account: _templates_where(
        config, account, lambda t: t.lifecycle_policy is not None
    ),
    Scope.POLICY_TEMPLATE_REGISTRIES: lambda config, account: _templates_where(
        config, account, lambda t: t.repository_policy is not None
    ),
    Scope.CUSTOM_ROLES: lambda config, account: _arns(
        t.custom_role_arn
        for t in config.templates
        if t.account == account and t.custom_role_arn is not None
    ),
    Scope.REPLICATION_SERVICE_ROLE: _service_role(Scope.REPLICATION_SERVICE_ROLE),
    Scope.TEMPLATE_SERVICE_ROLE: _service_role(Scope.TEMPLATE_SERVICE_ROLE),
    Scope.DESTINATION_REPOSITORIES: lambda config, account: _arns(
        repository_arn(address, "*")
        for address in prefixes_sent_to(config.registries)
        if address.account == account
    ),
    Scope.SOURCE_REPOSITORIES: lambda config, account: _arns(
        repository_arn(r.address, "*") for r in _sources(config, account) if r.rules
    ),
    Scope.FILTERED_SOURCE_REPOSITORIES: lambda config, account: _arns(
        repository_arn(r.address, pattern)
        for r in _sources(config, account)
        for pattern in name_patterns(r)
    ),
}
