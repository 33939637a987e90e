"""The fields of a replication rule: one row per field, the one statement of its YAML
key, model attribute, API member, kind and JSON Schema entry.

Every place that spells a rule's fields walks this table: the JSON Schema
(config/schema.py), the API both ways (aws/convert.py, whose shapes backups hold),
plan files both ways (plan/files.py, plan/file_reader.py), the live state's JSON
(state.py) and `export` (render/config_yaml.py). Each handles each `RuleKind` once. The
builder (config/build.py) reads the four fields by hand: each has checks of its own
(an empty `filters`, a destination's account defaulting to the registry's). As
config/template_fields.py, plain data on the validate path.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

from ecrrepl import limits

PREFIX_MATCH = "PREFIX_MATCH"


class RuleKind(Enum):
    """How a rule field's value is written, sent and read back."""

    # A string for people (messages, plan files); never sent to AWS, so live rules and
    # the live state have none.
    LABEL = "label"
    # None (every repository) or repository-name prefixes, sent as
    # {filter, filterType: PREFIX_MATCH}, the only filter type (RepositoryFilter).
    PREFIX_FILTERS = "prefix filters"
    # Registries (account, region), sent as {region, registryId}.
    DESTINATIONS = "destinations"
    # A boolean, sent as {enabled: true} only when true: absent means disabled, and
    # registries (or emulators) that predate the setting keep accepting the request.
    FLAG = "flag"


class RuleField(NamedTuple):
    # The YAML key, the ReplicationRule attribute, the key in plan files and live state.
    name: str
    # The member of the API's ReplicationRule that holds it; None: never sent.
    api_key: str | None
    kind: RuleKind
    # Its entry under the JSON Schema's `rule` properties.
    schema: dict[str, Any]


# In the order the format's examples and plan files show them.
RULE_FIELDS: tuple[RuleField, ...] = (
    RuleField(
        "name",
        None,
        RuleKind.LABEL,
        {
            "type": "string",
            "description": "Unique in the registry; shown in messages, not sent to AWS.",
        },
    ),
    RuleField(
        "filters",
        "repositoryFilters",
        RuleKind.PREFIX_FILTERS,
        {
            "type": "array",
            "minItems": 1,
            "maxItems": limits.MAX_FILTERS_PER_RULE,
            "description": "Repository-name prefixes; omit to replicate every repository.",
            "items": {
                "type": "string",
                "minLength": limits.MIN_FILTER_LENGTH,
                "maxLength": limits.MAX_FILTER_LENGTH,
                "pattern": limits.FILTER_PATTERN,
            },
        },
    ),
    RuleField(
        "destinations",
        "destinations",
        RuleKind.DESTINATIONS,
        {
            "type": "array",
            "minItems": 1,
            "maxItems": limits.MAX_DESTINATIONS_PER_RULE,
            "items": {"$ref": "#/$defs/destination"},
        },
    ),
    RuleField(
        "delete_replication",
        "deleteReplication",
        RuleKind.FLAG,
        {
            "type": "boolean",
            "default": False,
            "description": "Also replicate deletes (deleteReplication).",
        },
    ),
)

RULE_FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in RULE_FIELDS)

# The order of the members of what ecrrepl sends (plan documents and backups are written
# in it): the members of ReplicationRule as botocore's ECR model lists them (checked
# 2026-12-02; tests/aws/test_rule_fields.py).
RULE_API_ORDER: tuple[str, ...] = ("destinations", "repositoryFilters", "deleteReplication")
