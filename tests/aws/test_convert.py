"""The model <-> ECR API conversions: exact shapes out, equal values back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ecrrepl.aws.convert import (
    rules_from_api,
    rules_to_api,
    template_from_api,
    template_to_api,
    template_update_to_api,
)
from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    Destination,
    Encryption,
    ReplicationRule,
    RepositoryFilter,
)
from ecrrepl.errors import UserError
from harness import configs

CONFIG = configs.document(
    configs.registry(
        configs.prod_rule(delete_replication=True),
        configs.rule((configs.OTHER_ACCOUNT, "eu-central-1")),
    )
)


def test_rules_to_api_has_the_documented_shape(load_config: Callable[[str], Config]) -> None:
    rules = load_config(CONFIG).registries[0].rules

    assert rules_to_api(rules) == {
        "rules": [
            {
                "destinations": [
                    {"region": "us-east-1", "registryId": "111111111111"},
                    {"region": "eu-west-1", "registryId": "222222222222"},
                ],
                "repositoryFilters": [
                    {"filter": "prod/", "filterType": "PREFIX_MATCH"},
                    {"filter": "base-", "filterType": "PREFIX_MATCH"},
                ],
                "deleteReplication": {"enabled": True},
            },
            # No filters key: every repository. deleteReplication only when enabled.
            {"destinations": [{"region": "eu-central-1", "registryId": "222222222222"}]},
        ]
    }


def test_rules_round_trip_to_equal_rules_without_names(
    load_config: Callable[[str], Config],
) -> None:
    rules = load_config(CONFIG).registries[0].rules

    back = rules_from_api(rules_to_api(rules))

    # Names never travel to AWS; everything else compares equal.
    assert back == tuple(
        ReplicationRule(
            filters=r.filters, destinations=r.destinations, delete_replication=r.delete_replication
        )
        for r in rules
    )
    assert back[1].filters is None
    assert [r.delete_replication for r in back] == [True, False]


@pytest.mark.parametrize("absent", [None, {}, {"rules": []}])
def test_no_replication_configuration_means_no_rules(absent: dict[str, object] | None) -> None:
    assert rules_from_api(absent) == ()


def test_rules_from_api_reads_disabled_delete_replication() -> None:
    api = {
        "rules": [
            {
                "destinations": [{"region": "us-east-1", "registryId": "111111111111"}],
                "deleteReplication": {"enabled": False},
            }
        ]
    }

    assert rules_from_api(api) == (
        ReplicationRule(
            destinations=(Destination(account="111111111111", region="us-east-1"),),
            delete_replication=False,
        ),
    )


@pytest.fixture
def ecr_stub_client() -> Any:
    return boto3.client(
        "ecr", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


FULL_TEMPLATE = CreationTemplate(
    account="222222222222",
    region="eu-west-1",
    prefix="prod",
    applied_for=("PULL_THROUGH_CACHE", "REPLICATION"),
    description="Settings for replicated prod repositories",
    image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
    image_tag_mutability_exclusion_filters=("latest", "dev-*"),
    encryption=Encryption(type="KMS", kms_key="arn:aws:kms:eu-west-1:222222222222:key/k"),
    resource_tags={"team": "platform", "replicated": "true"},
    lifecycle_policy={"rules": [{"rulePriority": 1, "action": {"type": "expire"}}]},
    repository_policy={"Version": "2012-10-17", "Statement": []},
    custom_role_arn="arn:aws:iam::222222222222:role/ecr-template",
)


def test_template_to_api_has_the_documented_shape() -> None:
    kwargs = template_to_api(FULL_TEMPLATE)

    policy_texts = {k: json.loads(kwargs.pop(k)) for k in ("repositoryPolicy", "lifecyclePolicy")}
    assert kwargs == {
        "prefix": "prod",
        "appliedFor": ["PULL_THROUGH_CACHE", "REPLICATION"],
        "description": "Settings for replicated prod repositories",
        "encryptionConfiguration": {
            "encryptionType": "KMS",
            "kmsKey": "arn:aws:kms:eu-west-1:222222222222:key/k",
        },
        "resourceTags": [
            {"Key": "replicated", "Value": "true"},
            {"Key": "team", "Value": "platform"},
        ],
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [
            {"filterType": "WILDCARD", "filter": "latest"},
            {"filterType": "WILDCARD", "filter": "dev-*"},
        ],
        "customRoleArn": "arn:aws:iam::222222222222:role/ecr-template",
    }
    assert policy_texts == {
        "repositoryPolicy": FULL_TEMPLATE.repository_policy,
        "lifecyclePolicy": FULL_TEMPLATE.lifecycle_policy,
    }


@pytest.mark.parametrize(
    "template",
    [
        FULL_TEMPLATE,
        CreationTemplate(account="222222222222", region="eu-west-1", prefix="ROOT"),
        CreationTemplate(
            account="222222222222",
            region="eu-west-1",
            prefix="tools",
            encryption=Encryption(type="AES256"),
            image_tag_mutability="MUTABLE",
        ),
    ],
    ids=["full", "minimal", "aes256"],
)
def test_templates_round_trip(template: CreationTemplate) -> None:
    assert template_from_api(template_to_api(template), "222222222222", "eu-west-1") == template


def test_a_minimal_template_sends_only_what_it_declares() -> None:
    template = CreationTemplate(account="222222222222", region="eu-west-1", prefix="ROOT")

    assert template_to_api(template) == {"prefix": "ROOT", "appliedFor": ["REPLICATION"]}


def test_an_update_sends_every_setting_with_aws_defaults_for_what_is_left_out() -> None:
    template = CreationTemplate(account="222222222222", region="eu-west-1", prefix="prod")

    assert template_update_to_api(template) == {
        "prefix": "prod",
        "appliedFor": ["REPLICATION"],
        "description": "",
        "encryptionConfiguration": {"encryptionType": "AES256"},
        "imageTagMutability": "MUTABLE",
        "resourceTags": [],
        "repositoryPolicy": "",
        "lifecyclePolicy": "",
        "customRoleArn": "",
    }


def test_an_update_sends_what_the_template_declares() -> None:
    kwargs = template_update_to_api(FULL_TEMPLATE)

    assert kwargs == template_to_api(FULL_TEMPLATE)


def test_an_update_to_kms_without_a_key_clears_the_old_key() -> None:
    template = CreationTemplate(
        account="222222222222",
        region="eu-west-1",
        prefix="prod",
        encryption=Encryption(type="KMS"),
        custom_role_arn="arn:aws:iam::222222222222:role/ecr-template",
    )

    assert template_update_to_api(template)["encryptionConfiguration"] == {
        "encryptionType": "KMS",
        "kmsKey": "",
    }
    # Create leaves the key out: the AWS managed key.
    assert template_to_api(template)["encryptionConfiguration"] == {"encryptionType": "KMS"}


def test_an_update_is_valid_for_botocore(ecr_stub_client: Any) -> None:
    template = CreationTemplate(account="222222222222", region="eu-west-1", prefix="prod")
    stubber = Stubber(ecr_stub_client)
    kwargs = template_update_to_api(template)
    stubber.add_response("update_repository_creation_template", {}, kwargs)

    with stubber:
        ecr_stub_client.update_repository_creation_template(**kwargs)


def test_cleared_settings_read_back_as_absent() -> None:
    api = {
        "prefix": "prod",
        "appliedFor": ["REPLICATION"],
        "description": "",
        "resourceTags": [],
        "repositoryPolicy": "",
        "lifecyclePolicy": " ",
        "customRoleArn": "",
    }

    assert template_from_api(api, "222222222222", "eu-west-1") == CreationTemplate(
        account="222222222222", region="eu-west-1", prefix="prod"
    )


def test_policy_text_that_is_not_json_names_template_account_and_region() -> None:
    api = {"prefix": "prod", "appliedFor": ["REPLICATION"], "lifecyclePolicy": "{rules:"}

    with pytest.raises(UserError) as raised:
        template_from_api(api, "222222222222", "eu-west-1")

    assert "lifecycle policy of template 'prod' in account 222222222222 region eu-west-1" in (
        raised.value.message
    )
    assert "not valid JSON" in raised.value.message


def test_filters_keep_their_order() -> None:
    rule = ReplicationRule(
        filters=(RepositoryFilter(prefix="b"), RepositoryFilter(prefix="a")),
        destinations=(Destination(account="111111111111", region="us-east-1"),),
    )

    assert rules_from_api(rules_to_api([rule])) == (rule,)
