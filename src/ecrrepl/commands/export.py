"""`ecrrepl export`: the live registries of one or many accounts as a configuration file.

The file is written so that `ecrrepl diff` of it shows no changes (`adoption.py`
decides what it says; `render/config_yaml.py` writes it). Without `--account`, the
account of the base credentials is exported. Each `--account` is reached as the
`accounts` entry of `--config` says (role_arn, external_id or profile), else through
`--role-name`, else, for the account of the base credentials only, with those.

All or nothing: an account that cannot be reached, or a read that fails, is one line
naming the account (exit 1) and nothing is printed. A file missing an account's
registries would be applied as if they were not meant to replicate.

The file's `owner:` is `--owner`, else the `owner:` of `--config`, else the one owner
whose merged statements stand in the exported accounts' registry policies. Where the
policies hold several owners' statements and neither option names one, export cannot
know which are this file's: a usage error naming them, before anything is printed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from ecrrepl import regions
from ecrrepl.backup import now_stamp
from ecrrepl.config.model import AccountAccess
from ecrrepl.config.schema import OWNER_PATTERN
from ecrrepl.errors import EXIT_OK, UsageError

ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)
OWNER = re.compile(OWNER_PATTERN.strip("^$"), re.ASCII)
ACCOUNT_PLACEHOLDER = "000000000000"


def export(
    region_names: Sequence[str],
    *,
    account_ids: Sequence[str] = (),
    config_files: Sequence[str] = (),
    role_name: str | None = None,
    owner: str | None = None,
    profile: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from ecrrepl.adoption import adopted_config, live_owners
    from ecrrepl.aws.adoption_reader import read_adopted
    from ecrrepl.aws.session import Sessions
    from ecrrepl.render.config_yaml import render_config_yaml

    wanted_regions = _checked_regions(region_names)
    wanted_accounts = _checked_accounts(account_ids)
    if role_name is not None:
        role_arn(ACCOUNT_PLACEHOLDER, role_name, wanted_regions[0])  # a usage error, before AWS
    if owner is not None and not OWNER.fullmatch(owner):
        raise UsageError(
            f"--owner {owner!r} is not an owner name (a lowercase letter, then up to 31 "
            "lowercase letters and digits)"
        )
    configured, configured_owner = _configured(config_files, err) if config_files else ({}, None)
    # STS in a region enabled by default, when there is one: credentials from the global
    # endpoint are not valid in opt-in regions (as in Sessions.for_config).
    home = min(wanted_regions, key=lambda region: (regions.needs_opt_in(region), region))
    # Which account the base credentials belong to decides which accounts need a role; the
    # sessions that reach the others are built once that is known.
    base = Sessions(profile=profile).base_account(home)
    accounts = wanted_accounts or [base]
    access = _access(accounts, base, configured, role_name, wanted_regions[0])
    sessions = Sessions(access, profile=profile, home_regions=dict.fromkeys(accounts, home))
    state = read_adopted(sessions, accounts, wanted_regions)
    owner = owner or configured_owner or _only_owner(live_owners(state, accounts))
    config = adopted_config(state, accounts, access, owner)
    stream = sys.stdout if out is None else out
    stream.write(render_config_yaml(config, accounts, now_stamp()))
    return EXIT_OK


def _checked_regions(region_names: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(region_names))
    if not wanted:
        raise UsageError("name at least one region: `ecrrepl export --region us-east-1`")
    for region in wanted:
        if not regions.is_known_region(region):
            hint = regions.closest_region(region)
            raise UsageError(
                f"unknown region {region!r}" + (f"; did you mean {hint!r}?" if hint else "")
            )
    partitions = {region: regions.partition_of(region) for region in wanted}
    if len(set(partitions.values())) > 1:
        # An account, its roles and its registries live in one partition.
        first, other = wanted[0], next(r for r in wanted if partitions[r] != partitions[wanted[0]])
        raise UsageError(
            f"regions {first} ({partitions[first]}) and {other} ({partitions[other]}) are in "
            "different partitions, and an account lives in one: export them separately"
        )
    return wanted


def _checked_accounts(account_ids: Sequence[str]) -> list[str]:
    for account in account_ids:
        if not ACCOUNT_ID.fullmatch(account):
            raise UsageError(f"--account {account!r} is not a 12-digit AWS account ID")
    return list(dict.fromkeys(account_ids))


def _configured(
    files: Sequence[str], err: TextIO | None
) -> tuple[Mapping[str, AccountAccess], str | None]:
    """The `accounts` entries and the `owner:` of the configuration files."""
    from ecrrepl.commands.live import load_sound_config

    config = load_sound_config(files, err=err).config
    return config.accounts, config.owner


def _only_owner(owners: Sequence[str]) -> str | None:
    if len(owners) > 1:
        raise UsageError(
            "the registry policies hold the statements of several owners ("
            + ", ".join(owners)
            + "): name this configuration's with --owner"
        )
    return owners[0] if owners else None


def role_arn(account: str, role_name: str, region: str) -> str:
    """The role `role_name` (a name, or path/name) of `account`, in `region`'s partition."""
    from ecrrepl.lint.rules.accounts import ROLE_ARN

    arn = f"arn:{regions.partition_of(region) or 'aws'}:iam::{account}:role/{role_name}"
    # A role's ARN holds its path before its name: IAM user guide, "IAM identifiers"
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns);
    # botocore's IAM model, roleNameType: 1..64 of [\w+=,.@-] (checked 2026-12-02).
    if not ROLE_ARN.fullmatch(arn):
        raise UsageError(
            f"--role-name {role_name!r} is not an IAM role name (letters, digits and +=,.@_-, "
            "at most 64, after an optional path/)"
        )
    return arn


def _access(
    accounts: Sequence[str],
    base: str,
    configured: Mapping[str, AccountAccess],
    role_name: str | None,
    region: str,
) -> dict[str, AccountAccess]:
    """How each account is reached: the configuration's entry, else the role named, else
    (the base account only) the base credentials. The configuration's entries for other
    accounts are kept: they say how to check the policies of accounts replicated into."""
    access = dict(configured)
    for account in accounts:
        if account in access or account == base:
            continue
        if role_name is None:
            raise UsageError(
                f"account {account} is not the account of the base credentials ({base}): "
                "say how to reach it with --role-name or an `accounts` entry in --config"
            )
        access[account] = AccountAccess(
            account=account, role_arn=role_arn(account, role_name, region)
        )
    return access
