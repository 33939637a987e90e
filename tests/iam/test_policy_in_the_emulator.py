"""The roles a user creates from `ecrrepl iam` alone are enough, and no more than enough.

The README's steps, in the emulator with IAM enforced: in the base account a user `ci`
with the policy of its account (and sts:AssumeRole on the file's roles); in each other
account a role `ecrrepl` that trusts `ci`, with the policy of that account. Then
ecrrepl runs as `ci`. moto checks each call's action and resource (repository ARNs:
harness gap f); it evaluates no aws:RequestedRegion condition and none of the
permissions AWS checks on another call (iam:PassRole, iam:CreateServiceLinkedRole,
the template's dependent actions), which the unit tests cover.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from ecrrepl.commands.apply import apply
from ecrrepl.commands.backfill import backfill
from ecrrepl.commands.diff import diff
from ecrrepl.commands.iam import iam
from ecrrepl.commands.restore import restore
from ecrrepl.commands.status import status
from ecrrepl.errors import UserError
from ecrrepl.sandbox.images import push_image
from harness.accounts import BASE_ACCOUNT, assumed_keys
from harness.lab import CONFIG, DR, EU, REDUCED, SOURCE

TEMPLATE = """\
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    image_tag_mutability: IMMUTABLE
"""
FILE = CONFIG + TEMPLATE
USER_ARN = f"arn:aws:iam::{BASE_ACCOUNT}:user/ci"
ROLE_ARNS = [f"arn:aws:iam::{account}:role/ecrrepl" for account in (EU[0], DR[0])]


def policy_of(config_path: str, account: str, *purposes: str) -> dict[str, Any]:
    out = io.StringIO()
    assert iam([config_path], account=account, purposes=purposes, out=out, err=io.StringIO()) == 0
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def create_policy(client: Any, name: str, document: dict[str, Any]) -> str:
    arn: str = client.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"][
        "Arn"
    ]
    return arn


@pytest.fixture
def config_path(aws: None, write_config: Callable[..., str]) -> str:
    path: str = write_config(FILE)
    return path


@pytest.fixture
def as_ci(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """`as_ci(config_path, *purposes)`: the README's roles for those purposes, then IAM
    enforced and the base credentials those of the user `ci`."""

    def arrange(config_path: str, *purposes: str) -> None:
        base = boto3.client("iam", region_name="us-east-1")
        base.create_user(UserName="ci")
        keys = base.create_access_key(UserName="ci")["AccessKey"]
        own = policy_of(config_path, BASE_ACCOUNT, *purposes)
        own["Statement"].append(
            {"Sid": "AssumeEcrreplRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
             "Resource": ROLE_ARNS}
        )  # fmt: skip
        base.attach_user_policy(UserName="ci", PolicyArn=create_policy(base, "ecrrepl", own))
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": USER_ARN}, "Action": "sts:AssumeRole"}
            ],
        }
        for account in (EU[0], DR[0]):
            client = boto3.client("iam", region_name="us-east-1", **assumed_keys(account))
            client.create_role(RoleName="ecrrepl", AssumeRolePolicyDocument=json.dumps(trust))
            policy = create_policy(client, "ecrrepl", policy_of(config_path, account, *purposes))
            client.attach_role_policy(RoleName="ecrrepl", PolicyArn=policy)
        from moto import settings
        from moto.core.authorization import ActionAuthenticatorMixin

        # Every request from now on is authorised.
        monkeypatch.setattr(
            settings, "INITIAL_NO_AUTH_ACTION_COUNT", ActionAuthenticatorMixin.request_count
        )
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys["SecretAccessKey"])

    yield arrange


def run_apply(config_path: str, tmp_path: Path) -> tuple[int, str]:
    """The exit code, and the report followed by the error's one line."""
    out = io.StringIO()
    try:
        code = apply([config_path], yes=True, backup_dir=str(tmp_path / "backups"), out=out)
    except UserError as error:
        return error.exit_code, out.getvalue() + error.message
    return code, out.getvalue()


def source_replication() -> Any:
    from moto import settings

    settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")  # read back as the test, not as ci
    ecr = boto3.client("ecr", region_name=SOURCE[1], aws_access_key_id="testing",
                       aws_secret_access_key="testing")  # fmt: skip
    return ecr.describe_registry().get("replicationConfiguration")


def test_the_apply_policies_let_diff_and_apply_run(
    config_path: str, as_ci: Callable[..., None], tmp_path: Path
) -> None:
    as_ci(config_path, "apply")
    assert diff([config_path], exit_code=True, out=io.StringIO()) == 3
    code, report = run_apply(config_path, tmp_path)
    assert (code, report.splitlines()[-1]) == (0, "Apply complete: 4 written.")
    assert diff([config_path], exit_code=True, out=io.StringIO()) == 0
    assert len(source_replication()["rules"]) == 2


def test_the_read_policies_let_diff_run_and_refuse_apply(
    config_path: str, as_ci: Callable[..., None], tmp_path: Path
) -> None:
    as_ci(config_path, "read")
    assert diff([config_path], exit_code=True, out=io.StringIO()) == 3
    code, report = run_apply(config_path, tmp_path)
    assert code == 1
    failed = [line for line in report.splitlines() if line.lstrip().startswith("FAILED")]
    assert failed == [
        "  FAILED  put the registry policy of 222222222222/eu-west-1 (323 characters): "
        "PutRegistryPolicy failed in account 222222222222 region eu-west-1: "
        "AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/ecrrepl/ecrrepl "
        "is not authorized to perform: ecr:PutRegistryPolicy on resource: *"
    ]
    assert report.endswith("0 written, 1 failed, 3 not attempted. Later writes were not "
                           "attempted so that replication never runs without permission; fix "
                           "the cause and run the command again (it converges)")  # fmt: skip
    assert not (source_replication() or {}).get("rules")


def test_the_operate_policies_let_a_backfill_dry_run_count_images(
    config_path: str, as_ci: Callable[..., None], tmp_path: Path
) -> None:
    source = boto3.client("ecr", region_name=SOURCE[1])
    source.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [{"region": "us-east-1", "registryId": BASE_ACCOUNT}],
                    "repositoryFilters": [{"filter": "prod/", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    )
    source.create_repository(repositoryName="prod/api")
    source.create_repository(repositoryName="other/tool")
    as_ci(config_path, "operate")
    out, err = io.StringIO(), io.StringIO()
    code = backfill([config_path], destinations=[f"{BASE_ACCOUNT}/us-east-1"], dry_run=True,
                    out=out, err=err)  # fmt: skip
    assert code == 0
    assert "prod/api" in out.getvalue()
    assert "other/tool" not in out.getvalue()


def test_without_operate_a_backfill_dry_run_is_refused(
    config_path: str, as_ci: Callable[..., None]
) -> None:
    source = boto3.client("ecr", region_name=SOURCE[1])
    source.put_replication_configuration(
        replicationConfiguration={
            "rules": [{"destinations": [{"region": "us-east-1", "registryId": BASE_ACCOUNT}]}]
        }
    )
    as_ci(config_path, "apply")
    with pytest.raises(UserError, match="AccessDenied") as refused:
        backfill([config_path], destinations=[f"{BASE_ACCOUNT}/us-east-1"], dry_run=True,
                 out=io.StringIO(), err=io.StringIO())  # fmt: skip
    assert "DescribeRepositories" in refused.value.message


def test_the_apply_policies_let_restore_undo_an_apply(
    config_path: str, as_ci: Callable[..., None], tmp_path: Path
) -> None:
    as_ci(config_path, "apply")
    assert run_apply(config_path, tmp_path)[0] == 0
    (backup,) = sorted((tmp_path / "backups").glob("*.json"))
    out = io.StringIO()
    code = restore(str(backup), yes=True, backup_dir=str(tmp_path / "backups"), out=out)
    assert code == 0, out.getvalue()
    # Restoring deleted the template apply created (DeleteRepositoryCreationTemplate).
    assert "delete the creation template 'prod' in 222222222222/eu-west-1" in out.getvalue()
    assert not (source_replication() or {}).get("rules")


def test_the_operate_policies_let_status_ask_where_an_image_went(
    config_path: str, as_ci: Callable[..., None], tmp_path: Path
) -> None:
    assert run_apply(config_path, tmp_path)[0] == 0  # as the test, before IAM is enforced
    push_image(boto3.client("ecr", region_name=SOURCE[1]), "prod/api", "v1")
    as_ci(config_path, "operate")
    out = io.StringIO()
    status([config_path], repository="prod/api", tag="v1", out=out, err=io.StringIO())
    assert out.getvalue().startswith("image prod/api:v1 (sha256:")
    assert "from 123456789012/us-west-2" in out.getvalue()


def test_the_apply_policies_let_apply_clean_up_a_destination_removed_from_the_file(
    aws: None, write_config: Callable[..., str], as_ci: Callable[..., None], tmp_path: Path
) -> None:
    # CONFIG applied; then REDUCED names 222222222222 and 333333333333 only under
    # `accounts:`. The live rules still send there, so apply reads their registry policies
    # and removes the statements it wrote, with the roles `ecrrepl iam REDUCED` prints.
    full = write_config(CONFIG, "full.yaml")
    assert run_apply(full, tmp_path)[0] == 0  # as the test, before IAM is enforced
    reduced = write_config(REDUCED, "reduced.yaml")
    as_ci(reduced, "apply")
    code, report = run_apply(reduced, tmp_path)
    assert code == 0, report
    assert "AccessDenied" not in report
    assert diff([reduced], exit_code=True, out=io.StringIO()) == 0
    from moto import settings

    settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")  # read back as the test
    for account, region in (EU, DR):
        ecr = boto3.client("ecr", region_name=region, **assumed_keys(account))
        with pytest.raises(ecr.exceptions.RegistryPolicyNotFoundException):
            ecr.get_registry_policy()


def test_the_operate_policies_let_a_dry_run_count_under_the_live_filters(
    aws: None, write_config: Callable[..., str], as_ci: Callable[..., None]
) -> None:
    # The live rule sends other/ to us-east-1; the file's only filters are prod/ and base-.
    config_path = write_config(REDUCED)
    source = boto3.client("ecr", region_name=SOURCE[1])
    source.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [{"region": "us-east-1", "registryId": BASE_ACCOUNT}],
                    "repositoryFilters": [{"filter": "other/", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    )
    source.create_repository(repositoryName="other/tool")
    as_ci(config_path, "operate")
    out = io.StringIO()
    code = backfill([config_path], destinations=[f"{BASE_ACCOUNT}/us-east-1"], dry_run=True,
                    out=out, err=io.StringIO())  # fmt: skip
    assert code == 0
    assert "other/tool" in out.getvalue()
