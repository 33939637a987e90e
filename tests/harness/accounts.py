"""Acting as an account of the emulated AWS, to arrange and inspect state in tests.

moto tells accounts apart by access keys: the base (fake) keys are its default account,
and STS AssumeRole hands out keys of the account in the role ARN, as in production.
"""

from __future__ import annotations

from typing import Any

import boto3

BASE_ACCOUNT = "123456789012"  # moto's account for the base credentials


def assumed_keys(account: str, endpoint_url: str | None = None) -> dict[str, Any]:
    """boto3 keyword arguments with the keys of a role assumed in `account`."""
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint_url)
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/test-setup", RoleSessionName="test-setup"
    )["Credentials"]
    return {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }


def credentials_for(account: str, endpoint_url: str | None = None) -> dict[str, Any]:
    """Keys that moto maps to `account`: the base keys (none given), or an assumed role's."""
    return {} if account == BASE_ACCOUNT else assumed_keys(account, endpoint_url)


def assume(account: str) -> boto3.Session:
    """A session acting as `account` through an assumed role, even for the base account."""
    return boto3.Session(**assumed_keys(account))


def ecr_client(account: str, region: str, endpoint_url: str | None = None) -> Any:
    """An ECR client acting as `account`: the base credentials, or an assumed role."""
    return boto3.client(
        "ecr",
        region_name=region,
        endpoint_url=endpoint_url,
        **credentials_for(account, endpoint_url),
    )
