"""Reading live state: what is read, how many calls it takes, and how failures read."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto.ecr.models import ecr_backends

from ecrrepl.aws.reader import read_state
from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    Destination,
    Encryption,
    RegistryAddress,
    ReplicationRule,
    RepositoryFilter,
)
from ecrrepl.errors import UserError
from harness import configs
from harness.policies import repositories, root, statement

# Every account by AssumeRole; ecrrepl leaves the registry policy of 333333333333 alone.
THREE_ACCOUNTS = (
    configs.account(configs.SOURCE_ACCOUNT),
    configs.account(configs.OTHER_ACCOUNT, external_id="ext-x"),
    configs.account(configs.THIRD_ACCOUNT, manage_registry_policy=False),
)
CONFIG = configs.document(
    configs.registry(
        configs.rule(
            "us-east-1",
            (configs.OTHER_ACCOUNT, "eu-west-1"),
            (configs.THIRD_ACCOUNT, "us-east-2"),
            filters=["prod/"],
        )
    ),
    configs.registry(region="us-east-1"),
    configs.registry(
        configs.rule((configs.SOURCE_ACCOUNT, "eu-west-1"), flow=True),
        account=configs.OTHER_ACCOUNT,
        region="eu-west-1",
    ),
    accounts=THREE_ACCOUNTS,
    templates=[
        configs.template(configs.OTHER_ACCOUNT, "eu-west-1", "prod"),
        configs.template(configs.OTHER_ACCOUNT, "eu-west-1", "tools"),
        configs.template(configs.SOURCE_ACCOUNT, "us-east-1", "ROOT"),
    ],
)

FOREIGN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        statement(
            "PullThroughCache",
            root("222222222222"),
            ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
            repositories(("222222222222", "eu-west-1")),
        )
    ],
}


def ecr(as_account: Callable[[str], boto3.Session], address: RegistryAddress) -> Any:
    return as_account(address.account).client("ecr", region_name=address.region)


def put_rules(ecr_client: Any, *destinations: tuple[str, str], prefix: str | None = None) -> None:
    rule: dict[str, Any] = {
        "destinations": [{"registryId": a, "region": r} for a, r in destinations]
    }
    if prefix is not None:
        rule["repositoryFilters"] = [{"filter": prefix, "filterType": "PREFIX_MATCH"}]
    ecr_client.put_replication_configuration(replicationConfiguration={"rules": [rule]})


@pytest.fixture
def arranged(aws: None, as_account: Callable[[str], boto3.Session]) -> None:
    source = ecr(as_account, RegistryAddress("111111111111", "us-west-2"))
    put_rules(source, ("222222222222", "eu-west-1"), prefix="prod/")
    destination = ecr(as_account, RegistryAddress("222222222222", "eu-west-1"))
    destination.put_registry_policy(policyText=json.dumps(FOREIGN_POLICY))
    destination.create_repository_creation_template(
        prefix="prod", appliedFor=["REPLICATION"], description="managed"
    )
    destination.create_repository_creation_template(prefix="other", appliedFor=["REPLICATION"])


def test_read_state_reads_what_the_configuration_owns(
    arranged: None,
    load_config: Callable[[str], Config],
    observed_sessions: Callable[..., Any],
) -> None:
    config = load_config(CONFIG)

    state = read_state(config, observed_sessions(config))

    assert state.replication == {
        RegistryAddress("111111111111", "us-west-2"): (
            ReplicationRule(
                filters=(RepositoryFilter(prefix="prod/"),),
                destinations=(Destination(account="222222222222", region="eu-west-1"),),
            ),
        ),
        RegistryAddress("111111111111", "us-east-1"): (),
        RegistryAddress("222222222222", "eu-west-1"): (),
    }
    assert state.registry_policies == {
        RegistryAddress("222222222222", "eu-west-1"): FOREIGN_POLICY,
        RegistryAddress("333333333333", "us-east-2"): None,
        RegistryAddress("111111111111", "eu-west-1"): None,
    }
    # The emulator answers with the documented defaults for what a template leaves out.
    assert state.templates == {
        RegistryAddress("222222222222", "eu-west-1"): (
            CreationTemplate(
                account="222222222222",
                region="eu-west-1",
                prefix="other",
                image_tag_mutability="MUTABLE",
                encryption=Encryption(type="AES256"),
            ),
            CreationTemplate(
                account="222222222222",
                region="eu-west-1",
                prefix="prod",
                description="managed",
                image_tag_mutability="MUTABLE",
                encryption=Encryption(type="AES256"),
            ),
        ),
        RegistryAddress("111111111111", "us-east-1"): (),
    }


def test_read_state_keeps_the_call_budget(
    arranged: None,
    load_config: Callable[[str], Config],
    observed_sessions: Callable[..., Any],
) -> None:
    config = load_config(CONFIG)
    sessions = observed_sessions(config)

    read_state(config, sessions)

    assert sessions.counts() == {
        # one per account reached, and one role assumed per account
        "GetCallerIdentity": 3,
        "AssumeRole": 3,
        # one per source registry
        "DescribeRegistry": 3,
        # one per cross-account destination: 222/eu-west-1, 333/us-east-2, 111/eu-west-1
        "GetRegistryPolicy": 3,
        # one listing per registry that declares templates
        "DescribeRepositoryCreationTemplates": 2,
        # one repository listing per destination registry: 111/us-east-1, 222/eu-west-1,
        # 333/us-east-2, 111/eu-west-1
        "DescribeRepositories": 4,
    }


def test_a_registry_without_replication_configuration_has_no_rules(
    aws: None, load_config: Callable[[str], Config], observed_sessions: Callable[..., Any]
) -> None:
    config = load_config(
        'version: 1\nregistries:\n  - {account: "123456789012", region: us-west-2, rules: []}\n'
    )

    state = read_state(config, observed_sessions(config))

    assert state.replication == {RegistryAddress("123456789012", "us-west-2"): ()}
    assert state.registry_policies == {}
    # The emulator answers with the documented defaults for what a template leaves out.
    assert state.templates == {}


LIVE_ONLY = configs.document(
    configs.registry(configs.rule((configs.OTHER_ACCOUNT, "eu-west-1"), flow=True)),
    accounts=[THREE_ACCOUNTS[0], configs.account(configs.OTHER_ACCOUNT), THREE_ACCOUNTS[2]],
)


def test_destinations_only_the_live_rules_use_are_read_where_policies_are_managed(
    aws: None,
    as_account: Callable[[str], boto3.Session],
    load_config: Callable[[str], Config],
    observed_sessions: Callable[..., Any],
) -> None:
    put_rules(
        ecr(as_account, RegistryAddress("111111111111", "us-west-2")),
        ("222222222222", "eu-west-1"),
        # The file no longer sends here, and ecrrepl may have a statement to remove.
        ("222222222222", "ap-south-1"),
        # Its policy is someone else's: nothing to remove, nothing to read.
        ("333333333333", "eu-central-1"),
        # An account the file does not know: no way to reach it.
        ("444444444444", "eu-west-2"),
    )
    config = load_config(LIVE_ONLY)
    sessions = observed_sessions(config)

    state = read_state(config, sessions)

    assert set(state.registry_policies) == {
        RegistryAddress("222222222222", "eu-west-1"),
        RegistryAddress("222222222222", "ap-south-1"),
    }
    assert sessions.counts()["GetRegistryPolicy"] == 2
    assert sessions.counts()["GetCallerIdentity"] == 2


def test_a_registry_policy_that_is_not_json_names_account_and_region(
    arranged: None, load_config: Callable[[str], Config], observed_sessions: Callable[..., Any]
) -> None:
    # moto validates policies on the way in; the broken text is planted behind its back.
    ecr_backends["222222222222"]["eu-west-1"].registry_policy = '{"Version": "2012-10-17",'
    config = load_config(CONFIG)

    with pytest.raises(UserError) as raised:
        read_state(config, observed_sessions(config))

    assert raised.value.message.startswith(
        "the registry policy that GetRegistryPolicy returned in account 222222222222 "
        "region eu-west-1 is not valid JSON"
    )


def test_an_aws_error_names_operation_account_and_region(
    arranged: None, load_config: Callable[[str], Config], observed_sessions: Callable[..., Any]
) -> None:
    def deny(**kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse("https://ecr", 400, {}, None), {
            "Error": {"Code": "AccessDeniedException", "Message": "not authorized"}
        }

    config = load_config(CONFIG)
    sessions = observed_sessions(config, hooks=[("before-call.ecr.DescribeRegistry", deny)])

    state = read_state(config, sessions)

    # Every source registry fails and is named with its own reason; the others are read.
    assert set(state.unreadable) == set(config.source_addresses)
    assert state.unreadable[RegistryAddress("111111111111", "us-east-1")] == (
        "DescribeRegistry failed in account 111111111111 region us-east-1: "
        "AccessDeniedException: not authorized"
    )
    assert state.replication == {}


class _RawBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


def throttling_response() -> AWSResponse:
    body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    return AWSResponse("https://ecr", 400, headers, _RawBody(body.encode()))


def test_throttling_is_survived_by_retrying(
    arranged: None,
    no_backoff: None,
    load_config: Callable[[str], Config],
    observed_sessions: Callable[..., Any],
) -> None:
    throttled_sends = 4
    sends: list[str] = []
    lock = threading.Lock()

    def throttle_first_sends(**kwargs: Any) -> AWSResponse | None:
        with lock:
            sends.append("send")
            return throttling_response() if len(sends) <= throttled_sends else None

    config = load_config(CONFIG)
    sessions = observed_sessions(
        config,
        hooks=[("before-send.ecr.DescribeRepositoryCreationTemplates", throttle_first_sends)],
    )

    state = read_state(config, sessions)

    assert [t.prefix for t in state.templates[RegistryAddress("222222222222", "eu-west-1")]] == [
        "other",
        "prod",
    ]
    # Two listings were asked for; four throttled sends were retried on top of them.
    assert sessions.counts()["DescribeRepositoryCreationTemplates"] == 2
    assert len(sends) == 2 + throttled_sends


@pytest.mark.parametrize(("max_workers", "expected_peak"), [(1, 1), (16, 6)])
def test_registries_are_read_concurrently_within_the_pool(
    aws: None,
    load_config: Callable[[str], Config],
    observed_sessions: Callable[..., Any],
    max_workers: int,
    expected_peak: int,
) -> None:
    in_flight = 0
    peak = 0
    lock = threading.Lock()
    # Every call waits until `expected_peak` calls are in flight together (or a generous
    # timeout passes), so the peak does not depend on how busy the machine is.
    all_in_flight = threading.Barrier(expected_peak)

    def slow_call(**kwargs: Any) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        with contextlib.suppress(threading.BrokenBarrierError):
            all_in_flight.wait(timeout=10)
        with lock:
            in_flight -= 1

    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"]
    registries = "".join(
        f'  - {{account: "123456789012", region: {region}, rules: []}}\n' for region in regions
    )
    config = load_config(f"version: 1\nregistries:\n{registries}")
    sessions = observed_sessions(config, hooks=[("before-send.ecr.DescribeRegistry", slow_call)])

    read_state(config, sessions, max_workers=max_workers)

    assert peak == expected_peak
