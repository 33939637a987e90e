"""The settings of a repository creation template: one row per field, the one statement
of its YAML key, model attribute, API member, kind, JSON Schema entry and AWS default.

Every place that spells a template's settings walks this table: the JSON Schema
(config/schema.py), the builder (config/build.py), the API both ways (aws/convert.py),
plan files both ways (plan/files.py, plan/file_reader.py), backups (backup.py, which
hold the API's shapes), the live state's JSON (state.py), `export`
(render/config_yaml.py) and the plan's comparison (plan/templates.py). Each of them
handles each `Kind` once, so a new field of a known kind is one row here (and its
attribute on config.model.CreationTemplate); a new kind is one branch in each of them.
The template's identity (account, region, prefix) is not a setting and is not here.

On the validate path: plain data, no import beyond the limits table.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

from ecrrepl import limits

IMAGE_TAG_MUTABILITY = [
    "MUTABLE",
    "IMMUTABLE",
    "IMMUTABLE_WITH_EXCLUSION",
    "MUTABLE_WITH_EXCLUSION",
]
APPLIED_FOR = ["REPLICATION", "PULL_THROUGH_CACHE", "CREATE_ON_PUSH"]
ENCRYPTION_TYPES = ["AES256", "KMS", "KMS_DSSE"]

# What a template holds when it says nothing else: botocore ECR model,
# CreateRepositoryCreationTemplateRequest.imageTagMutability ("If this parameter is
# omitted, the default setting of MUTABLE will be used"); ECR user guide, repository
# creation templates ("These default settings include turning off tag immutability,
# using AES-256 encryption"). Checked 2026-12-02.
DEFAULT_TAG_MUTABILITY = "MUTABLE"
DEFAULT_ENCRYPTION = "AES256"
# appliedFor is required by CreateRepositoryCreationTemplateRequest (botocore ECR model,
# checked 2026-12-02): AWS has no default. This one is ecrrepl's, the format's (README).
DEFAULT_APPLIED_FOR = ("REPLICATION",)


class Kind(Enum):
    """How a field's value is written, sent, read back and compared."""

    # A string, or nothing. Compared as "" == nothing; an update clears it with "".
    TEXT = "text"
    # One of the field's `choices`, or nothing (then AWS's `default`).
    CHOICE = "choice"
    # A list of the field's `choices`, compared as a set; always sent.
    CHOICES = "choices"
    # Image tag wildcard filters: a list of strings, sent as {filterType: WILDCARD,
    # filter} objects, compared as a set.
    TAG_FILTERS = "tag filters"
    # config.model.Encryption (type and KMS key), or nothing (then AWS's `default`).
    ENCRYPTION = "encryption"
    # A mapping of tag names to values, sent as [{Key, Value}].
    TAGS = "tags"
    # A JSON object (a policy), sent as its text; an update clears it with "".
    JSON_DOCUMENT = "json document"


class _NotSent:
    def __repr__(self) -> str:
        return "NOT_SENT"


# An update leaves the member out when the template does (TemplateField.cleared).
NOT_SENT: Any = _NotSent()


class TemplateField(NamedTuple):
    # The YAML key, the CreationTemplate attribute, the key in plan files and live state.
    name: str
    # The member of Create/UpdateRepositoryCreationTemplateRequest and of
    # RepositoryCreationTemplate (DescribeRepositoryCreationTemplates) that holds it.
    api_key: str
    kind: Kind
    # Its entry under the JSON Schema's `template` properties.
    schema: dict[str, Any]
    # What AWS applies when the template leaves it out (None: nothing): the plan compares
    # a live template with a declared one as AWS applies them.
    default: Any = None
    # What an update sends when the template leaves it out, to clear what an earlier
    # write left there (aws.convert.template_update_to_api says why each is so).
    cleared: Any = NOT_SENT
    choices: tuple[str, ...] = ()
    # A longest value the builder reports itself (E004), when no lint rule does.
    max_chars: int | None = None

    @property
    def words(self) -> str:
        """How messages name it: `lifecycle policy`."""
        return self.name.replace("_", " ")


_JSON_DOCUMENT_SCHEMA = {
    "description": "A JSON document as a mapping, or 'file:relative/path.json'.",
    "oneOf": [{"type": "object"}, {"type": "string", "pattern": "^file:.+"}],
}

# In the order the format's examples, plan files and `diff` show them.
TEMPLATE_FIELDS: tuple[TemplateField, ...] = (
    TemplateField(
        "applied_for",
        "appliedFor",
        Kind.CHOICES,
        {
            "type": "array",
            "minItems": 1,
            "default": list(DEFAULT_APPLIED_FOR),
            "items": {"enum": APPLIED_FOR},
        },
        choices=tuple(APPLIED_FOR),
    ),
    TemplateField(
        "description",
        "description",
        Kind.TEXT,
        {"type": "string", "maxLength": limits.MAX_TEMPLATE_DESCRIPTION_CHARS},
        cleared="",
        max_chars=limits.MAX_TEMPLATE_DESCRIPTION_CHARS,
    ),
    TemplateField(
        "image_tag_mutability",
        "imageTagMutability",
        Kind.CHOICE,
        {"enum": IMAGE_TAG_MUTABILITY},
        default=DEFAULT_TAG_MUTABILITY,
        cleared=DEFAULT_TAG_MUTABILITY,
        choices=tuple(IMAGE_TAG_MUTABILITY),
    ),
    TemplateField(
        "image_tag_mutability_exclusion_filters",
        "imageTagMutabilityExclusionFilters",
        Kind.TAG_FILTERS,
        {
            "type": "array",
            "minItems": 1,
            "maxItems": limits.MAX_EXCLUSION_FILTERS,
            "items": {"type": "string", "pattern": limits.EXCLUSION_FILTER_PATTERN},
        },
    ),
    TemplateField(
        "encryption",
        "encryptionConfiguration",
        Kind.ENCRYPTION,
        {
            "type": "object",
            "required": ["type"],
            "additionalProperties": False,
            "properties": {
                "type": {"enum": ENCRYPTION_TYPES},
                "kms_key": {"type": "string", "maxLength": limits.MAX_KMS_KEY_LENGTH},
            },
        },
        default=DEFAULT_ENCRYPTION,
        cleared={"encryptionType": DEFAULT_ENCRYPTION},
        choices=tuple(ENCRYPTION_TYPES),
    ),
    TemplateField(
        "resource_tags",
        "resourceTags",
        Kind.TAGS,
        {
            "type": "object",
            "maxProperties": limits.MAX_TAGS_PER_RESOURCE,
            "propertyNames": {"minLength": 1, "maxLength": limits.MAX_TAG_KEY_LENGTH},
            "additionalProperties": {
                "type": "string",
                "maxLength": limits.MAX_TAG_VALUE_LENGTH,
            },
        },
        cleared=[],
    ),
    TemplateField(
        "lifecycle_policy", "lifecyclePolicy", Kind.JSON_DOCUMENT, _JSON_DOCUMENT_SCHEMA, cleared=""
    ),
    TemplateField(
        "repository_policy",
        "repositoryPolicy",
        Kind.JSON_DOCUMENT,
        _JSON_DOCUMENT_SCHEMA,
        cleared="",
    ),
    TemplateField(
        "custom_role_arn",
        "customRoleArn",
        Kind.TEXT,
        {"type": "string", "maxLength": limits.MAX_CUSTOM_ROLE_ARN_LENGTH},
        cleared="",
    ),
)

TEMPLATE_FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in TEMPLATE_FIELDS)

# The order of the members in what ecrrepl sends (plan documents, backups and requests
# are written in it, byte for byte as before this table): the members of
# CreateRepositoryCreationTemplateRequest as botocore's ECR model lists them, the
# required appliedFor first (checked 2026-12-02; tests/aws/test_template_fields.py).
API_ORDER: tuple[str, ...] = (
    "appliedFor",
    "description",
    "encryptionConfiguration",
    "resourceTags",
    "imageTagMutability",
    "imageTagMutabilityExclusionFilters",
    "repositoryPolicy",
    "lifecyclePolicy",
    "customRoleArn",
)
