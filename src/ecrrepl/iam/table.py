"""Every permission the role ecrrepl uses in an account needs, and why: one table.

`ecrrepl iam` builds each account's policy from this table, the README's permission
section is generated from it, and a test compares the AWS calls in `ecrrepl.aws`
with the operations named here, so a new call without a permission fails the suite.

Each row is one IAM action, the purpose it serves (`--for`), and the resources of an
account it is granted on (a `Scope`, which `ecrrepl.iam.policy` turns into ARNs).
Resource types per action: Service Authorization Reference, "Actions, resources, and
condition keys for Amazon Elastic Container Registry"
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html),
checked 2026-12-02: the registry-level actions (DescribeRegistry,
PutReplicationConfiguration, Get/Put/DeleteRegistryPolicy, the repository creation
template actions) take no resource type, so they get Resource "*" narrowed to the
file's regions with aws:RequestedRegion, except the registry policy actions of an account
whose policy the file may manage (granted in every region: the live rules may still send
to a region the file no longer names); DescribeRepositories, DescribeImages and
DescribeImageReplicationStatus take the repository resource type. The reference lists
ecr:CreateRepository, ecr:PutLifecyclePolicy, ecr:SetRepositoryPolicy and iam:PassRole as
dependent actions of the template writes, and no replication backfill action at all (also
read in iann0036/iam-dataset, aws/iam_definition.json, the reference as data). The
reference gives ecr:CreateRepository the repository resource type, but neither it nor the
user guide says which repository ARN AWS checks the dependent actions against while it
creates a template (no repository exists then), so they stay on "*" in the template
regions rather than `repository/<prefix>*` (checked 2026-12-02).
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import NamedTuple

SAR_ECR = (
    "Service Authorization Reference, Amazon Elastic Container Registry "
    "(https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "list_amazonelasticcontainerregistry.html), checked 2026-12-02"
)
TEMPLATE_GUIDE = (
    "ECR user guide, IAM permissions for creating repository creation templates "
    "(https://docs.aws.amazon.com/AmazonECR/latest/userguide/"
    "repository-creation-templates-create.html), and the dependent actions of "
    "UpdateRepositoryCreationTemplate in the Service Authorization Reference, checked 2026-12-02"
)
REPLICATION_SLR_GUIDE = (
    "ECR user guide, Amazon ECR service-linked role for replication "
    "(https://docs.aws.amazon.com/AmazonECR/latest/userguide/slr-replication.html), "
    "checked 2026-12-02"
)
TEMPLATE_SLR_GUIDE = (
    "ECR user guide, Amazon ECR service-linked role for repository creation templates "
    "(https://docs.aws.amazon.com/AmazonECR/latest/userguide/slr-rct.html), checked 2026-12-02"
)
STS_IDENTITY = (
    "STS API reference, GetCallerIdentity "
    "(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html): "
    "AWS requires no permission for it; it is listed so that the policy names every call, "
    "checked 2026-12-02"
)
# botocore 1.44.5 ECR model (service-2.json) has the three backfill operations; neither the
# Service Authorization Reference (as of its August 2026 data) nor the user guide lists
# their IAM actions or resource types. ecrrepl assumes the usual ecr:<Operation> action
# and grants it on Resource "*" in the source registries' regions, which holds whatever
# resource type AWS gives them.
BACKFILL_MODEL = (
    "botocore ECR model (StartReplicationBackfill, ListReplicationBackfills, "
    "DescribeReplicationBackfillResults); no AWS page found that lists their IAM resource "
    'types, so they are granted on "*" in the source regions, checked 2026-12-02'
)


class Purpose(StrEnum):
    """What the role is for: `ecrrepl iam --for`."""

    READ = "read"
    APPLY = "apply"
    OPERATE = "operate"


# `--for apply` and `--for operate` include what `read` needs: both start by reading.
INCLUDED: dict[Purpose, frozenset[Purpose]] = {
    Purpose.READ: frozenset({Purpose.READ}),
    Purpose.APPLY: frozenset({Purpose.READ, Purpose.APPLY}),
    Purpose.OPERATE: frozenset({Purpose.READ, Purpose.OPERATE}),
}


class Scope(Enum):
    """Which resources of one account a permission is granted on (value: the statement's
    Sid, then the README's words)."""

    ACCOUNT = ("VerifyIdentity", "the account (Resource `*`)")
    SOURCE_REGISTRIES = (
        "SourceRegistries",
        "`*` in the regions of the account's source registries",
    )
    UNMANAGED_POLICY_DESTINATIONS = (
        "CheckedRegistryPolicies",
        "`*` in the regions of the account's cross-account destination registries, when "
        "the file sets `manage_registry_policy: false` for it",
    )
    MANAGED_POLICY_ACCOUNTS = (
        "ManagedRegistryPolicies",
        "`*` in every region, when the file names the account and may manage its registry "
        "policy: diff and apply also read and clean up the policy of destinations only the "
        "live rules still send to (a destination removed from the file, or moved to another "
        "region), and restore writes the registries its backup names",
    )
    TEMPLATE_REGISTRIES = (
        "CreationTemplates",
        "`*` in the regions where the account has templates",
    )
    LIFECYCLE_TEMPLATE_REGISTRIES = (
        "CreationTemplates",
        "`*` in the regions where the account has a template with `lifecycle_policy`",
    )
    POLICY_TEMPLATE_REGISTRIES = (
        "CreationTemplates",
        "`*` in the regions where the account has a template with `repository_policy`",
    )
    CUSTOM_ROLES = ("PassTemplateRoles", "each template's `custom_role_arn`")
    REPLICATION_SERVICE_ROLE = (
        "ReplicationServiceLinkedRole",
        "the role AWSServiceRoleForECRReplication, for `replication.ecr.amazonaws.com`",
    )
    TEMPLATE_SERVICE_ROLE = (
        "TemplateServiceLinkedRole",
        "the role AWSServiceRoleForECRTemplate, for `ecr.amazonaws.com`",
    )
    DESTINATION_REPOSITORIES = (
        "DestinationRepositories",
        "`repository/*` of each destination registry in the account",
    )
    SOURCE_REPOSITORIES = ("SourceRepositories", "`repository/*` of each source registry")
    FILTERED_SOURCE_REPOSITORIES = (
        "ReplicatedRepositories",
        "`repository/<filter>*` of each source registry, for its rules' filters",
    )

    @property
    def sid(self) -> str:
        return self.value[0]

    @property
    def words(self) -> str:
        return self.value[1]


class Permission(NamedTuple):
    action: str
    purpose: Purpose
    scope: Scope
    # The API operations ecrrepl calls that this action authorises; () when AWS checks it
    # while handling another call (a dependent action).
    calls: tuple[str, ...]
    commands: str
    source: str


def _permission(
    action: str,
    purpose: Purpose,
    scope: Scope,
    commands: str,
    source: str,
    *,
    dependent: bool = False,
) -> Permission:
    """A row whose action authorises the operation it is named after
    (`ecr:PutRegistryPolicy`: PutRegistryPolicy), or with `dependent`, none."""
    calls = () if dependent else (action.split(":", 1)[1],)
    return Permission(action, purpose, scope, calls, commands, source)


PERMISSIONS: tuple[Permission, ...] = (
    _permission(
        "sts:GetCallerIdentity", Purpose.READ, Scope.ACCOUNT,
        "every command that reaches AWS (the identity check)", STS_IDENTITY,
    ),
    _permission(
        "ecr:DescribeRegistry", Purpose.READ, Scope.SOURCE_REGISTRIES,
        "diff, apply, restore, export, backfill", SAR_ECR,
    ),
    _permission(
        "ecr:GetRegistryPolicy", Purpose.READ, Scope.MANAGED_POLICY_ACCOUNTS,
        "diff, apply, restore, export (the cross-account destinations in the exported accounts)",
        SAR_ECR,
    ),
    _permission(
        "ecr:GetRegistryPolicy", Purpose.READ, Scope.UNMANAGED_POLICY_DESTINATIONS,
        "diff, apply (the check of a policy ecrrepl leaves alone)", SAR_ECR,
    ),
    _permission(
        "ecr:DescribeRepositoryCreationTemplates", Purpose.READ, Scope.TEMPLATE_REGISTRIES,
        "diff, apply, restore, export", SAR_ECR,
    ),
    _permission(
        "ecr:DescribeRepositories", Purpose.READ, Scope.DESTINATION_REPOSITORIES,
        "diff, apply (destination repositories with immutable tags; the file's destinations "
        "only, never live-only ones)", SAR_ECR,
    ),
    _permission(
        "ecr:PutReplicationConfiguration", Purpose.APPLY, Scope.SOURCE_REGISTRIES,
        "apply, restore", SAR_ECR,
    ),
    _permission(
        "iam:CreateServiceLinkedRole", Purpose.APPLY, Scope.REPLICATION_SERVICE_ROLE,
        "apply (AWS creates the role on the first PutReplicationConfiguration)",
        REPLICATION_SLR_GUIDE, dependent=True,
    ),
    _permission(
        "ecr:PutRegistryPolicy", Purpose.APPLY, Scope.MANAGED_POLICY_ACCOUNTS,
        "apply, restore", SAR_ECR,
    ),
    _permission(
        "ecr:DeleteRegistryPolicy", Purpose.APPLY, Scope.MANAGED_POLICY_ACCOUNTS,
        "apply, restore", SAR_ECR,
    ),
    _permission(
        "ecr:CreateRepositoryCreationTemplate", Purpose.APPLY, Scope.TEMPLATE_REGISTRIES,
        "apply, restore", TEMPLATE_GUIDE,
    ),
    _permission(
        "ecr:UpdateRepositoryCreationTemplate", Purpose.APPLY, Scope.TEMPLATE_REGISTRIES,
        "apply, restore", TEMPLATE_GUIDE,
    ),
    _permission(
        "ecr:DeleteRepositoryCreationTemplate", Purpose.APPLY, Scope.TEMPLATE_REGISTRIES,
        "restore (a template apply created)", TEMPLATE_GUIDE,
    ),
    _permission(
        "ecr:CreateRepository", Purpose.APPLY, Scope.TEMPLATE_REGISTRIES,
        "apply, restore (AWS checks it on Create/UpdateRepositoryCreationTemplate; no AWS "
        "source says against which repository ARN, so `*`, not `repository/<prefix>*`)",
        TEMPLATE_GUIDE, dependent=True,
    ),
    _permission(
        "ecr:PutLifecyclePolicy", Purpose.APPLY, Scope.LIFECYCLE_TEMPLATE_REGISTRIES,
        "apply, restore (checked on a template with a lifecycle policy; no AWS source says "
        "against which repository ARN, so `*`)", TEMPLATE_GUIDE, dependent=True,
    ),
    _permission(
        "ecr:SetRepositoryPolicy", Purpose.APPLY, Scope.POLICY_TEMPLATE_REGISTRIES,
        "apply, restore (checked on a template with a repository policy; no AWS source says "
        "against which repository ARN, so `*`)", TEMPLATE_GUIDE, dependent=True,
    ),
    _permission(
        "iam:PassRole", Purpose.APPLY, Scope.CUSTOM_ROLES,
        "apply, restore (a template with `custom_role_arn`)", TEMPLATE_GUIDE, dependent=True,
    ),
    _permission(
        "iam:CreateServiceLinkedRole", Purpose.APPLY, Scope.TEMPLATE_SERVICE_ROLE,
        "apply (AWS creates the role on the first template)", TEMPLATE_SLR_GUIDE, dependent=True,
    ),
    _permission(
        "ecr:DescribeImageReplicationStatus", Purpose.OPERATE, Scope.FILTERED_SOURCE_REPOSITORIES,
        "status", SAR_ECR,
    ),
    _permission(
        "ecr:DescribeRepositories", Purpose.OPERATE, Scope.SOURCE_REPOSITORIES,
        "backfill --dry-run", SAR_ECR,
    ),
    # The dry run counts images under the LIVE rules' filters (commands/backfill.py),
    # which `ecrrepl iam` cannot know: every repository of a source registry with rules.
    _permission(
        "ecr:DescribeImages", Purpose.OPERATE, Scope.SOURCE_REPOSITORIES,
        "backfill --dry-run (under the live rules' filters)", SAR_ECR,
    ),
    # ... and compares them by digest with the destination's repository of the same name.
    _permission(
        "ecr:DescribeImages", Purpose.OPERATE, Scope.DESTINATION_REPOSITORIES,
        "backfill --dry-run (the images a destination already holds, compared by digest)", SAR_ECR,
    ),
    _permission(
        "ecr:ListReplicationBackfills", Purpose.OPERATE, Scope.SOURCE_REGISTRIES,
        "backfill", BACKFILL_MODEL,
    ),
    _permission(
        "ecr:StartReplicationBackfill", Purpose.OPERATE, Scope.SOURCE_REGISTRIES,
        "backfill", BACKFILL_MODEL,
    ),
    _permission(
        "ecr:DescribeReplicationBackfillResults", Purpose.OPERATE, Scope.SOURCE_REGISTRIES,
        "backfill", BACKFILL_MODEL,
    ),
)  # fmt: skip

# Calls made with the base credentials, not with the role of an account: the base identity
# needs sts:AssumeRole on each `role_arn` of the file (README, "The role in each account").
BASE_IDENTITY_CALLS = frozenset({"AssumeRole"})


def permissions_for(purposes: frozenset[Purpose]) -> tuple[Permission, ...]:
    """The rows `purposes` need, each purpose with what it includes, in table order."""
    wanted = frozenset().union(*(INCLUDED[purpose] for purpose in purposes))
    return tuple(row for row in PERMISSIONS if row.purpose in wanted)


def operations_covered() -> frozenset[str]:
    """Every API operation the table grants, and those made with the base credentials."""
    return frozenset(call for row in PERMISSIONS for call in row.calls) | BASE_IDENTITY_CALLS
