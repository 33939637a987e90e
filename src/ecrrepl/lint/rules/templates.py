"""Repository creation templates: the settings replicated repositories are created with."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from ecrrepl import regions
from ecrrepl.config.model import Config, CreationTemplate, RegistryAddress, RepositoryFilter
from ecrrepl.config.schema import TEMPLATE_PREFIX_PATTERN
from ecrrepl.findings import Finding
from ecrrepl.lint.registry import get_rule, rule

MAX_PREFIX_LENGTH = 256
MAX_REPOSITORY_POLICY_CHARS = 10240
MAX_LIFECYCLE_POLICY_CHARS = 30720
MAX_EXCLUSION_FILTERS = 5
ROOT = "ROOT"

PREFIX = re.compile(TEMPLATE_PREFIX_PATTERN)
KMS_KEY_ARN = re.compile(
    r"^arn:(?P<partition>[a-z0-9-]+):kms:(?P<region>[a-z0-9-]+):\d{12}:key/[A-Za-z0-9-]+$"
)
EXCLUSION_FILTER = re.compile(r"^[0-9a-zA-Z._*-]{1,128}$")
WITH_EXCLUSION = frozenset({"IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"})
KMS_TYPES = frozenset({"KMS", "KMS_DSSE"})

_API = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"
_CREATE_TEMPLATE = (
    f"ECR API reference, CreateRepositoryCreationTemplate: "
    f"{_API}API_CreateRepositoryCreationTemplate.html"
)
_TEMPLATES_GUIDE = (
    'ECR user guide, "Templates to control repositories created during a pull through '
    'cache, create on push, or replication action": '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html"
)


def _namespace(prefix: str) -> str:
    """What a template prefix matches: AWS always assumes a `/` after it."""
    return prefix.rstrip("/") + "/"


@rule(
    "E301",
    "template prefix not a valid repository prefix or `ROOT`",
    source=_CREATE_TEMPLATE + " (botocore ECR model, Prefix)",
)
def invalid_template_prefix(config: Config) -> Iterator[Finding]:
    """A template prefix is a repository namespace (`prod`, `prod/team`) or `ROOT`.

    Prefixes follow repository names: lowercase letters and digits, separated by `.`,
    `_`, `__` or dashes, segments joined by `/`, at most 256 characters. `ROOT` (in
    capitals) is the template for every repository no other template matches.
    CreateRepositoryCreationTemplate refuses anything else.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: Prod/*

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
    """
    check = get_rule("E301")
    for template in config.templates:
        prefix = template.prefix
        if 1 <= len(prefix) <= MAX_PREFIX_LENGTH and PREFIX.match(prefix):
            continue
        hint = "; ROOT must be written in capitals" if prefix.lower() == "root" else ""
        yield check.finding(
            f"template prefix '{prefix}' is not a repository prefix (lowercase segments "
            f"joined by '/', at most {MAX_PREFIX_LENGTH} characters) or ROOT{hint}",
            template.at("prefix"),
        )


@rule("E302", "template declared twice (same registry and prefix)", source=_CREATE_TEMPLATE)
def duplicate_template(config: Config) -> Iterator[Finding]:
    """A registry has one template per prefix, so the file may declare it once.

    ecrrepl owns templates by registry and prefix; two declarations would fight over
    one template, and which one wins would depend on the order of files. A prefix
    written with and without its trailing `/` is the same template.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - {account: "111111111111", region: eu-west-1,
             prefix: prod, image_tag_mutability: IMMUTABLE}
          - {account: "111111111111", region: eu-west-1,
             prefix: prod/, image_tag_mutability: MUTABLE}

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - {account: "111111111111", region: eu-west-1,
             prefix: prod, image_tag_mutability: IMMUTABLE}
          - {account: "111111111111", region: eu-west-1,
             prefix: ROOT, image_tag_mutability: MUTABLE}
    """
    check = get_rule("E302")
    first: dict[tuple[RegistryAddress, str], CreationTemplate] = {}
    for template in config.templates:
        key = (template.address, _namespace(template.prefix))
        if key not in first:
            first[key] = template
            continue
        yield check.finding(
            f"template '{template.prefix}' in {template.address} is already declared at "
            f"{first[key].where}",
            template.at("prefix"),
        )


@rule(
    "E303",
    "template policy that is not a JSON object, or over its size limit "
    "(repository 10240, lifecycle 30720 chars)",
    source=_CREATE_TEMPLATE + " (botocore ECR model, RepositoryPolicyText and "
    "LifecyclePolicyTextForRepositoryCreationTemplate)",
)
def invalid_template_policy(config: Config) -> Iterator[Finding]:
    """A template's repository and lifecycle policies are JSON objects of limited size.

    Give each inline as a mapping or as `file:relative/path.json`. ecrrepl sends them as
    compact JSON text; a repository policy may hold 10240 characters, a lifecycle
    policy 30720, and CreateRepositoryCreationTemplate refuses longer text. A file that
    is missing or holds no JSON object is reported under this ID when it is read.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            lifecycle_policy: [expire untagged images after 14 days]

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            lifecycle_policy:
              rules:
                - rulePriority: 1
                  description: expire untagged images after 14 days
                  selection:
                    tagStatus: untagged
                    countType: sinceImagePushed
                    countUnit: days
                    countNumber: 14
                  action: {type: expire}
    """
    check = get_rule("E303")
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
                yield check.finding(
                    f"`{key}` of template '{template.prefix}' is not a JSON object",
                    template.at(key),
                )
                continue
            size = len(json.dumps(document, separators=(",", ":")))
            if size > limit:
                yield check.finding(
                    f"`{key}` of template '{template.prefix}' is {size} characters of "
                    f"compact JSON, over the limit of {limit}",
                    template.at(key),
                )


@rule(
    "E304",
    "KMS key that is not a KMS key ARN in the template's region and partition",
    source=f"ECR API reference, EncryptionConfigurationForRepositoryCreationTemplate: "
    f"{_API}API_EncryptionConfigurationForRepositoryCreationTemplate.html",
)
def invalid_kms_key(config: Config) -> Iterator[Finding]:
    """`encryption.kms_key` is the full ARN of a KMS key in the template's region.

    Repositories are encrypted with a key in their own region; a key ID, an alias or a
    key from another region or partition cannot be used. Without `kms_key`, a KMS type
    uses the AWS managed key for ECR. `kms_key` with type AES256 has no meaning (AES256
    uses no KMS key) and AWS refuses it.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            encryption:
              type: KMS
              kms_key: arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab
            custom_role_arn: arn:aws:iam::111111111111:role/ecr-template

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            encryption:
              type: KMS
              kms_key: arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab
            custom_role_arn: arn:aws:iam::111111111111:role/ecr-template
    """
    check = get_rule("E304")
    for template in config.templates:
        encryption = template.encryption
        if encryption is None or encryption.kms_key is None:
            continue
        key, where = encryption.kms_key, encryption.at("kms_key")
        if encryption.type not in KMS_TYPES:
            yield check.finding(
                f"kms_key is given with encryption type {encryption.type}, which uses no KMS "
                "key; use type KMS or KMS_DSSE, or remove kms_key",
                where,
            )
            continue
        match = KMS_KEY_ARN.match(key)
        partition = regions.partition_of(template.region)
        if match is None:
            yield check.finding(
                f"kms_key '{key}' is not a KMS key ARN; expected arn:{partition or 'aws'}:kms:"
                f"{template.region}:ACCOUNT:key/KEY-ID",
                where,
            )
        elif match["region"] != template.region or (
            partition is not None and match["partition"] != partition
        ):
            yield check.finding(
                f"kms_key '{key}' is a key in {match['region']} ({match['partition']}), but "
                f"the template is in {template.region} ({partition}); repositories can only "
                "use a key in their own region",
                where,
            )


@rule(
    "E305", "template in a region where creation templates are not offered", source=_TEMPLATES_GUIDE
)
def template_region_without_templates(config: Config) -> Iterator[Finding]:
    """Repository creation templates are not offered in the China and GovCloud regions.

    CreateRepositoryCreationTemplate does not exist there, so the template could never
    be written. Repositories created by replication into those regions get default
    settings; set what they need after replication creates them.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: cn-north-1
            rules:
              - filters: [prod/]
                destinations: [{region: cn-northwest-1}]
        templates:
          - account: "111111111111"
            region: cn-northwest-1
            prefix: prod

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: cn-north-1
            rules:
              - filters: [prod/]
                destinations: [{region: cn-northwest-1}]
    """
    check = get_rule("E305")
    for template in config.templates:
        if not regions.offers_templates(template.region):
            yield check.finding(
                f"repository creation templates are not offered in {template.region} "
                f"(partition {regions.partition_of(template.region)})",
                template.at("region"),
            )


@rule(
    "W306",
    "REPLICATION template in a registry that no rule replicates into",
    source=_TEMPLATES_GUIDE,
)
def replication_template_without_replication(config: Config) -> Iterator[Finding]:
    """A template applied for REPLICATION acts only where replication creates repositories.

    If no rule of the configuration sends to the template's registry, the template
    does nothing for replication: usually a wrong region or account, or a destination
    that was removed while its template stayed. (Another tool may replicate there; then
    this warning can be ignored.)

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-central-1
            prefix: prod

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
    """
    check = get_rule("W306")
    replicated_into = {
        destination.address
        for registry in config.registries
        for replication_rule in registry.rules
        for destination in replication_rule.destinations
    }
    for template in config.templates:
        if "REPLICATION" in template.applied_for and template.address not in replicated_into:
            yield check.finding(
                f"template '{template.prefix}' applies to REPLICATION, but no rule of this "
                f"configuration replicates into {template.address}",
                template.at("applied_for"),
            )


def _misaligned_filters(
    config: Config, templates: list[CreationTemplate]
) -> Iterator[tuple[RepositoryFilter, CreationTemplate, RegistryAddress]]:
    """Filters sending into a registry whose names start like a template's prefix but
    leave its namespace: `prod` and `production/` both against template `prod`."""
    by_address: dict[RegistryAddress, list[CreationTemplate]] = {}
    for template in templates:
        by_address.setdefault(template.address, []).append(template)
    for registry in config.registries:
        for replication_rule in registry.rules:
            for destination in replication_rule.destinations:
                candidates = by_address.get(destination.address, [])
                for repository_filter in replication_rule.filters or ():
                    related = [
                        t
                        for t in candidates
                        if repository_filter.prefix.startswith(t.prefix.rstrip("/"))
                    ]
                    if not related:
                        continue
                    # Only the most specific template the filter reads like is meant.
                    closest = max(related, key=lambda t: len(t.prefix.rstrip("/")))
                    if not repository_filter.prefix.startswith(_namespace(closest.prefix)):
                        yield repository_filter, closest, destination.address


@rule(
    "W307",
    "template prefix and replication filter that mean different things",
    source=_CREATE_TEMPLATE + ' (prefix: "there is always an assumed / applied to the end")',
)
def filter_outside_template_namespace(config: Config) -> Iterator[Finding]:
    """A template prefix matches whole path segments; a replication filter matches text.

    Template `prod` applies to repositories under `prod/` only (AWS appends the `/`),
    while filter `prod` replicates every name that starts with those letters:
    `prod-tools`, `production/api`. Those repositories replicate but get default
    settings. The check: for each filter of a rule that sends into a registry with
    REPLICATION templates, take the longest template prefix (not ROOT) that the filter
    starts with; warn when the filter does not start with that prefix plus `/`. A
    filter shorter than the prefix (`pr`) is a broad filter by intent and is left alone.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
    """
    check = get_rule("W307")
    replication_templates = [
        t for t in config.templates if "REPLICATION" in t.applied_for and t.prefix != ROOT
    ]
    seen: set[tuple[str, str, RegistryAddress]] = set()
    for repository_filter, template, address in _misaligned_filters(config, replication_templates):
        key = (repository_filter.prefix, template.prefix, address)
        if key in seen:
            continue
        seen.add(key)
        namespace = _namespace(template.prefix)
        yield check.finding(
            f"filter '{repository_filter.prefix}' replicates into {address} repositories "
            f"outside '{namespace}' (e.g. '{_outside_example(repository_filter.prefix)}'), "
            f"which template '{template.prefix}' does not apply to; they get default "
            f"settings. Use filter '{namespace}' or add a template for them",
            repository_filter.where,
        )


def _outside_example(prefix: str) -> str:
    return prefix + ("app" if prefix.endswith(("/", "-", "_", ".")) else "-app")


@rule(
    "E308",
    "KMS encryption or resource tags without `custom_role_arn`",
    source='ECR user guide, "Creating a repository creation template": '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create.html",
)
def missing_custom_role(config: Config) -> Iterator[Finding]:
    """A template that encrypts with KMS or tags repositories needs `custom_role_arn`.

    ECR creates the repository with the template's role; the service-linked role it
    uses by default may not tag resources or create KMS grants, so AWS requires a
    custom role (in the registry's account, trusted by ecr.amazonaws.com) for
    templates with KMS keys or resource tags.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            resource_tags: {team: platform}

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            resource_tags: {team: platform}
            custom_role_arn: arn:aws:iam::111111111111:role/ecr-template
    """
    check = get_rule("E308")
    for template in config.templates:
        if template.custom_role_arn is not None:
            continue
        encryption = template.encryption
        if encryption is not None and encryption.type in KMS_TYPES:
            yield check.finding(
                f"template '{template.prefix}' encrypts with {encryption.type}, which needs "
                "custom_role_arn: a role ECR assumes to create the KMS grants",
                encryption.at("type"),
            )
        if template.resource_tags:
            yield check.finding(
                f"template '{template.prefix}' sets resource_tags, which needs "
                "custom_role_arn: a role ECR assumes to tag the repositories",
                template.at("resource_tags"),
            )


@rule(
    "E309",
    "exclusion filters without a `*_WITH_EXCLUSION` mutability, more than 5, or an invalid pattern",
    source=f"ECR API reference, ImageTagMutabilityExclusionFilter: "
    f"{_API}API_ImageTagMutabilityExclusionFilter.html",
)
def invalid_exclusion_filters(config: Config) -> Iterator[Finding]:
    """Tag exclusion filters go with a `*_WITH_EXCLUSION` mutability, and only with it.

    `IMMUTABLE_WITH_EXCLUSION` makes tags immutable except those matching the filters
    (`MUTABLE_WITH_EXCLUSION` the reverse); such a mutability needs 1 to 5 filters, and
    filters mean nothing with plain `IMMUTABLE` or `MUTABLE`. A filter is 1..128 of
    letters, digits, `.`, `_`, `-` and the wildcard `*`.

    Fails:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            image_tag_mutability: IMMUTABLE
            image_tag_mutability_exclusion_filters: [latest]

    Passes:
        version: 1
        registries:
          - account: "111111111111"
            region: us-west-2
            rules:
              - filters: [prod/]
                destinations: [{region: eu-west-1}]
        templates:
          - account: "111111111111"
            region: eu-west-1
            prefix: prod
            image_tag_mutability: IMMUTABLE_WITH_EXCLUSION
            image_tag_mutability_exclusion_filters: [latest, dev-*]
    """
    check = get_rule("E309")
    for template in config.templates:
        filters = template.image_tag_mutability_exclusion_filters
        mutability = template.image_tag_mutability
        filters_at = template.at("image_tag_mutability_exclusion_filters")
        name = f"template '{template.prefix}'"
        if filters and mutability not in WITH_EXCLUSION:
            wanted = (
                f"{mutability}_WITH_EXCLUSION"
                if mutability
                else "IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"
            )
            yield check.finding(
                f"{name} has exclusion filters but image_tag_mutability "
                f"{mutability or 'MUTABLE (the default)'}, which ignores them; use {wanted}",
                filters_at,
            )
        if mutability in WITH_EXCLUSION and not filters:
            yield check.finding(
                f"{name} has image_tag_mutability {mutability} but no "
                "image_tag_mutability_exclusion_filters (1 to 5 are needed)",
                template.at("image_tag_mutability"),
            )
        if len(filters) > MAX_EXCLUSION_FILTERS:
            yield check.finding(
                f"{name} has {len(filters)} exclusion filters; at most "
                f"{MAX_EXCLUSION_FILTERS} are allowed",
                filters_at,
            )
        for tag_filter in filters:
            if not EXCLUSION_FILTER.match(tag_filter):
                yield check.finding(
                    f"exclusion filter '{tag_filter}' of {name} must be 1 to 128 letters, "
                    "digits, '.', '_', '-' or '*'",
                    filters_at,
                )
