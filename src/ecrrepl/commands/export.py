"""`ecrrepl export`: the live registries of the base account as a configuration file.

The file is written so that `ecrrepl diff` of it shows no changes: every registry
asked for is listed (one without replication as `rules: []`), its creation templates
are declared, and each other account it replicates into is listed with
`manage_registry_policy: false`, because the base credentials cannot reach it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TextIO

import yaml

from ecrrepl import __version__, regions
from ecrrepl.backup import now_stamp
from ecrrepl.config.model import CreationTemplate, RegistryAddress, ReplicationRule
from ecrrepl.errors import EXIT_OK, UsageError


def export(
    region_names: Sequence[str], *, profile: str | None = None, out: TextIO | None = None
) -> int:
    from ecrrepl.aws import reader
    from ecrrepl.aws.session import Sessions

    wanted = list(dict.fromkeys(region_names))
    if not wanted:
        raise UsageError("name at least one region: `ecrrepl export --region us-east-1`")
    for region in wanted:
        if not regions.is_known_region(region):
            hint = regions.closest_region(region)
            raise UsageError(
                f"unknown region {region!r}" + (f"; did you mean {hint!r}?" if hint else "")
            )
    sessions = Sessions(profile=profile)
    account = sessions.base_account(wanted[0])
    addresses = [RegistryAddress(account, region) for region in wanted]
    with ThreadPoolExecutor(max_workers=8) as pool:
        rules = dict(
            zip(
                addresses,
                pool.map(lambda a: reader.read_replication(sessions, a), addresses),
                strict=True,
            )
        )
        templated = [a for a in addresses if regions.offers_templates(a.region)]
        templates = dict(
            zip(
                templated,
                pool.map(lambda a: reader.read_templates(sessions, a), templated),
                strict=True,
            )
        )
    stream = sys.stdout if out is None else out
    stream.write(render_export(account, rules, templates))
    return EXIT_OK


def render_export(
    account: str,
    rules: dict[RegistryAddress, tuple[ReplicationRule, ...]],
    templates: dict[RegistryAddress, tuple[CreationTemplate, ...]],
) -> str:
    others = sorted(
        {
            destination.account
            for registry_rules in rules.values()
            for rule in registry_rules
            for destination in rule.destinations
            if destination.account != account
        }
    )
    document: dict[str, Any] = {"version": 1}
    if others:
        document["accounts"] = {other: {"manage_registry_policy": False} for other in others}
    document["registries"] = [
        {
            "account": address.account,
            "region": address.region,
            "rules": [_rule(r, address.account) for r in rr],
        }
        for address, rr in rules.items()
    ]
    declared = [_template(t) for address in rules for t in templates.get(address, ())]
    if declared:
        document["templates"] = declared
    header = [
        f"# Exported by ecrrepl {__version__} from account {account} at {now_stamp()}.",
        "# `ecrrepl diff` of this file shows no changes; edit it, then diff and apply.",
    ]
    if others:
        header += [
            "# Accounts replicated into are listed with manage_registry_policy: false, as the",
            "# base credentials do not reach them; give them a role_arn or profile and drop that",
            "# line to let ecrrepl manage their registry policies.",
        ]
    body = yaml.dump(
        document, Dumper=_ConfigDumper, sort_keys=False, default_flow_style=False, width=100
    )
    return "\n".join(header) + "\n" + body


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
    if rule.prefixes is not None:
        entry["filters"] = _Flow(rule.prefixes)
    entry["destinations"] = [
        _FlowMapping(region=d.region)
        if d.account == source_account
        else _FlowMapping(account=d.account, region=d.region)
        for d in rule.destinations
    ]
    if rule.delete_replication:
        entry["delete_replication"] = True
    return entry


def _template(template: CreationTemplate) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "account": template.account,
        "region": template.region,
        "prefix": template.prefix,
        "applied_for": _Flow(template.applied_for),
    }
    optional: dict[str, Any] = {
        "description": template.description,
        "image_tag_mutability": template.image_tag_mutability,
        "image_tag_mutability_exclusion_filters": _Flow(
            template.image_tag_mutability_exclusion_filters
        )
        or None,
        "encryption": None
        if template.encryption is None
        else {
            key: value
            for key, value in (
                ("type", template.encryption.type),
                ("kms_key", template.encryption.kms_key),
            )
            if value
        },
        "resource_tags": dict(template.resource_tags) or None,
        "lifecycle_policy": template.lifecycle_policy,
        "repository_policy": template.repository_policy,
        "custom_role_arn": template.custom_role_arn,
    }
    entry.update({key: value for key, value in optional.items() if value is not None})
    return entry
