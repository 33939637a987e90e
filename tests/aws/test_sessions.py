"""Sessions and the identity guard: every way in, and every way it is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.sts.models import sts_backends

from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import AccountAccess, Config, RegistryAddress
from ecrrepl.errors import UserError

# moto's account for the fake base credentials "testing".
BASE_ACCOUNT = "123456789012"


def role(account: str, name: str = "ecrrepl", external_id: str | None = None) -> AccountAccess:
    return AccountAccess(
        account=account, role_arn=f"arn:aws:iam::{account}:role/{name}", external_id=external_id
    )


def assumed_roles(account: str) -> list[Any]:
    return list(sts_backends[account]["aws"].assumed_roles)


@pytest.fixture
def profiles(tmp_path: Path) -> Iterator[Path]:
    """A shared config file: `plain` has static keys, `dr` assumes a role in 333333333333."""
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile plain]\n"
        "aws_access_key_id = testing\n"
        "aws_secret_access_key = testing\n"
        "[profile dr]\n"
        "role_arn = arn:aws:iam::333333333333:role/dr-admin\n"
        "source_profile = plain\n"
        "region = us-east-2\n",
        encoding="utf-8",
    )
    yield config


def test_an_account_without_entry_uses_the_base_credentials(aws: None) -> None:
    sessions = Sessions({})

    sessions.verify_identities([BASE_ACCOUNT])

    address = RegistryAddress(BASE_ACCOUNT, "us-west-2")
    assert sessions.ecr(address).describe_registry()["registryId"] == BASE_ACCOUNT


def test_role_arn_is_assumed_with_its_external_id(aws: None) -> None:
    sessions = Sessions({"222222222222": role("222222222222", external_id="ext-1")})

    sessions.verify_identities(["222222222222"])

    [assumed] = assumed_roles("222222222222")
    assert assumed.role_arn == "arn:aws:iam::222222222222:role/ecrrepl"
    assert assumed.session_name == "ecrrepl"
    assert assumed.external_id == "ext-1"
    registry = sessions.ecr(RegistryAddress("222222222222", "eu-west-1")).describe_registry()
    assert registry["registryId"] == "222222222222"


def test_role_without_external_id_sends_none(aws: None) -> None:
    Sessions({"222222222222": role("222222222222")}).verify_identities(["222222222222"])

    [assumed] = assumed_roles("222222222222")
    assert assumed.external_id is None


def test_a_named_profile_reaches_its_account(aws: None, profiles: Path) -> None:
    access = AccountAccess(account="333333333333", profile="dr")
    sessions = Sessions({"333333333333": access})

    sessions.verify_identities(["333333333333"])

    assert (
        sessions.ecr(RegistryAddress("333333333333", "us-east-2")).describe_registry()["registryId"]
        == "333333333333"
    )


def test_base_profile_is_used_for_accounts_without_entry(aws: None, profiles: Path) -> None:
    sessions = Sessions({}, profile="dr")

    sessions.verify_identities(["333333333333"])

    assert sessions.describe_access("333333333333") == "via the base profile dr"


def test_credentials_of_another_account_are_refused_naming_both(aws: None) -> None:
    access = AccountAccess(account="222222222222", role_arn="arn:aws:iam::999999999999:role/x")
    sessions = Sessions({"222222222222": access})

    with pytest.raises(UserError) as raised:
        sessions.verify_identities(["222222222222"])

    assert raised.value.message == (
        "credentials for account 222222222222 belong to account 999999999999 "
        "(via role arn:aws:iam::999999999999:role/x); nothing was written"
    )


def test_a_profile_of_another_account_is_refused(aws: None, profiles: Path) -> None:
    sessions = Sessions({"222222222222": AccountAccess(account="222222222222", profile="plain")})

    with pytest.raises(UserError) as raised:
        sessions.verify_identities(["222222222222"])

    assert raised.value.message == (
        f"credentials for account 222222222222 belong to account {BASE_ACCOUNT} "
        "(via profile plain); nothing was written"
    )


def test_base_credentials_of_another_account_are_refused(aws: None) -> None:
    with pytest.raises(UserError) as raised:
        Sessions({}).verify_identities(["111111111111"])

    assert raised.value.message == (
        f"credentials for account 111111111111 belong to account {BASE_ACCOUNT} "
        "(via the default credential chain); nothing was written"
    )


def test_identities_are_checked_once_per_account(
    aws: None, observed_sessions: Callable[..., Any]
) -> None:
    sessions = observed_sessions(
        accounts={"222222222222": role("222222222222"), "333333333333": role("333333333333")}
    )

    sessions.verify_identities(["222222222222", "333333333333", BASE_ACCOUNT])
    sessions.verify_identities(["333333333333", "222222222222"])
    sessions.verify_identities([BASE_ACCOUNT])

    assert sessions.counts() == {"GetCallerIdentity": 3, "AssumeRole": 2}


def test_no_credentials_is_a_user_error_naming_the_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    # Nothing is sent without credentials; a closed local port keeps it that way.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")

    with pytest.raises(UserError) as raised:
        Sessions({}).verify_identities(["111111111111"])

    assert raised.value.message == (
        "the credentials for account 111111111111 (via the default credential chain) cannot "
        "be used in region us-east-1: no usable credentials were found (Unable to locate "
        "credentials); nothing was written"
    )


def test_no_credentials_to_assume_a_role_names_account_and_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")

    with pytest.raises(UserError) as raised:
        Sessions({"222222222222": role("222222222222")}).verify_identities(["222222222222"])

    assert raised.value.message.startswith(
        "account 222222222222 cannot be reached: assuming role "
        "arn:aws:iam::222222222222:role/ecrrepl failed in region us-east-1: "
        "no usable credentials were found"
    )


def test_assume_role_denied_is_a_user_error(
    aws: None, observed_sessions: Callable[..., Any]
) -> None:
    deny = sts_refuses("AccessDenied", "not authorized to perform")
    sessions = observed_sessions(
        accounts={"222222222222": role("222222222222")},
        hooks=[("before-call.sts.AssumeRole", deny)],
    )

    with pytest.raises(UserError) as raised:
        sessions.verify_identities(["222222222222"])

    assert raised.value.message == (
        "account 222222222222 cannot be reached: assuming role "
        "arn:aws:iam::222222222222:role/ecrrepl failed in region us-east-1: "
        "AccessDenied: not authorized to perform; nothing was written"
    )


def test_expired_credentials_are_named_as_such(
    aws: None, observed_sessions: Callable[..., Any]
) -> None:
    expired = sts_refuses("ExpiredToken", "The security token is expired")
    sessions = observed_sessions(hooks=[("before-call.sts.GetCallerIdentity", expired)])

    with pytest.raises(UserError) as raised:
        sessions.verify_identities([BASE_ACCOUNT])

    assert "the credentials were refused (ExpiredToken: The security token is expired)" in (
        raised.value.message
    )
    assert f"account {BASE_ACCOUNT}" in raised.value.message


def test_unknown_profile_is_a_user_error(aws: None) -> None:
    sessions = Sessions({"333333333333": AccountAccess(account="333333333333", profile="nope")})

    with pytest.raises(UserError) as raised:
        sessions.verify_identities(["333333333333"])

    assert raised.value.message.startswith(
        "account 333333333333 cannot be reached via profile nope: "
        "The config profile (nope) could not be found"
    )


def test_unknown_base_profile_is_a_user_error(aws: None) -> None:
    with pytest.raises(UserError) as raised:
        Sessions({}, profile="nope").verify_identities([BASE_ACCOUNT])

    assert raised.value.message.startswith(
        "the base credentials cannot be used: The config profile (nope) could not be found"
    )


def test_sts_is_called_in_a_region_the_configuration_uses(
    load_config: Callable[[str], Config],
) -> None:
    config = load_config(
        """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - destinations: [{account: "222222222222", region: eu-west-1}]
"""
    )

    sessions = Sessions.for_config(config)

    assert sessions.home_region("111111111111") == "us-west-2"
    assert sessions.home_region("222222222222") == "eu-west-1"
    assert sessions.home_region("444444444444") == "us-east-1"


def test_clients_are_created_once_per_account_region_and_service(aws: None) -> None:
    sessions = Sessions({})
    address = RegistryAddress(BASE_ACCOUNT, "us-west-2")

    first = sessions.ecr(address)

    assert sessions.ecr(address) is first
    assert sessions.ecr(RegistryAddress(BASE_ACCOUNT, "eu-west-1")) is not first
    # botocore's `max_attempts` counts retries: ten of them after the first attempt. The
    # client is shared by accounts: standard mode for the client, and adaptive mode's rate
    # limiter per account (aws/account_retries.py).
    assert first.meta.config.retries == {"mode": "standard", "total_max_attempts": 11}
    assert sessions.retries_of("ecr", BASE_ACCOUNT, "us-west-2").limiter_of(BASE_ACCOUNT)


def denied_response() -> Any:
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://sts.amazonaws.com/", 403, {}, None)


def sts_refuses(code: str, message: str) -> Callable[..., tuple[Any, dict[str, Any]]]:
    """A before-call hook: STS answers 403 with this error instead of calling moto."""

    def refuse(**kwargs: Any) -> tuple[Any, dict[str, Any]]:
        return denied_response(), {"Error": {"Code": code, "Message": message}}

    return refuse


def test_sts_prefers_a_region_that_needs_no_opt_in(load_config: Callable[[str], Config]) -> None:
    # af-south-1 sorts before us-west-2 but must be enabled per account.
    config = load_config(
        """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - destinations: [{region: af-south-1}]
  - account: "222222222222"
    region: ap-east-1
    rules:
      - destinations: [{region: af-south-1}]
"""
    )

    sessions = Sessions.for_config(config)

    assert sessions.home_region("111111111111") == "us-west-2"
    # Only opt-in regions: the first of them, as before.
    assert sessions.home_region("222222222222") == "af-south-1"
