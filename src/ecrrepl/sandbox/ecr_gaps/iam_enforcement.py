"""Gap f: how moto's ECR authorises a request when it enforces IAM, and how it refuses one.

Resource. Stock moto checks every ECR action against Resource "*" (ECRResponse has no
`_determine_resource`), so an identity policy scoped to repository ARNs refuses every
repository action, and a policy on "*" allows every repository. AWS checks the
repository actions against the repository's ARN: Service Authorization Reference,
"Actions, resources, and condition keys for Amazon Elastic Container Registry",
resource type `repository*` (arn:${Partition}:ecr:${Region}:${Account}:repository/
${RepositoryName}) on DescribeImages, DescribeImageReplicationStatus, DescribeRepositories
and the other actions that name a repository; the registry-level actions (DescribeRegistry,
PutReplicationConfiguration, the registry policy and template actions) take no resource
type, so "*" (https://docs.aws.amazon.com/service-authorization/latest/reference/
list_amazonelasticcontainerregistry.html, checked 2026-12-02).

Not documented by AWS, so a decision here: DescribeRepositories without repositoryNames
(a listing) is checked against `repository/*` of the registry, the ARN that names every
repository in it; with several names, moto can check one resource only, and "*" is used,
which a repository-scoped policy refuses (stricter than AWS, never looser). moto also
evaluates no `aws:RequestedRegion` condition: that key is not in its request context.

Refusal. Stock moto answers a refused ECR call with an XML error document, which
botocore's JSON parser cannot read (the error code becomes "403"). ECR speaks JSON and
refuses with HTTP 403 `AccessDeniedException`, "User: <arn> is not authorized to
perform: ecr:<Action> on resource: <resource>" (ECR user guide, Troubleshooting Amazon
ECR error messages, https://docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors.html,
checked 2026-12-02).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import AccessDeniedError, JsonRESTError
from moto.core.responses import BaseResponse
from moto.utilities.utils import get_partition


def determine_resource(self: Any) -> str:
    """The ARN AWS would authorise this ECR request against (see the module docstring)."""
    try:
        params = json.loads(self.body or "{}")
    except (TypeError, ValueError):  # an unreadable body is refused by the action itself
        return "*"
    if not isinstance(params, dict):
        return "*"
    registry = params.get("registryId") or self.current_account
    prefix = f"arn:{get_partition(self.region)}:ecr:{self.region}:{registry}:repository/"
    if isinstance(params.get("resourceArn"), str):
        return str(params["resourceArn"])
    if isinstance(params.get("repositoryName"), str):
        return prefix + str(params["repositoryName"])
    if self._get_action() == "DescribeRepositories":
        names = params.get("repositoryNames") or []
        if not names:
            return prefix + "*"
        return prefix + names[0] if len(names) == 1 else "*"
    return "*"


class AccessDeniedException(JsonRESTError):
    code = 403


def authorize_as_ecr(self: Any, resource: str = "*") -> None:
    """moto's check, refusing the way ECR refuses (see the module docstring)."""
    try:
        BaseResponse._authenticate_and_authorize_normal_action(self, resource)
    except AccessDeniedError as error:
        raise AccessDeniedException(
            "AccessDeniedException", f"{error.message} on resource: {resource}"
        ) from None
