"""A configuration as the YAML file `export` prints, laid out like the hand-written examples.

Pure: the configuration, the accounts it was exported from and the time come in, text
goes out. An `accounts` entry is written only where it says something: how the account
is reached, `manage_registry_policy: false`, or the account's alias.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import yaml

from ecrrepl import __version__
from ecrrepl.config.model import AccountAccess, Config, CreationTemplate, ReplicationRule
from ecrrepl.config.rule_fields import RULE_FIELDS, RuleKind
from ecrrepl.config.template_fields import TEMPLATE_FIELDS, Kind


def render_config_yaml(config: Config, exported: Collection[str], stamp: str) -> str:
    document: dict[str, Any] = {"version": 1}
    if config.owner is not None:
        document["owner"] = config.owner
    accounts = {
        account: entry for account, access in config.accounts.items() if (entry := _access(access))
    }
    if accounts:
        document["accounts"] = accounts
    document["registries"] = [
        {
            "account": registry.account,
            "region": registry.region,
            "rules": [_rule(rule, registry.account) for rule in registry.rules],
        }
        for registry in config.registries
    ]
    if config.templates:
        document["templates"] = [_template(t) for t in config.templates]
    body = yaml.dump(
        document, Dumper=_ConfigDumper, sort_keys=False, default_flow_style=False, width=100
    )
    return "\n".join(_header(config, exported, stamp)) + "\n" + body


def _header(config: Config, exported: Collection[str], stamp: str) -> list[str]:
    origin = (
        f"account {next(iter(exported))}" if len(exported) == 1 else f"{len(exported)} accounts"
    )
    header = [
        f"# Exported by ecrrepl {__version__} from {origin} at {stamp}.",
        "# `ecrrepl diff` of this file shows no changes; edit it, then diff and apply.",
    ]
    unmanaged = {a for a, access in config.accounts.items() if not access.manage_registry_policy}
    if unmanaged - set(exported):
        header += [
            "# Accounts replicated into but not exported are listed with manage_registry_policy:",
            "# false, as ecrrepl was not asked to reach them; give them a role_arn or profile and",
            "# drop that line to let ecrrepl manage their registry policies.",
        ]
    if unmanaged & set(exported):
        header += [
            "# Exported accounts whose registry policies do not hold exactly ecrrepl's statements",
            "# are listed with manage_registry_policy: false, so that the file changes no policy;",
            "# drop that line to let ecrrepl manage them (diff then shows what it would write).",
        ]
    return header


def _access(access: AccountAccess) -> dict[str, Any]:
    entry: dict[str, Any] = {
        key: value
        for key, value in (
            ("role_arn", access.role_arn),
            ("external_id", access.external_id),
            ("profile", access.profile),
        )
        if value is not None
    }
    if not access.manage_registry_policy:
        entry["manage_registry_policy"] = False
    if access.alias is not None:
        entry["alias"] = access.alias
    return entry


class _Flow(list[Any]):
    """A short list written on one line, as the hand-written examples do."""


class _FlowMapping(dict[str, Any]):
    """A short mapping on one line: `{account: "222222222222", region: eu-west-1}`."""


class _ConfigDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their key, like every example in configs/.
        super().increase_indent(flow, False)


_ConfigDumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, True)
)
_ConfigDumper.add_representer(
    _FlowMapping,
    lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, True),
)


def _rule(rule: ReplicationRule, source_account: str) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for field in RULE_FIELDS:
        value = _rule_field(field.kind, getattr(rule, field.name), source_account)
        if value is not None:
            entry[field.name] = value
    return entry


def _rule_field(kind: RuleKind, value: Any, source_account: str) -> Any:
    """A rule field as the file writes it; None: the key is left out."""
    if kind is RuleKind.LABEL:
        return None  # exported rules are live rules, which have no name
    if kind is RuleKind.PREFIX_FILTERS:
        return None if value is None else _Flow(f.prefix for f in value)
    if kind is RuleKind.DESTINATIONS:
        return [
            _FlowMapping(region=d.region)
            if d.account == source_account
            else _FlowMapping(account=d.account, region=d.region)
            for d in value
        ]
    return True if value else None


def _template(template: CreationTemplate) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "account": template.account,
        "region": template.region,
        "prefix": template.prefix,
    }
    for field in TEMPLATE_FIELDS:
        value = _setting(field.kind, getattr(template, field.name))
        if value is not None:
            entry[field.name] = value
    return entry


def _setting(kind: Kind, value: Any) -> Any:
    """A setting as the file writes it; None: the key is left out."""
    if kind is Kind.CHOICES:  # always written (appliedFor is required)
        return _Flow(value)
    if kind is Kind.TAG_FILTERS:
        return _Flow(value) or None
    if kind is Kind.ENCRYPTION:
        if value is None:
            return None
        parts = (("type", value.type), ("kms_key", value.kms_key))
        return {key: part for key, part in parts if part}
    if kind is Kind.TAGS:
        return dict(value) or None
    return value
