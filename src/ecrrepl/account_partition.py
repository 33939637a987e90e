"""The partition of an account as a configuration places it: an account lives in one
partition, so any region the file names for it (a source registry, a template, a
destination) tells which; `aws` when none of them is a region botocore knows.

`ecrrepl iam` writes the account's ARNs with it, and the sandbox the role it assumes.
"""

from __future__ import annotations

from ecrrepl import regions
from ecrrepl.config.model import Config


def account_partition(config: Config, account: str) -> str:
    """The partition of the first region `config` names for `account`; else `aws`."""
    for region in _regions_of(config, account):
        partition = regions.partition_of(region)
        if partition is not None:
            return partition
    return "aws"


def _regions_of(config: Config, account: str) -> list[str]:
    found = [registry.region for registry in config.registries if registry.account == account]
    found += [template.region for template in config.templates if template.account == account]
    found += [
        destination.region
        for registry in config.registries
        for rule in registry.rules
        for destination in rule.destinations
        if destination.account == account
    ]
    return found
