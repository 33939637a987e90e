"""Registry policy statements as a CloudFormation template, for stacks that own a registry.

One `AWS::ECR::RegistryPolicy` resource: a stack is regional, and the resource writes
the registry policy of the stack's account and region. It replaces the whole policy,
as PutRegistryPolicy does, so the template's description says to add the registry's
other statements beside ecrrepl's. YAML, through PyYAML's safe dumper, so every value
is quoted as YAML needs.

Source: CloudFormation template reference, AWS::ECR::RegistryPolicy (PolicyText: Json,
required), https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-registrypolicy.html,
checked 2026-12-02.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecrrepl.config.model import RegistryAddress
from ecrrepl.policy import DEFAULT_POLICY_VERSION

RESOURCE_NAME = "EcrreplRegistryPolicy"


def render_policy_cloudformation(
    address: RegistryAddress, statements: Sequence[Mapping[str, Any]]
) -> str:
    import yaml

    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            f"Registry policy statements ecrrepl's replication needs in {address}. Deploy in "
            f"account {address.account}, region {address.region}. AWS::ECR::RegistryPolicy "
            "replaces the registry's whole policy: keep the registry's other statements here too."
        ),
        "Resources": {
            RESOURCE_NAME: {
                "Type": "AWS::ECR::RegistryPolicy",
                "Properties": {
                    "PolicyText": {
                        "Version": DEFAULT_POLICY_VERSION,
                        "Statement": [dict(statement) for statement in statements],
                    }
                },
            }
        },
    }
    text: str = yaml.safe_dump(template, sort_keys=False, default_flow_style=False, width=100)
    return text
