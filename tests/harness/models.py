"""Model objects for the tests that plan, route or grant without a YAML file: one way to
write a rule, a source registry or a configuration, instead of one helper a test file."""

from __future__ import annotations

from collections.abc import Iterable

from ecrrepl.config.model import (
    AccountAccess,
    Config,
    Destination,
    RegistryAddress,
    ReplicationRule,
    RepositoryFilter,
    SourceRegistry,
)

# A destination: a registry address, or "account/region".
Target = RegistryAddress | tuple[str, str] | str


def destination(target: Target) -> Destination:
    account, region = target.split("/") if isinstance(target, str) else target
    return Destination(account=account, region=region)


def rule(
    *targets: Target,
    filters: Iterable[str] | None = None,
    name: str | None = None,
    delete_replication: bool = False,
) -> ReplicationRule:
    """A replication rule; no filters: every repository."""
    return ReplicationRule(
        name=name,
        filters=None if filters is None else tuple(RepositoryFilter(prefix=p) for p in filters),
        destinations=tuple(destination(target) for target in targets),
        delete_replication=delete_replication,
    )


def registry(address: RegistryAddress, *rules: ReplicationRule) -> SourceRegistry:
    return SourceRegistry(account=address.account, region=address.region, rules=rules)


def config(*registries: SourceRegistry, accounts: Iterable[AccountAccess] = ()) -> Config:
    return Config(registries=registries, accounts={access.account: access for access in accounts})


# The registries most tests name: the source account's, and one of each other account.
OREGON = RegistryAddress("111111111111", "us-west-2")
VIRGINIA = RegistryAddress("111111111111", "us-east-1")
FRANKFURT = RegistryAddress("111111111111", "eu-central-1")
IRELAND = RegistryAddress("222222222222", "eu-west-1")
OHIO = RegistryAddress("333333333333", "us-east-2")
