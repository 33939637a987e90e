"""How each account is reached: the role to assume or the profile to use."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecrrepl import regions
from ecrrepl.config.model import Config
from ecrrepl.lint.registry import Report, rule

# IAM role names and path segments: letters, digits and +=,.@_- ; a path is /seg/.../.
# STS AssumeRole, ExternalId: length 2..1224, pattern [\w+=,.@:\/-]*.
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
ROLE_ARN = re.compile(
    r"^arn:(?P<partition>[a-z0-9-]+):iam::(?P<account>\d{12}):"
    r"role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$",
    re.ASCII,
)

_IAM_ARNS = (
    'IAM user guide, "IAM identifiers", ARNs: '
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns"
)
_ASSUME_ROLE = (
    "STS API reference, AssumeRole (ExternalId): "
    "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html; "
    'AWS CLI user guide, "Use an IAM role in the AWS CLI": '
    "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html"
)


@rule(
    "E201",
    "role_arn that is not an IAM role ARN, or whose account differs from its key",
    source=_IAM_ARNS,
)
def bad_role_arn(config: Config) -> Iterator[Report]:
    """`role_arn` must be the ARN of an IAM role in the account it is listed under.

    ecrrepl assumes this role to reach the account, then checks with STS that the
    credentials belong to the account the file names; a role in another account would
    be refused there, after the file already passed validation. A user ARN, an
    instance profile or a typo (`arn:aws:iam:222222222222:role/x`, one colon short)
    cannot be assumed at all. The form is `arn:<partition>:iam::<12 digits>:role/<name>`,
    where the name may carry a path (`role/ci/ecrrepl`).
    """
    known_partitions = {partition.name for partition in regions.partitions()}
    for account, access in config.accounts.items():
        if access.role_arn is None:
            continue
        where = access.at("role_arn")
        match = ROLE_ARN.fullmatch(access.role_arn)
        if match is None:
            yield Report(
                f"role_arn '{access.role_arn}' of account {account} is not an IAM role ARN; "
                f"expected arn:aws:iam::{account}:role/NAME",
                where,
            )
        elif match["partition"] not in known_partitions:
            yield Report(
                f"role_arn '{access.role_arn}' names the unknown partition "
                f"'{match['partition']}'; known: {', '.join(sorted(known_partitions))}",
                where,
            )
        elif match["account"] != account:
            yield Report(
                f"role_arn '{access.role_arn}' is a role in account {match['account']}, "
                f"but it is listed under account {account}; ecrrepl would refuse the "
                "credentials it gets",
                where,
            )


@rule(
    "E202",
    "`profile` and `role_arn` both given, or an `external_id` AssumeRole cannot send",
    source=_ASSUME_ROLE,
)
def conflicting_access(config: Config) -> Iterator[Report]:
    """An account is reached one way: a named profile, or a role assumed from the base
    credentials.

    Given both, it is unclear which credentials should assume the role and which
    account the result belongs to. A profile can itself assume a role (`role_arn` and
    `source_profile` in the AWS config file), so one of the two keys always suffices.
    `external_id` is a parameter of AssumeRole: without `role_arn` nothing would send
    it, and a file that seems to use it would silently not. AssumeRole also refuses an
    external ID that is not 2 to 1224 letters, digits and `+=,.@:/-_`, which would otherwise
    only show at run time.
    """
    for account, access in config.accounts.items():
        if access.profile is not None and access.role_arn is not None:
            # Point at whichever of the two keys comes second: that is the one added last.
            later = max(access.at("profile"), access.at("role_arn"))
            yield Report(
                f"account {account} gives both `profile` and `role_arn`; use one (a profile "
                "can assume a role itself with role_arn and source_profile in the AWS config)",
                later,
            )
        if (
            access.external_id is not None
            and access.role_arn is None
            and not access.unreadable("role_arn", access.role_arn)  # its E004 said so
        ):
            yield Report(
                f"account {account} gives `external_id` without `role_arn`; an external ID "
                "is only sent when assuming a role, so add role_arn or remove external_id",
                access.at("external_id"),
            )
        if access.external_id is not None and not EXTERNAL_ID.fullmatch(access.external_id):
            yield Report(
                f"account {account}: external_id must be 2 to 1224 characters of letters, "
                "digits and +=,.@:/-_ (AssumeRole refuses anything else)",
                access.at("external_id"),
            )
