"""Gap b closed: the emulated repository creation templates follow the API reference and
botocore's model, including what an update does with the settings it is not sent and how
a prefix with a trailing `/` is read. Stock moto has no templates (pinned in
test_moto_gaps.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.ecr.models import ecr_backends

from ecrrepl.sandbox import ecr_gaps
from harness.moto_probe import ecr_client, error_of

WILDCARD_LATEST = [{"filterType": "WILDCARD", "filter": "latest"}]
KMS = {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-west-1:123456789012:key/k"}


def described(ecr: Any, prefix: str) -> dict[str, Any]:
    [template] = ecr.describe_repository_creation_templates(prefixes=[prefix])[
        "repositoryCreationTemplates"
    ]
    return {k: v for k, v in template.items() if k not in ("createdAt", "updatedAt")}


def test_templates_are_created_described_updated_and_deleted(aws: None) -> None:
    ecr = ecr_client("eu-west-1")

    created = ecr.create_repository_creation_template(
        prefix="prod",
        appliedFor=["REPLICATION"],
        description="first",
        resourceTags=[{"Key": "team", "Value": "platform"}],
        repositoryPolicy='{"Version":"2012-10-17","Statement":[]}',
    )["repositoryCreationTemplate"]
    ecr.update_repository_creation_template(
        prefix="prod",
        description="second",
        resourceTags=[],
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "latest"}],
    )
    [described] = ecr.describe_repository_creation_templates()["repositoryCreationTemplates"]
    ecr.delete_repository_creation_template(prefix="prod")

    assert created["prefix"] == "prod"
    assert {k: v for k, v in described.items() if k not in ("createdAt", "updatedAt")} == {
        "prefix": "prod",
        "appliedFor": ["REPLICATION"],
        "description": "second",
        "encryptionConfiguration": {"encryptionType": "AES256"},
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "latest"}],
        "repositoryPolicy": '{"Version":"2012-10-17","Statement":[]}',
    }
    assert described["updatedAt"] >= described["createdAt"]
    assert ecr.describe_repository_creation_templates()["repositoryCreationTemplates"] == []


def test_a_prefix_has_one_template_per_registry(aws: None) -> None:
    ecr_client("eu-west-1").create_repository_creation_template(
        prefix="prod", appliedFor=["REPLICATION"]
    )
    # Another region is another registry.
    ecr_client("eu-west-2").create_repository_creation_template(
        prefix="prod", appliedFor=["REPLICATION"]
    )

    message = error_of(
        lambda: ecr_client("eu-west-1").create_repository_creation_template(
            prefix="prod", appliedFor=["PULL_THROUGH_CACHE"]
        )
    )

    assert message == (
        "TemplateAlreadyExistsException: The repository creation template with prefix "
        "'prod' already exists in the registry with id '123456789012'"
    )


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_a_missing_template_is_not_found(aws: None, operation: str) -> None:
    ecr = ecr_client("eu-west-1")
    call = getattr(ecr, f"{operation}_repository_creation_template")

    message = error_of(lambda: call(prefix="nope"))

    assert message.startswith("TemplateNotFoundException: ")


def test_templates_are_listed_in_pages_and_by_prefix(aws: None) -> None:
    ecr = ecr_client("eu-west-1")
    for prefix in ["c", "ROOT", "a", "b"]:
        ecr.create_repository_creation_template(prefix=prefix, appliedFor=["REPLICATION"])

    pages = ecr.get_paginator("describe_repository_creation_templates").paginate(
        PaginationConfig={"PageSize": 3}
    )
    chosen = ecr.describe_repository_creation_templates(prefixes=["b", "zz"])

    prefixes = [[t["prefix"] for t in page["repositoryCreationTemplates"]] for page in pages]
    assert prefixes == [["ROOT", "a", "b"], ["c"]]
    assert [t["prefix"] for t in chosen["repositoryCreationTemplates"]] == ["b"]


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ({"nextToken": "garbage"}, "Invalid parameter at 'nextToken'"),
        ({"nextToken": "99"}, "Invalid parameter at 'nextToken'"),
        (
            {"maxResults": 1001},
            "Invalid parameter at 'maxResults' failed to satisfy constraint: "
            "'Member must have value less than or equal to 1000'",
        ),
    ],
    ids=["garbage token", "a position past the end", "a page too large"],
)
def test_a_template_listing_refuses_a_token_or_page_size_no_page_gives(
    aws: None, request_: dict[str, Any], expected: str
) -> None:
    ecr = boto3.client("ecr", region_name="eu-west-1", config=Config(parameter_validation=False))
    ecr.create_repository_creation_template(prefix="a", appliedFor=["REPLICATION"])

    message = error_of(lambda: ecr.describe_repository_creation_templates(**request_))

    assert message == f"InvalidParameterException: {expected}"


@pytest.mark.parametrize("prefix", ["Prod", "prod//x", "-prod", "prod_"])
def test_a_prefix_outside_the_documented_pattern_is_refused(aws: None, prefix: str) -> None:
    message = error_of(
        lambda: ecr_client("eu-west-1").create_repository_creation_template(
            prefix=prefix, appliedFor=["REPLICATION"]
        )
    )

    assert message.startswith("InvalidParameterException: ")


def test_exclusion_filters_need_an_exclusion_mutability(aws: None) -> None:
    message = error_of(
        lambda: ecr_client("eu-west-1").create_repository_creation_template(
            prefix="prod",
            appliedFor=["REPLICATION"],
            imageTagMutability="IMMUTABLE",
            imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "latest"}],
        )
    )

    assert message.startswith("InvalidParameterException: ")


# botocore ECR model, UpdateRepositoryCreationTemplateRequest.imageTagMutability: "If this
# parameter is omitted, the default setting of MUTABLE will be used" (checked 2026-12-02).
def test_an_update_without_a_mutability_makes_tags_mutable_and_ends_the_filters(
    aws: None,
) -> None:
    ecr = ecr_client("eu-west-1")
    ecr.create_repository_creation_template(
        prefix="prod",
        appliedFor=["REPLICATION"],
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=WILDCARD_LATEST,
    )

    ecr.update_repository_creation_template(prefix="prod", description="mutable again")

    template = described(ecr, "prod")
    assert template["imageTagMutability"] == "MUTABLE"
    assert "imageTagMutabilityExclusionFilters" not in template


# No other member of UpdateRepositoryCreationTemplateRequest documents what omitting it
# does; the emulator keeps those settings, the cautious reading that ecrrepl's updates
# must survive (they send every member).
def test_an_update_keeps_the_other_settings_it_is_not_sent(aws: None) -> None:
    ecr = ecr_client("eu-west-1")
    ecr.create_repository_creation_template(
        prefix="prod",
        appliedFor=["REPLICATION"],
        encryptionConfiguration=KMS,
        resourceTags=[{"Key": "team", "Value": "platform"}],
        customRoleArn="arn:aws:iam::123456789012:role/ecr-template",
    )

    ecr.update_repository_creation_template(prefix="prod", description="only this")

    template = described(ecr, "prod")
    assert template["encryptionConfiguration"] == KMS
    assert template["resourceTags"] == [{"Key": "team", "Value": "platform"}]
    assert template["customRoleArn"] == "arn:aws:iam::123456789012:role/ecr-template"
    assert template["description"] == "only this"


def test_an_update_to_another_exclusion_mutability_keeps_the_filters(aws: None) -> None:
    ecr = ecr_client("eu-west-1")
    ecr.create_repository_creation_template(
        prefix="prod",
        appliedFor=["REPLICATION"],
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=WILDCARD_LATEST,
    )

    # What Terraform sends when only the mutability changed.
    ecr.update_repository_creation_template(
        prefix="prod", imageTagMutability="MUTABLE_WITH_EXCLUSION"
    )

    template = described(ecr, "prod")
    assert template["imageTagMutability"] == "MUTABLE_WITH_EXCLUSION"
    assert template["imageTagMutabilityExclusionFilters"] == WILDCARD_LATEST


def test_an_update_replaces_the_encryption_it_is_sent(aws: None) -> None:
    ecr = ecr_client("eu-west-1")
    ecr.create_repository_creation_template(
        prefix="prod", appliedFor=["REPLICATION"], encryptionConfiguration=KMS
    )

    ecr.update_repository_creation_template(
        prefix="prod", encryptionConfiguration={"encryptionType": "AES256"}
    )

    assert described(ecr, "prod")["encryptionConfiguration"] == {"encryptionType": "AES256"}


# botocore ECR model, CreateRepositoryCreationTemplateRequest.prefix: "There is always an
# assumed / applied to the end of the prefix. If you specify ecr-public as the prefix,
# Amazon ECR treats that as ecr-public/." (checked 2026-12-02)
def test_a_trailing_slash_names_the_same_template(aws: None) -> None:
    ecr = ecr_client("eu-west-1")
    ecr.create_repository_creation_template(prefix="prod", appliedFor=["REPLICATION"])

    refused = error_of(
        lambda: ecr.create_repository_creation_template(prefix="prod/", appliedFor=["REPLICATION"])
    )
    ecr.update_repository_creation_template(prefix="prod/", description="found")
    found = described(ecr, "prod/")
    ecr.delete_repository_creation_template(prefix="prod/")

    assert refused.startswith("TemplateAlreadyExistsException: ")
    # The text is kept as it was created; the API reference does not say otherwise.
    assert (found["prefix"], found["description"]) == ("prod", "found")
    assert ecr.describe_repository_creation_templates()["repositoryCreationTemplates"] == []


@pytest.mark.parametrize("prefix", ["prod", "prod/"])
def test_a_template_covers_its_namespace_with_or_without_the_slash(aws: None, prefix: str) -> None:
    ecr_client("eu-west-1").create_repository_creation_template(
        prefix=prefix, appliedFor=["REPLICATION"], imageTagMutability="IMMUTABLE"
    )
    backend = ecr_backends["123456789012"]["eu-west-1"]

    covering = ecr_gaps.replication_template(backend, "prod/api")

    assert covering is not None and covering["prefix"] == prefix
    assert ecr_gaps.replication_template(backend, "production/api") is None
