"""The model's types to and from the shapes of the ECR API, and nothing else.

Pure functions: no client, no call. Reading and writing both go through here, so a
configuration that was put and read back compares equal to what was declared. Rule
names never travel to AWS; live rules come back without one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ecrrepl.config.model import (
    CreationTemplate,
    Destination,
    Encryption,
    JsonObject,
    ReplicationRule,
    RepositoryFilter,
)
from ecrrepl.policy import parse_policy_text

PREFIX_MATCH = "PREFIX_MATCH"
WILDCARD = "WILDCARD"
# What a template holds when it says nothing else: botocore ECR model,
# CreateRepositoryCreationTemplateRequest.imageTagMutability ("If this parameter is
# omitted, the default setting of MUTABLE will be used"); ECR user guide, repository
# creation templates ("These default settings include turning off tag immutability,
# using AES-256 encryption"). Checked 2026-12-02.
DEFAULT_TAG_MUTABILITY = "MUTABLE"
DEFAULT_ENCRYPTION = "AES256"


# --- replication configuration -------------------------------------------------------


def rule_to_api(rule: ReplicationRule) -> dict[str, Any]:
    api_rule: dict[str, Any] = {
        "destinations": [{"region": d.region, "registryId": d.account} for d in rule.destinations]
    }
    if rule.filters is not None:
        api_rule["repositoryFilters"] = [
            {"filter": f.prefix, "filterType": PREFIX_MATCH} for f in rule.filters
        ]
    # Sent only when enabled: absent means disabled, and registries (or emulators) that
    # predate the setting keep accepting the request.
    if rule.delete_replication:
        api_rule["deleteReplication"] = {"enabled": True}
    return api_rule


def rules_to_api(rules: tuple[ReplicationRule, ...] | list[ReplicationRule]) -> dict[str, Any]:
    """The `replicationConfiguration` argument of PutReplicationConfiguration."""
    return {"rules": [rule_to_api(rule) for rule in rules]}


def rule_from_api(api_rule: Mapping[str, Any]) -> ReplicationRule:
    api_filters = api_rule.get("repositoryFilters")
    filters = (
        None
        if api_filters is None
        else tuple(RepositoryFilter(prefix=f["filter"]) for f in api_filters)
    )
    return ReplicationRule(
        filters=filters,
        destinations=tuple(
            Destination(account=d["registryId"], region=d["region"])
            for d in api_rule.get("destinations", [])
        ),
        delete_replication=bool(api_rule.get("deleteReplication", {}).get("enabled", False)),
    )


def rules_from_api(
    replication_configuration: Mapping[str, Any] | None,
) -> tuple[ReplicationRule, ...]:
    """Rules from DescribeRegistry's `replicationConfiguration`; absent means no rules."""
    if not replication_configuration:
        return ()
    return tuple(rule_from_api(rule) for rule in replication_configuration.get("rules", []))


# --- repository creation templates ---------------------------------------------------


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
    kwargs: dict[str, Any] = {"prefix": template.prefix, "appliedFor": list(template.applied_for)}
    if template.description is not None:
        kwargs["description"] = template.description
    if template.encryption is not None:
        kwargs["encryptionConfiguration"] = _encryption_to_api(template.encryption)
    if template.resource_tags:
        kwargs["resourceTags"] = _tags_to_api(template.resource_tags)
    if template.image_tag_mutability is not None:
        kwargs["imageTagMutability"] = template.image_tag_mutability
    if template.image_tag_mutability_exclusion_filters:
        kwargs["imageTagMutabilityExclusionFilters"] = _exclusion_filters_to_api(template)
    if template.repository_policy is not None:
        kwargs["repositoryPolicy"] = _policy_text(template.repository_policy)
    if template.lifecycle_policy is not None:
        kwargs["lifecyclePolicy"] = _policy_text(template.lifecycle_policy)
    if template.custom_role_arn is not None:
        kwargs["customRoleArn"] = template.custom_role_arn
    return kwargs


def template_update_to_api(template: CreationTemplate) -> dict[str, Any]:
    """Keyword arguments of UpdateRepositoryCreationTemplate: the whole template, with
    AWS's defaults written out for what it leaves out.

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
    kwargs = template_to_api(template)
    encryption = template.encryption or Encryption(type=DEFAULT_ENCRYPTION)
    kwargs["encryptionConfiguration"] = _encryption_to_api(encryption)
    if encryption.type != DEFAULT_ENCRYPTION:
        kwargs["encryptionConfiguration"].setdefault("kmsKey", "")
    kwargs.setdefault("imageTagMutability", DEFAULT_TAG_MUTABILITY)
    return {
        "description": "",
        "resourceTags": [],
        "repositoryPolicy": "",
        "lifecyclePolicy": "",
        "customRoleArn": "",
    } | kwargs


def _encryption_to_api(encryption: Encryption) -> dict[str, str]:
    api: dict[str, str] = {"encryptionType": encryption.type}
    if encryption.kms_key:
        api["kmsKey"] = encryption.kms_key
    return api


def _tags_to_api(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def _exclusion_filters_to_api(template: CreationTemplate) -> list[dict[str, str]]:
    return [
        {"filterType": WILDCARD, "filter": f}
        for f in template.image_tag_mutability_exclusion_filters
    ]


def _text_or_none(value: Any) -> str | None:
    # An update that cleared a setting may leave it as an empty string.
    return value if isinstance(value, str) and value else None


def _policy_or_none(text: Any, where: str) -> JsonObject | None:
    return parse_policy_text(text, where) if isinstance(text, str) and text.strip() else None


def template_from_api(
    api_template: Mapping[str, Any], account: str, region: str
) -> CreationTemplate:
    """A template as DescribeRepositoryCreationTemplates returns it, in the model's types."""
    prefix = api_template["prefix"]
    where = f"template '{prefix}' in account {account} region {region}"
    api_encryption = api_template.get("encryptionConfiguration")
    encryption = (
        None
        if not api_encryption
        else Encryption(
            type=api_encryption["encryptionType"],
            kms_key=_text_or_none(api_encryption.get("kmsKey")),
        )
    )
    return CreationTemplate(
        account=account,
        region=region,
        prefix=prefix,
        applied_for=tuple(sorted(api_template.get("appliedFor", []))),
        description=_text_or_none(api_template.get("description")),
        image_tag_mutability=api_template.get("imageTagMutability"),
        image_tag_mutability_exclusion_filters=tuple(
            f["filter"] for f in api_template.get("imageTagMutabilityExclusionFilters", [])
        ),
        encryption=encryption,
        resource_tags={t["Key"]: t["Value"] for t in api_template.get("resourceTags", [])},
        lifecycle_policy=_policy_or_none(
            api_template.get("lifecyclePolicy"), f"lifecycle policy of {where}"
        ),
        repository_policy=_policy_or_none(
            api_template.get("repositoryPolicy"), f"repository policy of {where}"
        ),
        custom_role_arn=_text_or_none(api_template.get("customRoleArn")),
    )
