"""How each account of a configuration is reached in the sandbox, and the shell lines
that point ecrrepl (or the AWS CLI) at it. Pure: no moto, no boto3.

The emulator tells accounts apart by access keys, as AWS does: an IAM user's keys act
in the user's account, and STS AssumeRole hands out keys of the account in the role
ARN (moto's AssumeRole needs no role to exist). So, as the file says in AWS:

- the accounts with no `accounts` entry are reached with the base credentials, which
  belong to ONE account: the sandbox makes an IAM user there and hands out its keys.
  When the file reaches several accounts that way, only the first (sorted) can work,
  in AWS as here; the others are reported.
- `role_arn:` accounts: AssumeRole from the base credentials works as written.
- `profile:` accounts: the sandbox's own AWS config file defines each profile as a
  role of its account assumed from the base credentials (`credential_source =
  Environment`), so that no profile of the machine is read. It also has a profile
  `ecrrepl-sandbox-<account>` for every other account, for the AWS CLI.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from ecrrepl.account_partition import account_partition
from ecrrepl.config.model import Config

# moto's account for credentials it does not know: the base account of a file whose
# every account has an `accounts` entry.
EMULATOR_DEFAULT_ACCOUNT = "123456789012"
ROLE_NAME = "ecrrepl-sandbox"
DEFAULT_REGION = "us-east-1"
# Variables that would send ecrrepl past the sandbox or to other credentials.
UNSET_VARIABLES = (
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL_ECR",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_IAM",
)


class SandboxAccess(NamedTuple):
    base_account: str
    # profile name -> the account it reaches in the sandbox
    profiles: dict[str, str]
    # accounts the file cannot reach as written (several base accounts, a shared profile)
    unreachable: dict[str, str]
    region: str


def role_arn(config: Config, account: str) -> str:
    """The role the sandbox's profile assumes in `account`, in the account's partition."""
    return f"arn:{account_partition(config, account)}:iam::{account}:role/{ROLE_NAME}"


def sandbox_access(config: Config) -> SandboxAccess:
    """How the sandbox reaches every account the configuration names."""
    unreachable: dict[str, str] = {}
    base_reached = sorted(
        account
        for account in config.named_accounts
        if (access := config.access(account)) is None or not access.reached_otherwise
    )
    base_account = base_reached[0] if base_reached else EMULATOR_DEFAULT_ACCOUNT
    for account in base_reached[1:]:
        unreachable[account] = (
            f"has no `accounts` entry, and the base credentials already belong to {base_account}"
        )
    profiles: dict[str, str] = {}
    for account in sorted(config.accounts):
        profile = config.accounts[account].profile
        if profile is None:
            continue
        if profile in profiles:
            unreachable[account] = (
                f"uses profile {profile!r}, which already reaches {profiles[profile]}"
            )
            continue
        profiles[profile] = account
    first_region = next(
        (registry.region for registry in config.registries),
        next((template.region for template in config.templates), DEFAULT_REGION),
    )
    return SandboxAccess(base_account, profiles, unreachable, first_region)


def account_profile(account: str) -> str:
    """The sandbox's own profile that acts as `account` (for the AWS CLI)."""
    return f"{ROLE_NAME}-{account}"


def aws_config_text(config: Config, access: SandboxAccess) -> str:
    """The sandbox's AWS config file: each profile of the file reaching its account, and
    one profile per other account of the file."""
    profiles = dict(access.profiles)
    for account in sorted(config.named_accounts - {access.base_account}):
        profiles.setdefault(account_profile(account), account)
    lines = ["# Written by `ecrrepl sandbox`: the profiles of the configuration, emulated."]
    for profile, account in sorted(profiles.items()):
        lines += [
            "",
            f"[profile {profile}]",
            f"role_arn = {role_arn(config, account)}",
            "credential_source = Environment",
        ]
    return "\n".join(lines) + "\n"


def export_lines(
    *,
    endpoint: str,
    key_id: str,
    secret: str,
    region: str,
    config_file: str,
    credentials_file: str,
) -> list[str]:
    """The POSIX shell lines that point ecrrepl and the AWS CLI at the sandbox."""
    variables = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": key_id,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": config_file,
        "AWS_SHARED_CREDENTIALS_FILE": credentials_file,
    }
    lines = [f"export {name}={shlex.quote(value)}" for name, value in variables.items()]
    return [*lines, f"unset {' '.join(UNSET_VARIABLES)}"]


def describe_accounts(config: Config, access: SandboxAccess) -> Iterable[str]:
    """One line per account: how the sandbox reaches it."""
    yield f"  {access.base_account}: the base credentials (an IAM user of the emulator)"
    for account in sorted(config.accounts):
        entry = config.accounts[account]
        if account in access.unreachable:
            continue
        if entry.role_arn is not None:
            yield f"  {account}: AssumeRole {entry.role_arn}"
        elif entry.profile is not None:
            yield f"  {account}: profile {entry.profile} (a role assumed from the base credentials)"
    for account, reason in sorted(access.unreachable.items()):
        yield f"  {account}: NOT reachable as the file is written: it {reason}"


def pasted(lines: Iterable[str], environment: Mapping[str, str]) -> dict[str, str]:
    """`environment` after a shell ran the `export` and `unset` lines among `lines` (the
    demo and the tests do with the printed lines what a user's shell does)."""
    result = dict(environment)
    for line in lines:
        words = shlex.split(line) if line.startswith(("export ", "unset ")) else []
        if words[:1] == ["export"]:
            name, value = words[1].split("=", 1)
            result[name] = value
        elif words[:1] == ["unset"]:
            for name in words[1:]:
                result.pop(name, None)
    return result
