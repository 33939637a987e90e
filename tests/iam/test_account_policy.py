"""Each account's IAM policy follows what the file asks of that account, and no more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.config.model import Config
from ecrrepl.iam.policy import (
    MAX_MANAGED_POLICY_CHARS,
    account_policy,
    accounts_of,
    name_patterns,
    policy_size,
)
from ecrrepl.iam.table import Purpose
from ecrrepl.validation import load_files
from harness import configs

READ = frozenset({Purpose.READ})
APPLY = frozenset({Purpose.APPLY})
OPERATE = frozenset({Purpose.OPERATE})
EVERYTHING = frozenset(Purpose)

# 222222222222 by AssumeRole; 333333333333 by a profile, its registry policy left alone.
ROLE_AND_PROFILE = (
    configs.account(configs.OTHER_ACCOUNT),
    configs.account(configs.THIRD_ACCOUNT, profile="dr", manage_registry_policy=False),
)

HUB = configs.document(
    configs.registry(
        configs.rule(
            "us-east-1",
            (configs.OTHER_ACCOUNT, "eu-west-1"),
            (configs.THIRD_ACCOUNT, "us-east-2"),
            filters=["prod/", "prod/api", "base-"],
        )
    ),
    configs.registry(region="eu-central-1"),
    accounts=ROLE_AND_PROFILE,
    templates=[
        """\
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    lifecycle_policy: {rules: []}
    encryption: {type: KMS, kms_key: "arn:aws:kms:eu-west-1:222222222222:key/k"}
    custom_role_arn: arn:aws:iam::222222222222:role/ecr-template
  - account: "222222222222"
    region: eu-west-2
    prefix: ROOT"""
    ],
)


def config_of(text: str, tmp_path: Path) -> Config:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_files([str(path)])
    assert not result.errors, result.errors
    return result.config


@pytest.fixture
def hub(tmp_path: Path) -> Config:
    return config_of(HUB, tmp_path)


def statements(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert len(by_sid) == len(policy["Statement"]), "Sids must be unique"
    return by_sid


def actions(policy: dict[str, Any]) -> set[str]:
    return {a for s in policy["Statement"] for a in s["Action"]}


def regions_of(statement: dict[str, Any]) -> list[str] | str:
    value: list[str] | str = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
    return value


def test_accounts_are_every_account_the_file_names(hub: Config) -> None:
    assert accounts_of(hub) == ("111111111111", "222222222222", "333333333333")


def test_a_source_account_reads_only_its_registries_for_read(hub: Config) -> None:
    policy = account_policy(hub, "111111111111", READ)
    assert policy["Version"] == "2012-10-17"
    found = statements(policy)
    assert found["VerifyIdentity"] == {
        "Sid": "VerifyIdentity",
        "Effect": "Allow",
        "Action": ["sts:GetCallerIdentity"],
        "Resource": "*",
    }
    assert found["SourceRegistries"]["Action"] == ["ecr:DescribeRegistry"]
    assert found["SourceRegistries"]["Resource"] == "*"
    assert regions_of(found["SourceRegistries"]) == ["eu-central-1", "us-west-2"]
    # The same-account destination's repositories are listed for tag immutability.
    assert found["DestinationRepositories"] == {
        "Sid": "DestinationRepositories",
        "Effect": "Allow",
        "Action": ["ecr:DescribeRepositories"],
        "Resource": "arn:aws:ecr:us-east-1:111111111111:repository/*",
    }
    # Another source's live rules may still send to 111111111111: its policy is read.
    assert found["ManagedRegistryPolicies"]["Action"] == ["ecr:GetRegistryPolicy"]
    assert actions(policy) == {
        "sts:GetCallerIdentity",
        "ecr:DescribeRegistry",
        "ecr:DescribeRepositories",
        "ecr:GetRegistryPolicy",
    }


def test_apply_adds_the_replication_write_and_its_service_linked_role(hub: Config) -> None:
    found = statements(account_policy(hub, "111111111111", APPLY))
    assert found["SourceRegistries"]["Action"] == [
        "ecr:DescribeRegistry",
        "ecr:PutReplicationConfiguration",
    ]
    assert found["ReplicationServiceLinkedRole"] == {
        "Sid": "ReplicationServiceLinkedRole",
        "Effect": "Allow",
        "Action": ["iam:CreateServiceLinkedRole"],
        "Resource": "arn:aws:iam::111111111111:role/aws-service-role/"
        "replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication",
        "Condition": {"StringEquals": {"iam:AWSServiceName": "replication.ecr.amazonaws.com"}},
    }
    assert "TemplateServiceLinkedRole" not in found


def test_operate_reaches_the_repositories_the_filters_select(hub: Config) -> None:
    found = statements(account_policy(hub, "111111111111", OPERATE))
    assert found["SourceRegistries"]["Action"] == [
        "ecr:DescribeRegistry",
        "ecr:DescribeReplicationBackfillResults",
        "ecr:ListReplicationBackfills",
        "ecr:StartReplicationBackfill",
    ]
    # prod/api is covered by prod/; the registry without rules has nothing to reach.
    assert found["ReplicatedRepositories"]["Action"] == ["ecr:DescribeImageReplicationStatus"]
    assert found["ReplicatedRepositories"]["Resource"] == [
        "arn:aws:ecr:us-west-2:111111111111:repository/base-*",
        "arn:aws:ecr:us-west-2:111111111111:repository/prod/*",
    ]
    assert found["SourceRepositories"]["Resource"] == (
        "arn:aws:ecr:us-west-2:111111111111:repository/*"
    )
    # backfill --dry-run counts images under the live rules' filters, not the file's.
    assert found["SourceRepositories"]["Action"] == [
        "ecr:DescribeImages",
        "ecr:DescribeRepositories",
    ]
    assert "ecr:PutReplicationConfiguration" not in actions(
        account_policy(hub, "111111111111", OPERATE)
    )


def test_a_managed_destination_gets_its_registry_policy_and_templates(hub: Config) -> None:
    found = statements(account_policy(hub, "222222222222", APPLY))
    assert found["ManagedRegistryPolicies"] == {
        "Sid": "ManagedRegistryPolicies",
        "Effect": "Allow",
        "Action": ["ecr:DeleteRegistryPolicy", "ecr:GetRegistryPolicy", "ecr:PutRegistryPolicy"],
        "Resource": "*",
    }
    assert found["CreationTemplates"]["Action"] == [
        "ecr:CreateRepository",
        "ecr:CreateRepositoryCreationTemplate",
        "ecr:DeleteRepositoryCreationTemplate",
        "ecr:DescribeRepositoryCreationTemplates",
        "ecr:UpdateRepositoryCreationTemplate",
    ]
    assert regions_of(found["CreationTemplates"]) == ["eu-west-1", "eu-west-2"]
    # Only eu-west-1's template has a lifecycle policy; none has a repository policy.
    assert found["CreationTemplates2"]["Action"] == ["ecr:PutLifecyclePolicy"]
    assert regions_of(found["CreationTemplates2"]) == "eu-west-1"
    assert "ecr:SetRepositoryPolicy" not in actions(account_policy(hub, "222222222222", APPLY))
    assert found["PassTemplateRoles"] == {
        "Sid": "PassTemplateRoles",
        "Effect": "Allow",
        "Action": ["iam:PassRole"],
        "Resource": "arn:aws:iam::222222222222:role/ecr-template",
    }
    assert found["TemplateServiceLinkedRole"]["Condition"] == {
        "StringEquals": {"iam:AWSServiceName": "ecr.amazonaws.com"}
    }
    assert "ReplicationServiceLinkedRole" not in found


def test_a_destination_whose_policy_the_file_leaves_alone_is_only_read(hub: Config) -> None:
    for purposes in (READ, APPLY):
        policy = account_policy(hub, "333333333333", purposes)
        assert actions(policy) == {
            "sts:GetCallerIdentity",
            "ecr:GetRegistryPolicy",
            "ecr:DescribeRepositories",
        }
    # `backfill --dry-run` (operate) compares the source's images with the destination's.
    assert actions(account_policy(hub, "333333333333", EVERYTHING)) == {
        "sts:GetCallerIdentity",
        "ecr:GetRegistryPolicy",
        "ecr:DescribeRepositories",
        "ecr:DescribeImages",
    }


def test_read_never_writes_and_nothing_is_granted_on_all_of_ecr(hub: Config) -> None:
    for account in accounts_of(hub):
        assert not any(
            a.startswith(("ecr:Put", "ecr:Delete", "ecr:Create", "ecr:Start", "iam:"))
            for a in actions(account_policy(hub, account, READ))
        )
        for statement in account_policy(hub, account, EVERYTHING)["Statement"]:
            assert all("*" not in action for action in statement["Action"])
            # Every ecr or iam statement on "*" is narrowed to the file's regions, but the
            # registry policy of an account the file may manage: the live rules may still
            # send to it from a region the file no longer names.
            if statement["Sid"] == "ManagedRegistryPolicies":
                assert set(statement["Action"]) <= {
                    "ecr:GetRegistryPolicy",
                    "ecr:PutRegistryPolicy",
                    "ecr:DeleteRegistryPolicy",
                }
            elif statement["Resource"] == "*" and statement["Action"] != ["sts:GetCallerIdentity"]:
                assert regions_of(statement)


def test_an_account_named_only_under_accounts_can_clean_up_its_registry_policy(
    tmp_path: Path,
) -> None:
    # Its destination was removed from the rules: the live rules still send there, and
    # the plan's cleanup reads and rewrites (or deletes) its registry policy.
    config = config_of(
        'version: 1\naccounts:\n  "444444444444": {profile: spare}\nregistries: []\n', tmp_path
    )
    assert accounts_of(config) == ("444444444444",)
    assert actions(account_policy(config, "444444444444", READ)) == {
        "sts:GetCallerIdentity",
        "ecr:GetRegistryPolicy",
    }
    assert statements(account_policy(config, "444444444444", APPLY))["ManagedRegistryPolicies"] == {
        "Sid": "ManagedRegistryPolicies",
        "Effect": "Allow",
        "Action": ["ecr:DeleteRegistryPolicy", "ecr:GetRegistryPolicy", "ecr:PutRegistryPolicy"],
        "Resource": "*",
    }


def test_an_account_whose_policy_the_file_leaves_alone_gets_no_policy_write(
    tmp_path: Path,
) -> None:
    config = config_of(
        "version: 1\naccounts:\n"
        '  "444444444444": {profile: spare, manage_registry_policy: false}\nregistries: []\n',
        tmp_path,
    )
    assert actions(account_policy(config, "444444444444", EVERYTHING)) == {"sts:GetCallerIdentity"}


def test_a_destination_moved_to_another_region_keeps_the_old_regions_policy_reachable(
    tmp_path: Path,
) -> None:
    # The file moved 222222222222's destination from eu-west-1 to eu-west-2; the live rules
    # still send to eu-west-1, whose policy statement apply reads and deletes. No
    # aws:RequestedRegion condition may keep that region out (moto evaluates none).
    moved = config_of(
        "version: 1\nregistries:\n"
        '  - account: "111111111111"\n    region: us-west-2\n    rules:\n'
        '      - {destinations: [{account: "222222222222", region: eu-west-2}]}\n',
        tmp_path,
    )
    found = statements(account_policy(moved, "222222222222", APPLY))
    registry_policy = [s for s in found.values() if "ecr:DeleteRegistryPolicy" in s["Action"]]
    assert len(registry_policy) == 1
    assert registry_policy[0]["Resource"] == "*"
    assert "Condition" not in registry_policy[0]
    assert {"ecr:GetRegistryPolicy", "ecr:PutRegistryPolicy"} <= set(registry_policy[0]["Action"])


def test_arns_follow_the_partition_of_the_accounts_regions(tmp_path: Path) -> None:
    config = config_of(
        "version: 1\nregistries:\n"
        '  - account: "111111111111"\n    region: cn-north-1\n'
        "    rules: [{destinations: [{region: cn-northwest-1}]}]\n",
        tmp_path,
    )
    found = statements(account_policy(config, "111111111111", EVERYTHING))
    assert found["ReplicationServiceLinkedRole"]["Resource"].startswith("arn:aws-cn:iam::")
    assert found["ReplicatedRepositories"]["Resource"] == (
        "arn:aws-cn:ecr:cn-north-1:111111111111:repository/*"
    )


def test_a_rule_without_filters_reaches_every_repository(tmp_path: Path) -> None:
    config = config_of(
        "version: 1\nregistries:\n"
        '  - account: "111111111111"\n    region: us-west-2\n    rules:\n'
        "      - {filters: [prod/], destinations: [{region: us-east-1}]}\n"
        "      - {destinations: [{region: eu-west-1}]}\n",
        tmp_path,
    )
    assert name_patterns(config.registries[0]) == ("*",)


def test_size_counts_what_iam_counts(hub: Config) -> None:
    policy = account_policy(hub, "222222222222", EVERYTHING)
    assert policy_size(policy) == len(json.dumps(policy).replace(", ", ",").replace(": ", ":"))
    assert policy_size(policy) < MAX_MANAGED_POLICY_CHARS
