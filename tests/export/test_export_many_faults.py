"""`ecrrepl export` of several accounts when one cannot be reached or is not said how to
be: one line naming the account, the documented exit code, and nothing printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import moto.sts.models as sts_models
import pytest
import yaml
from moto.core.exceptions import ServiceException
from moto.ecr.models import ECRBackend
from moto.sts.exceptions import STSClientError

from harness.accounts import BASE_ACCOUNT, ecr_client
from harness.cli import run_main as run

SECOND, THIRD = "222222222222", "333333333333"


def export_three(*extra: str) -> list[str]:
    return [
        "export", "--region", "us-west-2", "--region", "us-east-1",
        "--account", BASE_ACCOUNT, "--account", SECOND, "--account", THIRD, *extra,
    ]  # fmt: skip


@pytest.fixture
def denied_role(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """STS refuses AssumeRole of any role in the account given, as AWS does when the
    role does not exist or does not trust the caller (AccessDenied)."""

    def deny(account: str) -> None:
        assume_role = sts_models.STSBackend.assume_role

        def refusing(self: Any, **kwargs: Any) -> Any:
            if kwargs["role_arn"].split(":")[4] == account:
                raise STSClientError(
                    "AccessDenied",
                    f"User: arn:aws:iam::{BASE_ACCOUNT}:user/ci is not authorized to perform: "
                    f"sts:AssumeRole on resource: {kwargs['role_arn']}",
                )
            return assume_role(self, **kwargs)

        monkeypatch.setattr(sts_models.STSBackend, "assume_role", refusing)

    return deny


# AccessDenied is one of the errors common to every AWS API, so not in STS's model.
@pytest.mark.filterwarnings("ignore:Exception\\(STSClientError\\):UserWarning")
def test_an_account_whose_role_cannot_be_assumed_stops_the_whole_export(
    aws: None, denied_role: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    ecr_client(SECOND, "us-west-2").put_replication_configuration(
        replicationConfiguration={"rules": [{"destinations": [{"region": "us-east-1",
                                                              "registryId": SECOND}]}]}
    )  # fmt: skip
    denied_role(THIRD)

    code, out, err = run(export_three("--role-name", "ecrrepl"), capsys)

    assert (code, out) == (1, "")
    assert err == (
        f"ecrrepl: error: account {THIRD} cannot be reached: assuming role "
        f"arn:aws:iam::{THIRD}:role/ecrrepl failed in region us-east-1: AccessDenied: "
        f"User: arn:aws:iam::{BASE_ACCOUNT}:user/ci is not authorized to perform: "
        f"sts:AssumeRole on resource: arn:aws:iam::{THIRD}:role/ecrrepl; nothing was written\n"
    )


def test_an_account_reached_through_a_missing_profile_is_named(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "accounts.yaml"
    config.write_text(
        f'version: 1\naccounts:\n  "{THIRD}":\n    profile: nowhere\nregistries: []\n'
    )

    code, out, err = run(export_three("--config", str(config), "--role-name", "ecrrepl"), capsys)

    assert (code, out) == (1, "")
    assert err.startswith(f"ecrrepl: error: account {THIRD} cannot be reached via profile nowhere")
    assert err.count("\n") == 1


def test_an_account_without_a_way_to_reach_it_is_a_usage_error(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(export_three(), capsys)

    assert (code, out) == (2, "")
    assert err == (
        f"ecrrepl: error: account {SECOND} is not the account of the base credentials "
        f"({BASE_ACCOUNT}): say how to reach it with --role-name or an `accounts` entry "
        "in --config\n"
    )


def test_a_role_of_another_account_is_refused_by_the_identity_check(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A profile whose keys are the base credentials: they belong to the base account.
    (tmp_path / "aws-credentials").write_text(
        "[wrong]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    config = tmp_path / "accounts.yaml"
    config.write_text(f'version: 1\naccounts:\n  "{SECOND}":\n    profile: wrong\nregistries: []\n')

    code, out, err = run(
        ["export", "--region", "us-west-2", "--account", SECOND, "--config", str(config)], capsys
    )

    assert (code, out) == (1, "")
    assert err == (
        f"ecrrepl: error: credentials for account {SECOND} belong to account {BASE_ACCOUNT} "
        "(via profile wrong); nothing was written\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--account", "12345"], "--account '12345' is not a 12-digit AWS account ID"),
        (
            ["--account", SECOND, "--role-name", "bad name"],
            "--role-name 'bad name' is not an IAM role name",
        ),
        (["--account", SECOND, "--role-name", "x" * 65], "is not an IAM role name"),
        (
            ["--region", "cn-north-1"],
            "regions us-west-2 (aws) and cn-north-1 (aws-cn) are in different partitions",
        ),
    ],
)
def test_bad_arguments_are_usage_errors_before_aws_is_asked(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # No emulator: a usage error must come before any call.
    code, out, err = run(["export", "--region", "us-west-2", *arguments], capsys)
    assert (code, out) == (2, "")
    assert message in err
    assert err.count("\n") == 1


def test_a_configuration_with_errors_is_refused(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "accounts.yaml"
    config.write_text(f'version: 1\naccounts:\n  "{SECOND}":\n    role_arn: nope\nregistries: []\n')

    code, out, err = run(
        ["export", "--region", "us-west-2", "--account", SECOND, "--config", str(config)], capsys
    )

    assert (code, out) == (1, "")
    assert "E201" in err
    assert err.endswith(
        "ecrrepl: error: the configuration has 1 error; nothing was read from or written to AWS\n"
    )


def test_access_from_the_configuration_is_carried_into_the_export(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The `accounts` entries given are how the exported file reaches each account: a role
    with its external ID, a profile (and an alias for people), and a policy the owners
    asked ecrrepl to leave alone, both for an exported account and for one that is only
    replicated into."""
    (tmp_path / "aws-config").write_text(
        f"[profile third]\nrole_arn = arn:aws:iam::{THIRD}:role/ops\n"
        "credential_source = Environment\n"
    )
    ecr_client(SECOND, "us-west-2").put_replication_configuration(
        replicationConfiguration={"rules": [{"destinations": [
            {"region": "us-east-1", "registryId": "444444444444"}]}]}
    )  # fmt: skip
    # The destination's own team grants the replication (the file will not manage it).
    ecr_client("444444444444", "us-east-1").put_registry_policy(
        policyText=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "GrantedByThePlatformTeam", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{SECOND}:root"},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": "arn:aws:ecr:us-east-1:444444444444:repository/*"}]})
    )  # fmt: skip
    config = tmp_path / "accounts.yaml"
    config.write_text(
        "version: 1\naccounts:\n"
        f'  "{SECOND}":\n    role_arn: arn:aws:iam::{SECOND}:role/ecrrepl\n'
        "    external_id: shared-secret\n    manage_registry_policy: false\n"
        f'  "{THIRD}":\n    profile: third\n    alias: operations\n'
        '  "444444444444":\n    role_arn: arn:aws:iam::444444444444:role/ecrrepl\n'
        "registries: []\n"
    )

    code, exported, err = run(
        export_three("--config", str(config), "--role-name", "unused"), capsys
    )

    assert (code, err) == (0, "")
    assert yaml.safe_load(exported)["accounts"] == {
        SECOND: {
            "role_arn": f"arn:aws:iam::{SECOND}:role/ecrrepl",
            "external_id": "shared-secret",
            "manage_registry_policy": False,
        },
        THIRD: {"profile": "third", "alias": "operations"},
        "444444444444": {
            "role_arn": "arn:aws:iam::444444444444:role/ecrrepl",
            "manage_registry_policy": False,
        },
    }
    path = tmp_path / "exported.yaml"
    path.write_text(exported)
    code, out, err = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 0, out + err


class AccessDenied(ServiceException):
    code = "AccessDeniedException"
    message = "not authorized to perform: ecr:DescribeRegistry"


@pytest.mark.filterwarnings("ignore:Exception.*does not match an error shape")
def test_a_read_refused_in_one_account_stops_the_whole_export(
    aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    describe_registry = ECRBackend.describe_registry

    def refusing(backend: ECRBackend) -> Any:
        if (backend.account_id, backend.region_name) == (THIRD, "us-east-1"):
            raise AccessDenied()
        return describe_registry(backend)

    monkeypatch.setattr(ECRBackend, "describe_registry", refusing)

    code, out, err = run(export_three("--role-name", "ecrrepl"), capsys)

    assert (code, out) == (1, "")
    assert err == (
        f"ecrrepl: error: DescribeRegistry failed in account {THIRD} region us-east-1: "
        "AccessDeniedException: not authorized to perform: ecr:DescribeRegistry\n"
    )
