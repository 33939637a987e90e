"""Clients shared by accounts: each call is signed as the account it acts as, in whatever
thread makes it, and a call that names no account is refused before it is signed."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.credentials import Credentials

from ecrrepl.aws import reader
from ecrrepl.aws.acting import CALLER_CREDENTIALS, Acting, ActingClient, UnscopedCall
from ecrrepl.aws.pages import pages
from ecrrepl.aws.reader import read_immutable_repositories
from ecrrepl.aws.session import MAX_POOL_CONNECTIONS, Sessions, client_config
from ecrrepl.config.model import AccountAccess, RegistryAddress

BASE_ACCOUNT = "123456789012"
ROLE_ACCOUNTS = [f"2222222222{n:02d}" for n in range(6)]
REGIONS = ["eu-west-1", "us-east-2"]


def role(account: str) -> AccountAccess:
    return AccountAccess(account=account, role_arn=f"arn:aws:iam::{account}:role/ecrrepl")


def role_sessions() -> Sessions:
    return Sessions({account: role(account) for account in ROLE_ACCOUNTS})


def shared_client(client: Any) -> Any:
    """The botocore client behind an account's client."""
    assert isinstance(client, ActingClient)
    return client._client


def test_the_base_and_every_role_share_one_client_per_region(aws: None) -> None:
    sessions = role_sessions()
    for region in REGIONS:
        clients = [
            sessions.ecr(RegistryAddress(account, region))
            for account in [BASE_ACCOUNT, *ROLE_ACCOUNTS]
        ]
        assert len({id(shared_client(client)) for client in clients}) == 1
        assert [client.acting.account for client in clients] == [BASE_ACCOUNT, *ROLE_ACCOUNTS]
    here, there = (sessions.ecr(RegistryAddress(BASE_ACCOUNT, region)) for region in REGIONS)
    assert shared_client(here) is not shared_client(there)


def test_concurrent_calls_of_many_accounts_each_reach_their_own_account(aws: None) -> None:
    sessions = role_sessions()
    addresses = [
        RegistryAddress(account, region)
        for account in [BASE_ACCOUNT, *ROLE_ACCOUNTS]
        for region in REGIONS
    ]
    start = threading.Barrier(len(addresses))

    def reached(address: RegistryAddress) -> list[tuple[str, str]]:
        client = sessions.ecr(address)
        start.wait(timeout=30)
        found = []
        for _ in range(5):
            found.append((client.describe_registry()["registryId"], address.account))
            identity = sessions.sts(address.account).get_caller_identity()
            found.append((identity["Account"], address.account))
        return found

    with ThreadPoolExecutor(max_workers=len(addresses)) as pool:
        answers = [pair for pairs in pool.map(reached, addresses) for pair in pairs]

    assert len(answers) == len(addresses) * 10
    assert [actual for actual, _ in answers] == [expected for _, expected in answers]


def test_every_page_acts_as_its_account_and_a_paginator_is_refused(aws: None) -> None:
    sessions = role_sessions()
    mine = RegistryAddress(ROLE_ACCOUNTS[0], "eu-west-1")
    other = RegistryAddress(ROLE_ACCOUNTS[1], "eu-west-1")
    for number in range(3):
        sessions.ecr(mine).create_repository(
            repositoryName=f"prod/api-{number}", imageTagMutability="IMMUTABLE"
        )
    sessions.ecr(other).create_repository(
        repositoryName="prod/other", imageTagMutability="IMMUTABLE"
    )

    # botocore's paginator would call the shared client itself, as no account.
    with pytest.raises(UnscopedCall):
        sessions.ecr(mine).get_paginator("describe_repositories")
    answers = list(pages(sessions.ecr(mine), "describe_repositories"))
    names = [item.text("repositoryName") for page in answers for item in page.items("repositories")]

    assert names == ["prod/api-0", "prod/api-1", "prod/api-2"]
    found = read_immutable_repositories(sessions, other, None)
    assert [r.repository for r in found] == ["prod/other"]


def test_a_shared_client_called_as_no_account_is_refused_before_signing(aws: None) -> None:
    sessions = role_sessions()
    signed: list[object] = []
    shared = shared_client(sessions.ecr(RegistryAddress(ROLE_ACCOUNTS[0], "eu-west-1")))
    shared.meta.events.register("before-send", lambda **kwargs: signed.append(kwargs))

    with pytest.raises(UnscopedCall):
        shared.describe_registry()
    with pytest.raises(UnscopedCall):
        CALLER_CREDENTIALS.get_frozen_credentials()
    with pytest.raises(UnscopedCall):
        sessions.ecr(RegistryAddress(ROLE_ACCOUNTS[0], "eu-west-1")).get_waiter("scan")

    assert signed == []


def test_only_what_acts_as_the_account_or_signs_nothing_passes_through(aws: None) -> None:
    """A presigned URL is signed as the client's account even inside another account's
    call; anything of the client the wrapper does not know is refused, not passed on."""
    sessions = role_sessions()
    eu_first = sessions.sts(ROLE_ACCOUNTS[0])
    eu_second = sessions.sts(ROLE_ACCOUNTS[1])
    urls: list[str] = []

    def presign_as_second(**kwargs: Any) -> None:
        urls.append(eu_second.generate_presigned_url("get_caller_identity"))

    shared_client(eu_first).meta.events.register(
        "before-call.sts.GetCallerIdentity", presign_as_second
    )
    eu_first.get_caller_identity()
    second_key = eu_second.acting.credentials.get_frozen_credentials().access_key
    first_key = eu_first.acting.credentials.get_frozen_credentials().access_key
    assert first_key != second_key
    assert len(urls) == 1 and f"X-Amz-Credential={second_key}" in urls[0]

    assert eu_first.can_paginate("get_caller_identity") is False
    assert eu_first.meta.service_model.service_name == "sts"
    with pytest.raises(AttributeError):
        eu_first._make_api_call  # noqa: B018
    with pytest.raises(UnscopedCall):
        eu_first.some_future_helper  # noqa: B018
    assert copy.copy(eu_first).acting == eu_first.acting


def test_the_account_acted_as_ends_with_its_call(aws: None) -> None:
    sessions = role_sessions()
    client = sessions.ecr(RegistryAddress(ROLE_ACCOUNTS[0], "eu-west-1"))

    def failing(**kwargs: Any) -> None:
        raise RuntimeError("the call failed")

    client.meta.events.register_first("before-send.ecr.DescribeRegistry", failing)
    with pytest.raises(RuntimeError):
        client.describe_registry()

    with pytest.raises(UnscopedCall):
        CALLER_CREDENTIALS.get_frozen_credentials()


class Operations:
    """Just enough of a botocore client: API methods by name."""

    def __init__(self, **methods: Callable[[], None]) -> None:
        self.meta = type("Meta", (), {"method_to_api_mapping": dict.fromkeys(methods)})()
        for name, method in methods.items():
            setattr(self, name, method)


def test_calls_nested_in_a_call_act_as_their_own_account() -> None:
    """As when a role's credentials are renewed, with the base's, inside the role's call."""
    seen: list[str] = []

    def signed_as() -> None:
        seen.append(CALLER_CREDENTIALS.access_key)

    base = ActingClient(Operations(renew=signed_as), Acting("", Credentials("base", "s")))

    def role_call() -> None:
        signed_as()
        base.renew()
        signed_as()

    role = ActingClient(
        Operations(call=role_call), Acting("222222222200", Credentials("role", "s", "t"))
    )
    role.call()

    assert seen == ["role", "base", "role"]


def test_an_account_without_credentials_is_refused_as_botocore_refuses_it() -> None:
    """botocore signs with no credentials as NoCredentialsError (its signer's own check)."""
    frozen: list[object] = []

    def call() -> None:
        frozen.append(CALLER_CREDENTIALS.get_frozen_credentials())

    ActingClient(Operations(call=call), Acting("111111111111", None)).call()

    assert frozen == [None]


def test_a_shared_client_keeps_a_connection_for_every_reader_thread() -> None:
    assert client_config().max_pool_connections == MAX_POOL_CONNECTIONS
    assert reader.DEFAULT_MAX_WORKERS <= MAX_POOL_CONNECTIONS
