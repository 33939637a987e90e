"""Assumed roles' credentials last an hour; a run that lasts longer assumes the role
again before they expire, in every client of the account, without asking STS who it is
again. Time moves on a test clock: STS issues, and ECR refuses expired credentials, on
it (ecrrepl/sandbox/ecr_gaps/credentials.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ecrrepl.aws.reader import read_replication
from ecrrepl.config.model import AccountAccess, RegistryAddress
from ecrrepl.errors import UserError
from ecrrepl.sandbox.ecr_gaps.credentials import credentials_expiring_on
from harness.sessions import ObservedSessions

ROLE_ACCOUNT = "222222222222"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/ecrrepl"
EU = RegistryAddress(ROLE_ACCOUNT, "eu-west-1")
US = RegistryAddress(ROLE_ACCOUNT, "us-east-2")


class Clock:
    """An aware UTC time that moves only when the test says."""

    def __init__(self) -> None:
        self.now = datetime.datetime(2026, 12, 2, 8, 0, tzinfo=datetime.UTC)

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(aws: None) -> Iterator[Clock]:
    moving = Clock()
    with credentials_expiring_on(moving):
        yield moving


class SigningSessions(ObservedSessions):
    """ObservedSessions that also remember the access key each ECR request was signed with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signed_with: list[str] = []

    def _new_client(self, source: Any, service: str, region: str) -> Any:
        client = super()._new_client(source, service, region)
        client.meta.events.register("before-send.ecr.*", self._remember_key)
        return client

    def _remember_key(self, request: Any, **kwargs: Any) -> None:
        authorization = request.headers["Authorization"].decode()
        self.signed_with.append(authorization.split("Credential=")[1].split("/")[0])


def role_sessions(clock: Clock) -> SigningSessions:
    access = AccountAccess(account=ROLE_ACCOUNT, role_arn=ROLE_ARN)
    return SigningSessions({ROLE_ACCOUNT: access}, clock=clock)


def test_the_emulator_refuses_credentials_that_expired_on_the_clock(clock: Clock) -> None:
    answer = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=ROLE_ARN, RoleSessionName="static"
    )["Credentials"]
    keys = {
        "aws_access_key_id": answer["AccessKeyId"],
        "aws_secret_access_key": answer["SecretAccessKey"],
        "aws_session_token": answer["SessionToken"],
    }
    ecr = boto3.client("ecr", region_name="eu-west-1", **keys)
    assert ecr.describe_registry()["registryId"] == ROLE_ACCOUNT

    clock.advance(hours=1)

    with pytest.raises(ClientError) as raised:
        ecr.describe_registry()
    assert raised.value.response["Error"]["Code"] == "ExpiredTokenException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_an_assumed_role_is_assumed_again_before_its_credentials_expire(clock: Clock) -> None:
    sessions = role_sessions(clock)
    sessions.verify_identities([ROLE_ACCOUNT])
    ecr = sessions.ecr(EU)
    assert ecr.describe_registry()["registryId"] == ROLE_ACCOUNT

    # 10 minutes left: botocore's mandatory refresh window; every call waits for it.
    clock.advance(minutes=50, seconds=1)
    assert ecr.describe_registry()["registryId"] == ROLE_ACCOUNT
    # Long after the first credentials expired: assumed again, still the same account.
    clock.advance(hours=2)
    assert ecr.describe_registry()["registryId"] == ROLE_ACCOUNT

    assert sessions.counts() == {"AssumeRole": 3, "GetCallerIdentity": 1, "DescribeRegistry": 3}
    first, second, third = sessions.signed_with
    assert len({first, second, third}) == 3


def test_credentials_with_time_left_are_not_renewed(clock: Clock) -> None:
    sessions = role_sessions(clock)
    ecr = sessions.ecr(EU)

    for _ in range(3):
        ecr.describe_registry()
        clock.advance(minutes=10)

    assert sessions.counts()["AssumeRole"] == 1
    assert len(set(sessions.signed_with)) == 1


def test_every_client_of_the_account_shares_one_renewal(clock: Clock) -> None:
    sessions = role_sessions(clock)
    sessions.verify_identities([ROLE_ACCOUNT])
    clients = [sessions.ecr(EU), sessions.ecr(US)]

    clock.advance(hours=3)
    for client in clients:
        assert client.describe_registry()["registryId"] == ROLE_ACCOUNT
    assert sessions.sts(ROLE_ACCOUNT).get_caller_identity()["Account"] == ROLE_ACCOUNT

    assert sessions.counts()["AssumeRole"] == 2
    assert len(set(sessions.signed_with)) == 1


def test_a_renewal_that_fails_names_account_role_and_region(clock: Clock) -> None:
    assumed: list[int] = []

    def deny_after_the_first(**kwargs: Any) -> tuple[Any, dict[str, Any]] | None:
        from botocore.awsrequest import AWSResponse

        assumed.append(1)
        if len(assumed) == 1:
            return None
        return AWSResponse("https://sts.amazonaws.com/", 403, {}, None), {
            "Error": {"Code": "AccessDenied", "Message": "not authorized to perform"}
        }

    sessions = role_sessions(clock)
    sessions.hooks = [("before-call.sts.AssumeRole", deny_after_the_first)]
    sessions.verify_identities([ROLE_ACCOUNT])

    clock.advance(hours=2)
    with pytest.raises(UserError) as raised:
        read_replication(sessions, EU)

    assert raised.value.message == (
        f"account {ROLE_ACCOUNT} cannot be reached: renewing the credentials of role "
        f"{ROLE_ARN} failed in region us-east-1: AccessDenied: not authorized to perform"
    )


def test_status_waits_two_hours_through_a_role_whose_credentials_last_one(
    clock: Clock,
    write_config: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecrrepl.commands.status import status
    from ecrrepl.replication_status import Waiting
    from ecrrepl.sandbox import ecr_gaps
    from harness.cli import outcome_of
    from harness.replication_arrange import (
        DR_ACCOUNT,
        SOURCE_ACCOUNT,
        TWO_ACCOUNTS,
        allow_replication,
        ecr,
        push,
        replicate,
    )

    allow_replication(ecr(DR_ACCOUNT, "eu-west-1"), "eu-west-1")
    source = ecr(SOURCE_ACCOUNT, "us-west-2")
    replicate(source, (SOURCE_ACCOUNT, "us-east-1"), (DR_ACCOUNT, "eu-west-1"))
    ecr_gaps.replication_settings(in_progress_polls=10_000)
    push(source, "prod/api", "1.0")
    start = clock.now

    def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    # The command's own sessions see the same clock (both source and DR by role_arn).
    monkeypatch.setattr("ecrrepl.aws.session._now", clock)
    waiting = Waiting(0, clock=lambda: (clock.now - start).total_seconds(), sleep=sleep)

    result = outcome_of(
        status,
        [write_config(TWO_ACCOUNTS)],
        repository="prod/api",
        tag="1.0",
        wait=True,
        timeout="2h",
        waiting=waiting,
    )

    assert result.exit_code == 1
    assert result.stdout.endswith(
        "Timed out after 2h00m: still in progress to 111111111111/us-east-1, "
        "222222222222/eu-west-1 (0 of 2 expected destinations complete).\n"
    )
    assert clock.now - start == datetime.timedelta(hours=2)
