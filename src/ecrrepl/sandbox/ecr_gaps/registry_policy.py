"""Gap c: every ECR action in a registry policy; and what a registry policy grants to the
replication of another account."""

from __future__ import annotations

import json
import re
from typing import Any

from moto.ecr.models import ECRBackend
from moto.iam.exceptions import MalformedPolicyDocument
from moto.utilities.utils import get_partition

# The emulator stands for AWS, so it reads statements by the IAM grammar itself rather
# than through ecrrepl.policy_fields: sharing ecrrepl's reading would let the tests agree
# with the code instead of with AWS.
REPLICATE_IMAGE = "ecr:ReplicateImage"
CREATE_REPOSITORY = "ecr:CreateRepository"


def validate_registry_policy_actions(self: ECRBackend, policy_text: str) -> None:
    """Accept any ECR action, as registry policy scope V2 (the default) does.

    Stock moto accepts only ecr:CreateRepository and ecr:ReplicateImage, so a policy that
    also serves pull through cache (ecr:BatchImportUpstreamImage) or uses `ecr:*` is
    refused. AWS: "V2 is the expanded registry policy scope that includes all ECR
    permissions ... The V2 version is the default registry policy scope". Actions of
    other services stay refused, as stock moto refuses them.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
    """
    statements = json.loads(policy_text)["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", statement.get("NotAction", []))
        for action in [actions] if isinstance(actions, str) else actions:
            if not action.lower().startswith("ecr:"):
                raise MalformedPolicyDocument()


def repository_arn(region: str, account: str, repository_name: str) -> str:
    return f"arn:{get_partition(region)}:ecr:{region}:{account}:repository/{repository_name}"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, *, ignore_case: bool) -> bool:
    # IAM wildcards are `*` and `?` only; everything else is literal.
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _names_account(principal: Any, account: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return any(
        value == "*" or value == account or re.fullmatch(rf"arn:[\w-]+:iam::{account}:root", value)
        for value in _as_list(principal.get("AWS", []))
    )


def _covers(statement: dict[str, Any], key: str, value: str, *, ignore_case: bool) -> bool:
    if key in statement:
        return any(_glob(p, value, ignore_case=ignore_case) for p in _as_list(statement[key]))
    negated = f"Not{key}"
    if negated in statement:
        return not any(
            _glob(p, value, ignore_case=ignore_case) for p in _as_list(statement[negated])
        )
    return False


def _applies(statement: dict[str, Any], account: str, action: str, resource: str) -> bool:
    return (
        _names_account(statement.get("Principal"), account)
        and _covers(statement, "Action", action, ignore_case=True)
        and _covers(statement, "Resource", resource, ignore_case=False)
    )


def registry_policy_allows(
    backend: ECRBackend, source_account: str, action: str, repository_name: str
) -> bool:
    """Whether the registry policy of `backend` lets `source_account` do `action` on the
    repository: an Allow statement names the account (its id, its `:root` ARN, or `*`),
    covers the action and the repository ARN (IAM wildcards), and no Deny statement does.

    Cross-account replication needs the destination's registry policy to grant the source
    account ecr:ReplicateImage, and ecr:CreateRepository when the repository must be
    created: "If you do not grant the ecr:CreateRepository permission, you must manually
    create repositories with the same names in the destination account".
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
    Conditions are not evaluated: a statement with a Condition counts as if it held.
    """
    if not backend.registry_policy:
        return False
    resource = repository_arn(backend.region_name, backend.account_id, repository_name)
    statements = _as_list(json.loads(backend.registry_policy).get("Statement", []))
    applying = [s for s in statements if _applies(s, source_account, action, resource)]
    if any(s.get("Effect") == "Deny" for s in applying):
        return False
    return any(s.get("Effect") == "Allow" for s in applying)
