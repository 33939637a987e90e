"""Repository creation templates: the role ECR assumes to create repositories (E311)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecrrepl import regions
from ecrrepl.config.model import Config
from ecrrepl.lint.registry import Report, rule
from ecrrepl.lint.rules.templates_placement import API_REFERENCE

# IAM User Guide, IAM identifiers, "IAM ARNs": arn:<partition>:iam::<account>:role/<path><name>
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns),
# role names and paths of [\w+=,.@-] and `/`; checked 2026-12-02.
ROLE_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z0-9-]*):iam::(?P<account>[0-9]{12}):role/[\w+=,.@/-]+"
)


@rule(
    "E311",
    "template `custom_role_arn` that is not an IAM role of the template's own account",
    source=f"ECR API reference, CreateRepositoryCreationTemplate and "
    f"UpdateRepositoryCreationTemplate, customRoleArn: {API_REFERENCE}"
    "API_UpdateRepositoryCreationTemplate.html (checked 2026-12-02)",
)
def foreign_custom_role(config: Config) -> Iterator[Report]:
    """A template's `custom_role_arn` is the ARN of a role in the template's own account.

    The API reference says of customRoleArn: "The ARN of the role to be assumed by Amazon
    ECR. This role must be in the same account as the registry that you are configuring."
    A user, a role of another account, or text that is no role ARN cannot be used; an
    account lives in one partition, so the ARN's partition is that of the template's
    region too. `ecrrepl iam` grants iam:PassRole on this ARN, so a wrong one would
    also widen the policy it prints.
    """
    for template in config.templates:
        arn = template.custom_role_arn
        if arn is None:
            continue
        where = template.at("custom_role_arn")
        partition = regions.partition_of(template.region)
        expected = f"arn:{partition or 'aws'}:iam::{template.account}:role/NAME"
        match = ROLE_ARN.fullmatch(arn)
        if match is None:
            yield Report(
                f"custom_role_arn '{arn}' of template '{template.prefix}' is not an IAM role "
                f"ARN; ECR assumes a role of the registry's account: {expected}",
                where,
            )
        elif match["account"] != template.account:
            yield Report(
                f"custom_role_arn '{arn}' of template '{template.prefix}' is a role of "
                f"account {match['account']}, but the template is in {template.account}; "
                f"the role must be in the registry's own account: {expected}",
                where,
            )
        elif partition is not None and match["partition"] != partition:
            yield Report(
                f"custom_role_arn '{arn}' of template '{template.prefix}' is in partition "
                f"{match['partition']}, but the template's region {template.region} is in "
                f"{partition}: {expected}",
                where,
            )
