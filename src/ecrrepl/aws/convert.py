"""The model's types to and from the shapes of the ECR API, and nothing else.

Pure functions: no client, no call. Reading and writing both go through here, so a
configuration that was put and read back compares equal to what was declared. Rule
names never travel to AWS; live rules come back without one. Answers are read through
answers.Node: a missing or mistyped field raises AnswerProblem, which the caller's
`aws_failures` block turns into one line naming the operation, account and region.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from ecrrepl.aws.answers import Node
from ecrrepl.config.model import (
    CreationTemplate,
    Destination,
    Encryption,
    JsonObject,
    ReplicationRule,
    RepositoryFilter,
)
from ecrrepl.config.rule_fields import PREFIX_MATCH as PREFIX_MATCH
from ecrrepl.config.rule_fields import RULE_API_ORDER, RULE_FIELDS, RuleKind
from ecrrepl.config.template_fields import (
    API_ORDER,
    NOT_SENT,
    TEMPLATE_FIELDS,
    Kind,
    TemplateField,
)
from ecrrepl.policy import parse_policy_text

WILDCARD = "WILDCARD"


# --- replication configuration -------------------------------------------------------

# The fields sent to AWS, by their API member, in botocore's order.
_RULE_FIELDS_IN_API_ORDER = sorted(
    [(field.api_key, field) for field in RULE_FIELDS if field.api_key is not None],
    key=lambda sent: RULE_API_ORDER.index(sent[0]),
)


def rule_to_api(rule: ReplicationRule) -> dict[str, Any]:
    api_rule: dict[str, Any] = {}
    for key, field in _RULE_FIELDS_IN_API_ORDER:
        value = getattr(rule, field.name)
        if field.kind is RuleKind.DESTINATIONS:
            api_rule[key] = [{"region": d.region, "registryId": d.account} for d in value]
        elif field.kind is RuleKind.PREFIX_FILTERS and value is not None:
            api_rule[key] = [{"filter": f.prefix, "filterType": PREFIX_MATCH} for f in value]
        elif field.kind is RuleKind.FLAG and value:  # sent only when enabled (RuleKind.FLAG)
            api_rule[key] = {"enabled": True}
    return api_rule


def rules_to_api(rules: tuple[ReplicationRule, ...] | list[ReplicationRule]) -> dict[str, Any]:
    """The `replicationConfiguration` argument of PutReplicationConfiguration."""
    return {"rules": [rule_to_api(rule) for rule in rules]}


def rule_from_api(api_rule: Mapping[str, Any] | Node) -> ReplicationRule:
    rule = api_rule if isinstance(api_rule, Node) else Node(api_rule, "rule")
    return ReplicationRule(
        **{
            field.name: _rule_value_from_api(rule, field.kind, field.api_key)
            for field in RULE_FIELDS
            if field.api_key is not None
        }
    )


def _rule_value_from_api(rule: Node, kind: RuleKind, key: str) -> Any:
    if kind is RuleKind.PREFIX_FILTERS:
        if rule.optional(key) is None:
            return None
        return tuple(RepositoryFilter(prefix=f.text("filter")) for f in rule.items(key))
    if kind is RuleKind.DESTINATIONS:
        return tuple(
            Destination(account=d.text("registryId"), region=d.text("region"))
            # botocore ECR model: ReplicationRule requires destinations,
            # ReplicationConfiguration requires rules (checked 2026-12-02).
            for d in rule.items(key, required=True)
        )
    found = rule.optional(key)
    return False if found is None else found.flag("enabled")


def rules_from_api(replication_configuration: Any) -> tuple[ReplicationRule, ...]:
    """Rules from DescribeRegistry's `replicationConfiguration`; absent means no rules."""
    if replication_configuration is None or replication_configuration == {}:
        return ()
    configuration = Node(replication_configuration, "replicationConfiguration")
    return tuple(rule_from_api(rule) for rule in configuration.items("rules", required=True))


# --- repository creation templates ---------------------------------------------------

_IN_API_ORDER = sorted(TEMPLATE_FIELDS, key=lambda field: API_ORDER.index(field.api_key))


def _policy_text(policy: JsonObject) -> str:
    return json.dumps(policy, separators=(",", ":"), sort_keys=True)


def template_to_api(template: CreationTemplate) -> dict[str, Any]:
    """Keyword arguments of CreateRepositoryCreationTemplate: what the template declares.

    A new template takes AWS's defaults for the rest (MUTABLE tags, AES256, no tags, no
    policies, the service-linked role); Terraform's acceptance test
    TestAccECRRepositoryCreationTemplate_basic reads AES256 back from a template created
    without encryption (hashicorp/terraform-provider-aws,
    internal/service/ecr/repository_creation_template_test.go; checked 2026-12-02).
    """
    kwargs: dict[str, Any] = {"prefix": template.prefix}
    for field in _IN_API_ORDER:
        value = getattr(template, field.name)
        # appliedFor is required (CreateRepositoryCreationTemplateRequest); lists and
        # tags are sent when not empty, the rest when declared.
        if field.kind is Kind.CHOICES or (
            value if field.kind in (Kind.TAG_FILTERS, Kind.TAGS) else value is not None
        ):
            kwargs[field.api_key] = _value_to_api(field.kind, value)
    return kwargs


def _value_to_api(kind: Kind, value: Any) -> Any:
    if kind is Kind.CHOICES:
        return list(value)
    if kind is Kind.TAG_FILTERS:
        return [{"filterType": WILDCARD, "filter": f} for f in value]
    if kind is Kind.ENCRYPTION:
        return _encryption_to_api(value)
    if kind is Kind.TAGS:
        return [{"Key": key, "Value": tag} for key, tag in sorted(value.items())]
    if kind is Kind.JSON_DOCUMENT:
        return _policy_text(value)
    return value


def template_update_to_api(template: CreationTemplate) -> dict[str, Any]:
    """Keyword arguments of UpdateRepositoryCreationTemplate: the whole template, with
    AWS's defaults written out for what it leaves out (template_fields: `cleared`).

    UpdateRepositoryCreationTemplateRequest documents no member as "cleared when
    omitted"; only imageTagMutability says an omitted value means MUTABLE (botocore ECR
    model, checked 2026-12-02). An update that sent only what the file declares would
    leave a setting the file dropped (KMS encryption, tags, a policy, the role) in
    place, and `diff` would never come clean. So every member is sent: AES256, MUTABLE,
    no tags and empty texts stand for "none". Empty texts are what Terraform sends to
    clear a description, role or policy (it sends `d.Get(...)`, "" once removed, in
    resourceRepositoryCreationTemplateUpdate). A KMS key left out is sent as "": the
    model's KmsKeyForRepositoryCreationTemplate pattern is `^$|arn:...`, so that an
    update can drop a key for the AWS managed one. Exclusion filters cannot be sent
    empty (ImageTagMutabilityExclusionFilters has min 1); the mutability sent without
    them ends them, which is also how Terraform drops them (its
    expandImageTagMutabilityExclusionFilters returns nil for an empty list).
    """
    declared = template_to_api(template)
    # Members in the order earlier versions wrote them (plan documents show them): what
    # AWS leaves empty when omitted first, what the template declares, then what AWS
    # gives a default (MUTABLE, AES256).
    kwargs = {
        field.api_key: copy.deepcopy(field.cleared)
        for field in _IN_API_ORDER
        if field.cleared is not NOT_SENT and field.default is None
    } | declared
    for field in _IN_API_ORDER:
        if field.cleared is not NOT_SENT:
            kwargs.setdefault(field.api_key, copy.deepcopy(field.cleared))
        encryption = kwargs[field.api_key] if field.kind is Kind.ENCRYPTION else None
        if encryption is not None and encryption["encryptionType"] != field.default:
            encryption.setdefault("kmsKey", "")
    return kwargs


def _encryption_to_api(encryption: Encryption) -> dict[str, str]:
    api: dict[str, str] = {"encryptionType": encryption.type}
    if encryption.kms_key:
        api["kmsKey"] = encryption.kms_key
    return api


def _policy_or_none(template: Node, key: str, where: str) -> JsonObject | None:
    # An update that cleared a policy may leave it as an empty string.
    text = template.optional_text(key)
    if text is None or not text.strip():
        return None
    return parse_policy_text(text, where)


def template_from_api(
    api_template: Mapping[str, Any] | Node, account: str, region: str
) -> CreationTemplate:
    """A template as DescribeRepositoryCreationTemplates returns it, in the model's types."""
    template = api_template if isinstance(api_template, Node) else Node(api_template, "template")
    prefix = template.text("prefix")
    where = (
        f"template '{prefix}' in account {account} region {region} "
        "(DescribeRepositoryCreationTemplates)"
    )
    return CreationTemplate(
        account=account,
        region=region,
        prefix=prefix,
        **{field.name: _value_from_api(template, field, where) for field in TEMPLATE_FIELDS},
    )


def _value_from_api(template: Node, field: TemplateField, where: str) -> Any:
    key = field.api_key
    if field.kind is Kind.CHOICES:
        return tuple(sorted(template.texts(key)))
    if field.kind is Kind.TAG_FILTERS:
        return tuple(f.text("filter") for f in template.items(key))
    if field.kind is Kind.ENCRYPTION:
        api_encryption = template.optional(key)
        if api_encryption is None or api_encryption.value == {}:
            return None
        return Encryption(
            type=api_encryption.text("encryptionType"),
            kms_key=api_encryption.optional_text("kmsKey"),
        )
    if field.kind is Kind.TAGS:
        return {t.text("Key"): t.optional_text("Value") or "" for t in template.items(key)}
    if field.kind is Kind.JSON_DOCUMENT:
        return _policy_or_none(template, key, f"{field.words} of {where}")
    return template.optional_text(key)
