"""Backups: the state of every registry that `apply` or `restore` is about to overwrite.

A backup is taken before the first write and names everything that run may touch:
each source registry's replication rules, each destination's whole registry policy
(None: it had none), and each template it writes (None: it did not exist), with the
template the run leaves there (`templates_written`: apply's template as sent; for a
backup restore takes, what restore puts back, None when it deletes). `restore` puts
exactly that back, except in registry policies, where only ecrrepl's own statements
(the Sids the backup lists as owned) go back and every other statement is left as it
is then; and a template only while it is still what the run left (plan.writes
.template_conflicts). The file also carries how each account was reached, so that a
backup can be restored without the configuration that produced it.

Format 2 added `templates_written`; format 3 records what its run computed, so that
restore can refuse anything else (backup_checks.py, plan/restore_checks.py): `sources`,
the source registries of the configuration, and `owner`, its `owner:` if any (together
they own its statements: policy.owned_sid_list, which `owned_sids` must equal),
`replication_written`, the rules
the run left in each registry of `replication`, and `statements_written`, ecrrepl's
statements the run left in each registry policy of `registry_policies`. An older
backup is read only when it holds nothing its format cannot vouch for: no templates
(format 1), no replication configuration and no registry policy (formats 1 and 2).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecrrepl.aws.answers import AnswerProblem
from ecrrepl.aws.convert import rules_from_api, rules_to_api, template_from_api, template_to_api
from ecrrepl.config import schema
from ecrrepl.config.model import (
    AccountAccess,
    CreationTemplate,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
    accounts_json,
)
from ecrrepl.config.template_fields import TEMPLATE_FIELDS, Kind, TemplateField
from ecrrepl.errors import UserError
from ecrrepl.policy import owns_statement

BACKUP_FORMAT = "ecrrepl-backup"
BACKUP_FORMAT_VERSION = 3
# Format 1 had no `templates_written`, format 2 no record of the rules and statements its
# run wrote: read only without what they cannot vouch for (see above).
_READABLE_WITHOUT_TEMPLATES = 1
_READABLE_WITHOUT_RULES_OR_POLICIES = 2
DEFAULT_BACKUP_DIR = ".ecrrepl/backups"

TemplateKey = tuple[RegistryAddress, str]


@dataclass(frozen=True)
class Backup:
    taken_by: str  # "apply" or "restore"
    created_at: str
    replication: Mapping[RegistryAddress, tuple[ReplicationRule, ...]] = field(default_factory=dict)
    registry_policies: Mapping[RegistryAddress, JsonObject | None] = field(default_factory=dict)
    templates: Mapping[TemplateKey, CreationTemplate | None] = field(default_factory=dict)
    # For each key of `templates`: the template the run leaves there (None: deleted).
    templates_written: Mapping[TemplateKey, CreationTemplate | None] = field(default_factory=dict)
    accounts: Mapping[str, AccountAccess] = field(default_factory=dict)
    # The registry policy statements ecrrepl owned when the backup was taken; None: by name.
    owned_sids: frozenset[str] | None = None
    # The source registries of the run's configuration: `owned_sids` are theirs.
    sources: tuple[RegistryAddress, ...] = ()
    # The configuration's `owner:`, whose merged statements `owned_sids` marks; None: none.
    owner: str | None = None
    # For each key of `replication`: the rules the run leaves there.
    replication_written: Mapping[RegistryAddress, tuple[ReplicationRule, ...]] = field(
        default_factory=dict
    )
    # For each key of `registry_policies`: ecrrepl's statements the run leaves there.
    statements_written: Mapping[RegistryAddress, tuple[JsonObject, ...]] = field(
        default_factory=dict
    )

    def owns_sid(self, sid: object) -> bool:
        # A backup without its list of owned Sids (written by hand) owns every Sid that
        # follows ecrrepl's naming scheme.
        return owns_statement(sid, self.owned_sids)

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


def _templates_to_json(
    templates: Mapping[TemplateKey, CreationTemplate | None],
) -> dict[str, dict[str, Any]]:
    by_registry: dict[str, dict[str, Any]] = {}
    for (address, prefix), template in sorted(templates.items()):
        by_registry.setdefault(str(address), {})[prefix] = (
            None if template is None else template_to_api(template)
        )
    return by_registry


def backup_to_json(backup: Backup) -> dict[str, Any]:
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_FORMAT_VERSION,
        "taken_by": backup.taken_by,
        "created_at": backup.created_at,
        "accounts": accounts_json(backup.accounts),
        "replication": {
            str(address): rules_to_api(list(rules))
            for address, rules in sorted(backup.replication.items())
        },
        "registry_policies": {
            str(address): policy for address, policy in sorted(backup.registry_policies.items())
        },
        "templates": _templates_to_json(backup.templates),
        "templates_written": _templates_to_json(backup.templates_written),
        "owned_sids": None if backup.owned_sids is None else sorted(backup.owned_sids),
        "sources": sorted(str(source) for source in backup.sources),
        "owner": backup.owner,
        "replication_written": {
            str(address): rules_to_api(list(rules))
            for address, rules in sorted(backup.replication_written.items())
        },
        "statements_written": {
            str(address): list(statements)
            for address, statements in sorted(backup.statements_written.items())
        },
    }


@contextmanager
def _inside(where: str) -> Iterator[None]:
    """Name the part of the file a problem is in."""
    try:
        yield
    except KeyError as error:
        raise ValueError(f"{where}: the field {error.args[0]!r} is missing") from None
    except AnswerProblem as problem:
        # The backup holds the API's shapes, read by the same checks as an answer.
        if problem.missing is not None:
            raise ValueError(f"{where}: the field {problem.missing!r} is missing") from None
        raise ValueError(f"{where}: a value has the wrong JSON type") from None
    except (TypeError, AttributeError):
        raise ValueError(f"{where}: a value has the wrong JSON type") from None
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not a JSON object")
    return value


def _check_rules(value: Any) -> None:
    """The API shape `rules_from_api` reads, checked so that no write is sent malformed."""
    for number, rule in enumerate(_mapping(value, "the value")["rules"], start=1):
        for destination in rule["destinations"]:
            account, region = destination["registryId"], destination["region"]
            if not (isinstance(account, str) and len(account) == 12 and account.isdigit()):
                raise ValueError(f"rule {number}: registryId {account!r} is not 12 digits")
            if not (isinstance(region, str) and region):
                raise ValueError(f"rule {number}: region {region!r} is not a region name")
        for repository_filter in rule.get("repositoryFilters", []):
            if not isinstance(repository_filter["filter"], str):
                raise ValueError(f"rule {number}: a filter is not a string")


def _check_template(value: Any) -> None:
    """The enumerated settings of a template, checked before `template_from_api` reads them."""
    template = _mapping(value, "the template")
    for setting in TEMPLATE_FIELDS:
        # A list left out is empty; one written null is not a list.
        absent: list[Any] | None = [] if setting.kind in (Kind.CHOICES, Kind.TAGS) else None
        _check_setting(setting, template.get(setting.api_key, absent))


def _check_setting(setting: TemplateField, value: Any) -> None:
    key, choices = setting.api_key, list(setting.choices)
    if setting.kind is Kind.CHOICES:
        if not (isinstance(value, list) and set(value) <= set(choices)):
            raise ValueError(f"{key} {value!r} is not a list of {choices}")
    elif setting.kind is Kind.CHOICE:
        if value is not None and value not in choices:
            raise ValueError(f"{key} {value!r} is not one of ECR's")
    elif setting.kind is Kind.ENCRYPTION:
        if value is not None and _mapping(value, key).get("encryptionType") not in choices:
            raise ValueError(f"{key} has no known encryptionType")
    elif setting.kind is Kind.TAGS:
        for tag in value:
            if not (isinstance(tag["Key"], str) and isinstance(tag["Value"], str)):
                raise ValueError("a resource tag is not a Key and Value string")


def _refuse_what_validate_refuses(backup: Backup) -> None:
    """A backup is written back as it is: hold it to the lint rules a configuration meets."""
    from ecrrepl.config.model import Config, SourceRegistry
    from ecrrepl.findings import Severity
    from ecrrepl.lint.registry import run_checks

    config = Config(
        accounts=dict(backup.accounts),
        registries=tuple(
            SourceRegistry(account=address.account, region=address.region, rules=rules)
            for address, rules in sorted(backup.replication.items())
        ),
        templates=tuple(t for t in backup.templates.values() if t is not None),
    )
    for finding in run_checks(config):
        if finding.severity is Severity.ERROR:
            raise ValueError(f"{finding.rule}: {finding.message}")


def _refuse_what_ecrrepl_would_not_write(backup: Backup) -> None:
    from ecrrepl.backup_checks import check_backup, check_stamp

    check_stamp(backup.taken_by, backup.created_at)
    if backup.owned_sids is None:
        raise ValueError(
            "it has no owned_sids (every backup ecrrepl writes lists the statements it owns)"
        )
    check_backup(
        backup.owned_sids,
        (backup.sources, backup.owner),
        (backup.replication, backup.replication_written),
        (backup.registry_policies, backup.statements_written),
        {key: None if t is None else t.prefix for key, t in backup.templates.items()},
        {key: None if t is None else t.prefix for key, t in backup.templates_written.items()},
    )


def backup_from_json(data: Any, source: str) -> Backup:
    """Read a backup file's JSON; anything malformed is one clear UserError."""
    try:
        backup = _backup_from_json(data)
        _refuse_what_ecrrepl_would_not_write(backup)
        _refuse_what_validate_refuses(backup)
        return backup
    except ValueError as error:
        raise UserError(f"{source} is not a usable backup: {error}") from None
    except UserError as error:  # a template's policy text that is not JSON
        raise UserError(f"{source} is not a usable backup: {error.message}") from None


def _backup_from_json(data: Any) -> Backup:
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise ValueError(f'it is not an ecrrepl backup (no "format": "{BACKUP_FORMAT}")')
    version = data.get("format_version")
    if version not in (
        BACKUP_FORMAT_VERSION,
        _READABLE_WITHOUT_RULES_OR_POLICIES,
        _READABLE_WITHOUT_TEMPLATES,
    ):
        raise ValueError(f"format_version {version!r} is not supported")
    accounts: dict[str, AccountAccess] = {}
    for account, access in _mapping(data.get("accounts", {}), "accounts").items():
        with _inside(f"accounts.{account}"):
            accounts[account] = AccountAccess(
                account=account,
                role_arn=access.get("role_arn"),
                external_id=access.get("external_id"),
                profile=access.get("profile"),
                manage_registry_policy=bool(access.get("manage_registry_policy", True)),
            )
    replication = _rules_from_json(data.get("replication", {}), "replication")
    policies: dict[RegistryAddress, JsonObject | None] = {}
    for key, policy in _mapping(data.get("registry_policies", {}), "registry_policies").items():
        with _inside(f"registry policy of {key}"):
            if policy is not None:
                _mapping(policy, "the policy")
            policies[_address(key)] = policy
    if version != BACKUP_FORMAT_VERSION and (replication or policies):
        raise ValueError(
            f"it is format_version {version}, which does not record the rules and registry "
            "policy statements its run wrote, so restore cannot tell them from someone "
            'else\'s; remove its "replication" and "registry_policies" to restore the rest, '
            "and put those back by hand"
        )
    templates = _templates_from_json(data.get("templates", {}), "templates")
    if version == _READABLE_WITHOUT_TEMPLATES:
        if templates:
            raise ValueError(
                "it is format_version 1, which does not record what its apply wrote to "
                "creation templates, so restore cannot tell them from someone else's; "
                'remove its "templates" to restore the rest, and put templates back by hand'
            )
        written = {}
    else:
        written = _templates_from_json(data.get("templates_written", {}), "templates_written")
        unmatched = sorted(set(templates) ^ set(written))
        if unmatched:
            address, prefix = unmatched[0]
            where = "templates_written" if (address, prefix) in templates else "templates"
            raise ValueError(f"template '{prefix}' of {address} is missing from {where}")
    owned = data.get("owned_sids")
    if owned is not None and not (
        isinstance(owned, list) and all(isinstance(sid, str) for sid in owned)
    ):
        raise ValueError("owned_sids is not a list of strings")
    sources = data.get("sources", [])
    if not (isinstance(sources, list) and all(isinstance(key, str) for key in sources)):
        raise ValueError("sources is not a list of ACCOUNT/REGION strings")
    owner = data.get("owner")
    if owner is not None and not (
        isinstance(owner, str) and re.fullmatch(schema.OWNER_PATTERN, owner)
    ):
        raise ValueError(
            "owner is not a configuration owner (lowercase letters and digits, a letter first)"
        )
    return Backup(
        taken_by=str(data.get("taken_by", "apply")),
        created_at=str(data.get("created_at", "")),
        replication=replication,
        registry_policies=policies,
        templates=templates,
        templates_written=written,
        accounts=accounts,
        owned_sids=None if owned is None else frozenset(owned),
        sources=tuple(_address(key) for key in sources),
        owner=owner,
        replication_written=_rules_from_json(
            data.get("replication_written", {}), "replication_written"
        ),
        statements_written=_statements_from_json(data.get("statements_written", {})),
    )


def _rules_from_json(value: Any, what: str) -> dict[RegistryAddress, tuple[ReplicationRule, ...]]:
    label = "replication" if what == "replication" else "written replication"
    rules: dict[RegistryAddress, tuple[ReplicationRule, ...]] = {}
    for key, configuration in _mapping(value, what).items():
        with _inside(f"{label} of {key}"):
            _check_rules(configuration)
            rules[_address(key)] = rules_from_api(configuration)
    return rules


def _statements_from_json(value: Any) -> dict[RegistryAddress, tuple[JsonObject, ...]]:
    statements: dict[RegistryAddress, tuple[JsonObject, ...]] = {}
    for key, listed in _mapping(value, "statements_written").items():
        with _inside(f"written statements of {key}"):
            if not (isinstance(listed, list) and all(isinstance(s, dict) for s in listed)):
                raise ValueError("not a list of statements")
            statements[_address(key)] = tuple(listed)
    return statements


def _templates_from_json(value: Any, what: str) -> dict[TemplateKey, CreationTemplate | None]:
    templates: dict[TemplateKey, CreationTemplate | None] = {}
    label = "template" if what == "templates" else "written template"
    for key, by_prefix in _mapping(value, what).items():
        address = _address(key)
        for prefix, template in _mapping(by_prefix, f"{what} of {key}").items():
            with _inside(f"{label} '{prefix}' of {key}"):
                if template is not None:
                    _check_template(template)
                templates[(address, prefix)] = (
                    None
                    if template is None
                    else template_from_api(template, address.account, address.region)
                )
    return templates


def _address(key: str) -> RegistryAddress:
    account, _, region = key.partition("/")
    if not (len(account) == 12 and account.isdigit() and region):
        raise ValueError(f"{key!r} is not ACCOUNT/REGION")
    return RegistryAddress(account, region)


def read_backup(path: str) -> Backup:
    from ecrrepl.input_files import load_json_input
    from ecrrepl.validation import read_input_text

    data = load_json_input(
        read_input_text(path),
        f"{path} is not a usable backup",
        lambda error: f"{path} is not valid JSON: {error}",
    )
    return backup_from_json(data, path)


def write_backup(backup: Backup, folder: str) -> Path:
    """Write the backup into `folder` (0600, under a name nothing occupies yet, never
    through a symlink) and return its path."""
    from ecrrepl.output_files import write_first_free

    stamp = backup.created_at.replace(":", "").replace("-", "")
    # Within one second: numbered so that names still sort in the order taken.
    names = [f"{stamp}-{backup.taken_by}.json"] + [
        f"{stamp}.{counter:02d}-{backup.taken_by}.json" for counter in range(2, 100)
    ]
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        text = json.dumps(backup_to_json(backup), indent=2) + "\n"
        return Path(write_first_free((os.path.join(folder, name) for name in names), text))
    except OSError as error:
        raise UserError(
            f"cannot write the backup into {folder}: {error.strerror or error}; nothing was written"
            " to AWS"
        ) from None
