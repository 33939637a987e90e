"""The JSON Schema (draft 2020-12) of the configuration format, version 1.

It is the single statement of which keys exist, which are required and which values
an enum allows: `ecrrepl schema` prints it for editors, and the model builder reads
its `properties` and `required` to report unknown (E003) and missing (E004) keys.
Limits and patterns with a rule of their own (E007, E101.., E104, ...) are in the
schema too, so that editors flag them early, but the linter reports them with their
own rule IDs. Every AWS number and pattern comes from the one table, ecrrepl.limits.
"""

from __future__ import annotations

from typing import Any

from ecrrepl import limits
from ecrrepl.config.rule_fields import RULE_FIELDS
from ecrrepl.config.template_fields import APPLIED_FOR as APPLIED_FOR
from ecrrepl.config.template_fields import ENCRYPTION_TYPES as ENCRYPTION_TYPES
from ecrrepl.config.template_fields import IMAGE_TAG_MUTABILITY as IMAGE_TAG_MUTABILITY
from ecrrepl.config.template_fields import TEMPLATE_FIELDS

ACCOUNT_ID_PATTERN = r"^[0-9]{12}$"
# botocore ECR model (1.44.8), shape Region: pattern [0-9a-z-]{2,25}, the names AWS takes
# (checked 2026-12-02). Not a narrower guess at the names' form: botocore already lists
# regions such as eusc-de-east-1, and validate (E101) accepts every region botocore knows.
REGION_PATTERN = r"^[0-9a-z-]{2,25}$"
FILTER_PATTERN = limits.FILTER_PATTERN
TEMPLATE_PREFIX_PATTERN = limits.TEMPLATE_PREFIX_PATTERN
# A Sid allows only ASCII letters and digits (IAM JSON policy elements: Sid,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html,
# checked 2026-12-02); the owner is written into Sids with its first letter capitalised
# and ends at the next capital, so it is lowercase (policy.owner_sid_prefix).
OWNER_PATTERN = r"^[a-z][a-z0-9]{0,31}$"

_account = {
    "type": "string",
    "pattern": ACCOUNT_ID_PATTERN,
    "description": "A 12-digit AWS account ID, quoted.",
}
_region = {
    "type": "string",
    "pattern": REGION_PATTERN,
    "description": "An AWS region known to botocore, e.g. us-east-1.",
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/ecrrepl/ecrrepl/schema/v1.json",
    "title": "ecrrepl configuration",
    "description": "Amazon ECR registry replication as code (version 1).",
    "type": "object",
    # One file of a configuration: any file may hold any section (the configuration as
    # a whole needs `registries` or `templates`, which `validate` checks across files).
    "required": ["version"],
    "additionalProperties": False,
    "patternProperties": {
        "^x-": {"description": "Ignored: a place for YAML anchors that entries merge."}
    },
    "properties": {
        "version": {"const": 1, "description": "The format version; 1 is the only one."},
        "owner": {
            "type": "string",
            "pattern": OWNER_PATTERN,
            "description": (
                "Names this configuration in the registry policy statements it writes "
                "(Sid Ecrrepl<Owner>G...), which then merge across source registries; "
                "unique per destination registry."
            ),
        },
        "accounts": {
            "type": "object",
            "description": "How to reach each account; keys are quoted 12-digit IDs.",
            "propertyNames": {"pattern": ACCOUNT_ID_PATTERN},
            "additionalProperties": {"$ref": "#/$defs/account"},
        },
        "registries": {
            "type": "array",
            "description": "Each entry owns one source registry's replication configuration.",
            "items": {"$ref": "#/$defs/registry"},
        },
        "templates": {
            "type": "array",
            "description": "Repository creation templates in destination registries.",
            "items": {"$ref": "#/$defs/template"},
        },
    },
    "$defs": {
        "account": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "role_arn": {
                    "type": "string",
                    "description": "IAM role assumed from the base credentials.",
                },
                "external_id": {"type": "string", "description": "Only with role_arn."},
                "profile": {
                    "type": "string",
                    "description": "A named profile; never together with role_arn.",
                },
                "manage_registry_policy": {
                    "type": "boolean",
                    "default": True,
                    "description": "false: only read and check the registry policy.",
                },
                "alias": {
                    "type": "string",
                    "description": "A name for people, shown in `ecrrepl graph`; not sent to AWS.",
                },
            },
        },
        "registry": {
            "type": "object",
            "required": ["account", "region", "rules"],
            "additionalProperties": False,
            "properties": {
                "account": _account,
                "region": _region,
                "rules": {
                    "type": "array",
                    "maxItems": limits.MAX_RULES_PER_REGISTRY,
                    "description": (
                        f"0..{limits.MAX_RULES_PER_REGISTRY} rules; [] clears the live "
                        "configuration."
                    ),
                    "items": {"$ref": "#/$defs/rule"},
                },
            },
        },
        "rule": {
            "type": "object",
            "required": ["destinations"],
            "additionalProperties": False,
            "properties": {
                # Every field, from the one table of rule fields.
                **{field.name: field.schema for field in RULE_FIELDS},
            },
        },
        "destination": {
            "type": "object",
            "required": ["region"],
            "additionalProperties": False,
            "properties": {
                "account": {**_account, "description": "Defaults to the registry's account."},
                "region": _region,
            },
        },
        "template": {
            "type": "object",
            "required": ["account", "region", "prefix"],
            "additionalProperties": False,
            "properties": {
                "account": _account,
                "region": _region,
                "prefix": {
                    "type": "string",
                    "maxLength": limits.MAX_TEMPLATE_PREFIX_LENGTH,
                    "pattern": TEMPLATE_PREFIX_PATTERN,
                    "description": "A repository-name prefix, or ROOT (every repository).",
                },
                # Every setting, from the one table of template fields.
                **{field.name: field.schema for field in TEMPLATE_FIELDS},
            },
        },
    },
}


_KEYS_OF: dict[str, tuple[frozenset[str], frozenset[str]]] = {}


def keys_of(definition: str) -> tuple[frozenset[str], frozenset[str]]:
    """The known and the required keys of a `$defs` entry ("" for the top level); made
    once per entry, since the builder asks for each rule and destination of a file."""
    found = _KEYS_OF.get(definition)
    if found is None:
        shape = SCHEMA if not definition else SCHEMA["$defs"][definition]
        found = frozenset(shape["properties"]), frozenset(shape.get("required", ()))
        _KEYS_OF[definition] = found
    return found
