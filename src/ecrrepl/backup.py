"""Backups: the state of every registry that `apply` or `restore` is about to overwrite.

A backup is taken before the first write and names everything that run may touch:
each source registry's replication rules, each destination's whole registry policy
(None: it had none), and each template it writes (None: it did not exist). `restore`
puts exactly that back. The file also carries how each account was reached, so that
a backup can be restored without the configuration that produced it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecrrepl.aws.convert import rules_from_api, rules_to_api, template_from_api, template_to_api
from ecrrepl.config.model import (
    AccountAccess,
    CreationTemplate,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.errors import UserError

BACKUP_FORMAT = "ecrrepl-backup"
BACKUP_FORMAT_VERSION = 1
DEFAULT_BACKUP_DIR = ".ecrrepl/backups"

TemplateKey = tuple[RegistryAddress, str]


@dataclass(frozen=True)
class Backup:
    taken_by: str  # "apply" or "restore"
    created_at: str
    replication: Mapping[RegistryAddress, tuple[ReplicationRule, ...]] = field(default_factory=dict)
    registry_policies: Mapping[RegistryAddress, JsonObject | None] = field(default_factory=dict)
    templates: Mapping[TemplateKey, CreationTemplate | None] = field(default_factory=dict)
    accounts: Mapping[str, AccountAccess] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.replication or self.registry_policies or self.templates)

    @property
    def accounts_reached(self) -> frozenset[str]:
        return frozenset(
            [a.account for a in self.replication]
            + [a.account for a in self.registry_policies]
            + [address.account for address, _ in self.templates]
        )


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backup_to_json(backup: Backup) -> dict[str, Any]:
    templates: dict[str, dict[str, Any]] = {}
    for (address, prefix), template in sorted(backup.templates.items()):
        templates.setdefault(str(address), {})[prefix] = (
            None if template is None else template_to_api(template)
        )
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_FORMAT_VERSION,
        "taken_by": backup.taken_by,
        "created_at": backup.created_at,
        "accounts": {
            account: {
                "role_arn": access.role_arn,
                "external_id": access.external_id,
                "profile": access.profile,
                "manage_registry_policy": access.manage_registry_policy,
            }
            for account, access in sorted(backup.accounts.items())
        },
        "replication": {
            str(address): rules_to_api(list(rules))
            for address, rules in sorted(backup.replication.items())
        },
        "registry_policies": {
            str(address): policy for address, policy in sorted(backup.registry_policies.items())
        },
        "templates": templates,
    }


def backup_from_json(data: Any, source: str) -> Backup:
    """Read a backup file's JSON; anything malformed is one clear UserError."""
    try:
        if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
            raise ValueError('it is not an ecrrepl backup (no "format": "ecrrepl-backup")')
        if data.get("format_version") != BACKUP_FORMAT_VERSION:
            raise ValueError(f"format_version {data.get('format_version')!r} is not supported")
        accounts = {
            account: AccountAccess(
                account=account,
                role_arn=access.get("role_arn"),
                external_id=access.get("external_id"),
                profile=access.get("profile"),
                manage_registry_policy=bool(access.get("manage_registry_policy", True)),
            )
            for account, access in data.get("accounts", {}).items()
        }
        replication = {
            _address(key): rules_from_api(value)
            for key, value in data.get("replication", {}).items()
        }
        policies: dict[RegistryAddress, JsonObject | None] = {}
        for key, policy in data.get("registry_policies", {}).items():
            if policy is not None and not isinstance(policy, dict):
                raise ValueError(f"the registry policy of {key} is not a JSON object")
            policies[_address(key)] = policy
        templates: dict[TemplateKey, CreationTemplate | None] = {}
        for key, by_prefix in data.get("templates", {}).items():
            address = _address(key)
            for prefix, template in by_prefix.items():
                templates[(address, prefix)] = (
                    None
                    if template is None
                    else template_from_api(template, address.account, address.region)
                )
        return Backup(
            taken_by=str(data.get("taken_by", "apply")),
            created_at=str(data.get("created_at", "")),
            replication=replication,
            registry_policies=policies,
            templates=templates,
            accounts=accounts,
        )
    except UserError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        detail = str(error) if isinstance(error, ValueError) else f"unexpected shape ({error!r})"
        raise UserError(f"{source} is not a usable backup: {detail}") from None


def _address(key: str) -> RegistryAddress:
    account, _, region = key.partition("/")
    if not (len(account) == 12 and account.isdigit() and region):
        raise ValueError(f"{key!r} is not ACCOUNT/REGION")
    return RegistryAddress(account, region)


def read_backup(path: str) -> Backup:
    from ecrrepl.errors import UsageError

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UserError(f"{path} is not valid JSON: {error}") from None
    return backup_from_json(data, path)


def write_backup(backup: Backup, folder: str) -> Path:
    """Write the backup atomically into `folder` and return its path."""
    directory = Path(folder)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = backup.created_at.replace(":", "").replace("-", "")
        path = directory / f"{stamp}-{backup.taken_by}.json"
        counter = 1
        while path.exists():
            counter += 1
            path = directory / f"{stamp}-{backup.taken_by}-{counter}.json"
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".backup-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(backup_to_json(backup), stream, indent=2)
            stream.write("\n")
        os.replace(temporary, path)
    except OSError as error:
        raise UserError(
            f"cannot write the backup into {folder}: {error.strerror or error}; nothing was written"
            " to AWS"
        ) from None
    return path
