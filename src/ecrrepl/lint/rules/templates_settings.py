"""Repository creation templates: the settings replicated repositories get
(E303, E304, E308, E309)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from ecrrepl import limits, regions
from ecrrepl.config.model import Config
from ecrrepl.lint.registry import Report, rule
from ecrrepl.lint.rules.templates_placement import (
    API_REFERENCE,
    CREATE_TEMPLATE_SOURCE,
)

MAX_REPOSITORY_POLICY_CHARS = limits.MAX_REPOSITORY_POLICY_CHARS
MAX_LIFECYCLE_POLICY_CHARS = limits.MAX_LIFECYCLE_POLICY_CHARS
MAX_EXCLUSION_FILTERS = limits.MAX_EXCLUSION_FILTERS
KMS_KEY_ARN = re.compile(limits.KMS_KEY_PATTERN)
EXCLUSION_FILTER = re.compile(limits.EXCLUSION_FILTER_PATTERN)
WITH_EXCLUSION = frozenset({"IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"})
KMS_TYPES = frozenset({"KMS", "KMS_DSSE"})


@rule(
    "E303",
    "template policy that is not a JSON object, or over its size limit "
    f"(repository {MAX_REPOSITORY_POLICY_CHARS}, lifecycle {MAX_LIFECYCLE_POLICY_CHARS} chars)",
    source=CREATE_TEMPLATE_SOURCE + " (botocore ECR model, RepositoryPolicyText and "
    "LifecyclePolicyTextForRepositoryCreationTemplate)",
)
def invalid_template_policy(config: Config) -> Iterator[Report]:
    """A template's repository and lifecycle policies are JSON objects of limited size.

    Give each inline as a mapping or as `file:relative/path.json`. ecrrepl sends them as
    compact JSON text; a repository policy may hold {limits.MAX_REPOSITORY_POLICY_CHARS}
    characters, a lifecycle policy {limits.MAX_LIFECYCLE_POLICY_CHARS}, and
    CreateRepositoryCreationTemplate refuses longer text. A file that is missing or holds
    no JSON object is reported under this ID when it is read, and so is a reference that
    leaves the configuration's folder (an absolute path, `..`, a symlink elsewhere), a
    file that is not a regular file (a device, a FIFO), a file over 1 MiB and JSON nested
    more than 100 deep.
    """
    limits = (
        ("repository_policy", MAX_REPOSITORY_POLICY_CHARS),
        ("lifecycle_policy", MAX_LIFECYCLE_POLICY_CHARS),
    )
    for template in config.templates:
        for key, limit in limits:
            document: object = getattr(template, key)
            if document is None:
                continue
            if not isinstance(document, Mapping):
                yield Report(
                    f"`{key}` of template '{template.prefix}' is not a JSON object",
                    template.at(key),
                )
                continue
            size = len(json.dumps(document, separators=(",", ":")))
            if size > limit:
                yield Report(
                    f"`{key}` of template '{template.prefix}' is {size} characters of "
                    f"compact JSON, over the limit of {limit}",
                    template.at(key),
                )


@rule(
    "E304",
    "KMS key that is not a KMS key ARN in the template's region and partition",
    source=f"ECR API reference, EncryptionConfigurationForRepositoryCreationTemplate: "
    f"{API_REFERENCE}API_EncryptionConfigurationForRepositoryCreationTemplate.html",
)
def invalid_kms_key(config: Config) -> Iterator[Report]:
    """`encryption.kms_key` is the full ARN of a KMS key in the template's region.

    Repositories are encrypted with a key in their own region; a key ID, an alias or a
    key from another region or partition cannot be used. Without `kms_key`, a KMS type
    uses the AWS managed key for ECR. `kms_key` with type AES256 has no meaning (AES256
    uses no KMS key) and AWS refuses it.
    """
    for template in config.templates:
        encryption = template.encryption
        if encryption is None or encryption.kms_key is None:
            continue
        key, where = encryption.kms_key, encryption.at("kms_key")
        if encryption.type not in KMS_TYPES:
            yield Report(
                f"kms_key is given with encryption type {encryption.type}, which uses no KMS "
                "key; use type KMS or KMS_DSSE, or remove kms_key",
                where,
            )
            continue
        match = KMS_KEY_ARN.fullmatch(key)
        partition = regions.partition_of(template.region)
        if match is None:
            yield Report(
                f"kms_key '{key}' is not a KMS key ARN; expected arn:{partition or 'aws'}:kms:"
                f"{template.region}:ACCOUNT:key/KEY-ID",
                where,
            )
        elif match["region"] != template.region or (
            partition is not None and match["partition"] != partition
        ):
            yield Report(
                f"kms_key '{key}' is a key in {match['region']} ({match['partition']}), but "
                f"the template is in {template.region} ({partition}); repositories can only "
                "use a key in their own region",
                where,
            )


@rule(
    "E308",
    "KMS encryption or resource tags without `custom_role_arn`",
    source='ECR user guide, "Creating a repository creation template": '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create.html",
)
def missing_custom_role(config: Config) -> Iterator[Report]:
    """A template that encrypts with KMS or tags repositories needs `custom_role_arn`.

    ECR creates the repository with the template's role; the service-linked role it
    uses by default may not tag resources or create KMS grants, so AWS requires a
    custom role (in the registry's account, trusted by ecr.amazonaws.com) for
    templates with KMS keys or resource tags.
    """
    for template in config.templates:
        if template.custom_role_arn is not None or template.unreadable(
            "custom_role_arn", template.custom_role_arn
        ):
            continue
        encryption = template.encryption
        if encryption is not None and encryption.type in KMS_TYPES:
            yield Report(
                f"template '{template.prefix}' encrypts with {encryption.type}, which needs "
                "custom_role_arn: a role ECR assumes to create the KMS grants",
                encryption.at("type"),
            )
        if template.resource_tags:
            yield Report(
                f"template '{template.prefix}' sets resource_tags, which needs "
                "custom_role_arn: a role ECR assumes to tag the repositories",
                template.at("resource_tags"),
            )


@rule(
    "E309",
    "exclusion filters without a `*_WITH_EXCLUSION` mutability, more than "
    f"{MAX_EXCLUSION_FILTERS}, or an invalid pattern",
    source=f"ECR API reference, ImageTagMutabilityExclusionFilter: "
    f"{API_REFERENCE}API_ImageTagMutabilityExclusionFilter.html",
)
def invalid_exclusion_filters(config: Config) -> Iterator[Report]:
    """Tag exclusion filters go with a `*_WITH_EXCLUSION` mutability, and only with it.

    `IMMUTABLE_WITH_EXCLUSION` makes tags immutable except those matching the filters
    (`MUTABLE_WITH_EXCLUSION` the reverse); such a mutability needs 1 to
    {limits.MAX_EXCLUSION_FILTERS} filters, and filters mean nothing with plain `IMMUTABLE`
    or `MUTABLE`. A filter is 1..{limits.MAX_EXCLUSION_FILTER_LENGTH} of letters, digits,
    `.`, `_`, `-` and the wildcard `*`.
    """
    for template in config.templates:
        filters = template.image_tag_mutability_exclusion_filters
        mutability = template.image_tag_mutability
        filters_at = template.at("image_tag_mutability_exclusion_filters")
        name = f"template '{template.prefix}'"
        misspelt = template.unreadable("image_tag_mutability", mutability)  # E004 said so
        if filters and mutability not in WITH_EXCLUSION and not misspelt:
            wanted = (
                f"{mutability}_WITH_EXCLUSION"
                if mutability
                else "IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"
            )
            yield Report(
                f"{name} has exclusion filters but image_tag_mutability "
                f"{mutability or 'MUTABLE (the default)'}, which ignores them; use {wanted}",
                filters_at,
            )
        if mutability in WITH_EXCLUSION and not filters:
            yield Report(
                f"{name} has image_tag_mutability {mutability} but no "
                f"image_tag_mutability_exclusion_filters (1 to {MAX_EXCLUSION_FILTERS} are needed)",
                template.at("image_tag_mutability"),
            )
        if len(filters) > MAX_EXCLUSION_FILTERS:
            yield Report(
                f"{name} has {len(filters)} exclusion filters; at most "
                f"{MAX_EXCLUSION_FILTERS} are allowed",
                filters_at,
            )
        for tag_filter in filters:
            if not EXCLUSION_FILTER.fullmatch(tag_filter):
                yield Report(
                    f"exclusion filter '{tag_filter}' of {name} must be 1 to "
                    f"{limits.MAX_EXCLUSION_FILTER_LENGTH} letters, "
                    "digits, '.', '_', '-' or '*'",
                    filters_at,
                )
