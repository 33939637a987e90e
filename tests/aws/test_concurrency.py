"""Threads that need the same client, session or identity check at once get one of it;
an account's reads start once its own identity is confirmed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import botocore.loaders
import pytest

from ecrrepl.aws.reader import read_state
from ecrrepl.aws.session import ClientSource, Sessions
from ecrrepl.config.model import AccountAccess, Config, RegistryAddress
from ecrrepl.errors import UserError

T = TypeVar("T")

# moto's account for the fake base credentials "testing".
BASE_ACCOUNT = "123456789012"
THREADS = 8


def role(account: str, arn_account: str | None = None) -> AccountAccess:
    return AccountAccess(
        account=account, role_arn=f"arn:aws:iam::{arn_account or account}:role/ecrrepl"
    )


def all_at_once(task: Callable[[], T], threads: int = THREADS) -> list[T]:
    """`task` in `threads` threads released together."""
    start = threading.Barrier(threads)

    def released() -> T:
        start.wait(timeout=10)
        return task()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(released) for _ in range(threads)]
        return [future.result() for future in futures]


class SlowCreationSessions(Sessions):
    """Sessions whose client creation takes long enough for every thread to arrive
    while the first client is being built, and which remember where clients came from."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.created: list[tuple[ClientSource, str, str]] = []

    def _new_client(self, source: ClientSource, service: str, region: str) -> Any:
        time.sleep(0.05)
        self.created.append((source, service, region))
        return super()._new_client(source, service, region)


def test_threads_asking_for_one_client_at_once_get_one_client(aws: None) -> None:
    sessions = SlowCreationSessions({"222222222222": role("222222222222")})
    here = RegistryAddress(BASE_ACCOUNT, "us-west-2")
    there = RegistryAddress("222222222222", "eu-west-1")

    base_clients = all_at_once(lambda: sessions.ecr(here))
    role_clients = all_at_once(lambda: sessions.ecr(there))

    assert len({id(client) for client in base_clients}) == 1
    assert len({id(client) for client in role_clients}) == 1
    # The role's client, and the base STS client that assumed the role: once each.
    assert [(service, region) for _, service, region in sessions.created] == [
        ("ecr", "us-west-2"),
        ("sts", "us-east-1"),
        ("ecr", "eu-west-1"),
    ]


def test_assumed_roles_share_the_base_clients_but_a_profile_has_its_own(
    aws: None, tmp_path: Path
) -> None:
    (tmp_path / "aws-config").write_text(
        "[profile plain]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        encoding="utf-8",
    )
    sessions = SlowCreationSessions(
        {
            "222222222222": role("222222222222"),
            "333333333333": role("333333333333"),
            "444444444444": AccountAccess(account="444444444444", profile="plain"),
        }
    )
    accounts = [BASE_ACCOUNT, "222222222222", "333333333333", "444444444444"]

    clients = [sessions.ecr(RegistryAddress(account, "eu-west-1")) for account in accounts]

    ecr_sources = [source for source, service, _ in sessions.created if service == "ecr"]
    # One ECR client of the base session for the base and both roles, one of the profile.
    assert len(ecr_sources) == 2
    assert ecr_sources[0].session is not ecr_sources[1].session
    # Each account's calls carry its own credentials: the roles' temporary ones.
    keys = [client.acting.credentials.access_key for client in clients]
    assert keys[1] != keys[2]
    assert not {keys[1], keys[2]} & {keys[0], keys[3]}
    assert [client.acting.account for client in clients] == accounts
    # And they act as the role's account, not the base's.
    assert sessions.sts("333333333333").get_caller_identity()["Account"] == "333333333333"


def test_concurrent_checks_of_one_account_ask_sts_once(
    aws: None, observed_sessions: Callable[..., Any]
) -> None:
    def slow_answer(**kwargs: Any) -> None:
        time.sleep(0.1)

    sessions = observed_sessions(
        accounts={"222222222222": role("222222222222")},
        hooks=[("before-send.sts.GetCallerIdentity", slow_answer)],
    )

    problems = all_at_once(lambda: sessions.identities.problem_with("222222222222"))

    assert problems == [None] * THREADS
    assert sessions.counts() == {"AssumeRole": 1, "GetCallerIdentity": 1}


def test_a_failed_check_is_remembered_and_refused_again_without_asking(
    aws: None, observed_sessions: Callable[..., Any]
) -> None:
    sessions = observed_sessions(accounts={"222222222222": role("222222222222", "999999999999")})
    messages = []

    for _ in range(2):
        with pytest.raises(UserError) as raised:
            sessions.verify_identities(["222222222222"])
        messages.append(raised.value.message)

    assert messages == [
        "credentials for account 222222222222 belong to account 999999999999 "
        "(via role arn:aws:iam::999999999999:role/ecrrepl); nothing was written"
    ] * 2
    assert sessions.counts() == {"AssumeRole": 1, "GetCallerIdentity": 1}


def test_model_files_are_read_once_when_threads_need_them_together(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[str] = []
    load_file = botocore.loaders.JSONFileLoader.load_file

    def slow_load(self: Any, file_path: str) -> Any:
        if file_path.endswith("paginators-1"):
            loads.append(file_path)
            time.sleep(0.05)
        return load_file(self, file_path)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", slow_load)
    sessions = Sessions({})
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"]
    clients = iter([sessions.ecr(RegistryAddress(BASE_ACCOUNT, r)) for r in regions])
    lock = threading.Lock()

    def paginate() -> Any:
        with lock:
            client = next(clients)
        # can_paginate loads the paginator model, through the shared loader.
        return client.can_paginate("describe_repositories")

    all_at_once(paginate, threads=len(regions))

    assert [Path(path).parts[-3:] for path in loads] == [("ecr", "2015-09-21", "paginators-1")]


TWO_ACCOUNTS = """\
version: 1
accounts:
  "222222222222": {role_arn: "arn:aws:iam::222222222222:role/ecrrepl"}
registries:
  - account: "123456789012"
    region: us-west-2
    rules:
      - destinations: [{account: "222222222222", region: eu-west-1}]
"""


def test_an_account_is_read_while_another_account_is_still_being_checked(
    aws: None, load_config: Callable[[str], Config], observed_sessions: Callable[..., Any]
) -> None:
    source_read = threading.Event()
    waited_for_the_read: list[bool] = []

    def hold_the_role_check(request: Any, **kwargs: Any) -> None:
        # Each account's STS calls go to a region it uses: the role's, to eu-west-1.
        if "eu-west-1" in request.url:
            waited_for_the_read.append(source_read.wait(timeout=10))

    def note_the_read(**kwargs: Any) -> None:
        source_read.set()

    config = load_config(TWO_ACCOUNTS)
    sessions = observed_sessions(
        config,
        hooks=[
            ("before-send.sts.GetCallerIdentity", hold_the_role_check),
            ("before-send.ecr.DescribeRegistry", note_the_read),
        ],
    )

    state = read_state(config, sessions)

    assert waited_for_the_read == [True]
    assert list(state.replication) == [RegistryAddress(BASE_ACCOUNT, "us-west-2")]
    assert sessions.counts() == {
        "AssumeRole": 1,
        "GetCallerIdentity": 2,
        "DescribeRegistry": 1,
        "GetRegistryPolicy": 1,
        "DescribeRepositories": 1,
    }


def test_the_first_wrong_account_in_order_stops_the_read(
    aws: None, load_config: Callable[[str], Config], observed_sessions: Callable[..., Any]
) -> None:
    # Neither account has an entry: both are reached with the base credentials.
    config = load_config(
        """\
version: 1
registries:
  - {account: "333333333333", region: us-west-2, rules: []}
  - {account: "111111111111", region: us-west-2, rules: []}
"""
    )
    sessions = observed_sessions(config)

    with pytest.raises(UserError) as raised:
        read_state(config, sessions)

    assert raised.value.message == (
        f"credentials for account 111111111111 belong to account {BASE_ACCOUNT} "
        "(via the default credential chain); nothing was written"
    )
    assert sessions.counts() == {"GetCallerIdentity": 2}


UNMANAGED_ELSEWHERE = """\
version: 1
accounts:
  "333333333333":
    role_arn: "arn:aws:iam::999999999999:role/ecrrepl"
    manage_registry_policy: false
registries:
  - account: "123456789012"
    region: us-west-2
    rules:
      - destinations: [{account: "333333333333", region: us-east-2}]
"""


def test_an_unreachable_account_whose_policy_is_not_managed_is_left_unread(
    aws: None, load_config: Callable[[str], Config], observed_sessions: Callable[..., Any]
) -> None:
    config = load_config(UNMANAGED_ELSEWHERE)
    sessions = observed_sessions(config)

    state = read_state(config, sessions)

    assert state.unread_policies == {
        RegistryAddress("333333333333", "us-east-2"): (
            "credentials for account 333333333333 belong to account 999999999999 "
            "(via role arn:aws:iam::999999999999:role/ecrrepl)"
        )
    }
    assert state.registry_policies == {}
    assert state.immutable_repositories == {}
    # Checked once; nothing read there.
    assert sessions.counts() == {
        "AssumeRole": 1,
        "GetCallerIdentity": 2,
        "DescribeRegistry": 1,
    }
