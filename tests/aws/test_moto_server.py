"""The AWS layer against a moto server in another process, reached through AWS_ENDPOINT_URL,
with each account reached by AssumeRole as in production."""

from __future__ import annotations

import json
from collections.abc import Callable

import boto3
import pytest

from ecrrepl.aws import writer
from ecrrepl.aws.reader import read_state
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import Config, RegistryAddress, ReplicationRule
from ecrrepl.errors import UserError
from harness import configs, models
from harness.policies import repositories, root, statement

CONFIG = configs.document(
    configs.registry(
        configs.rule((configs.OTHER_ACCOUNT, "eu-west-1"), filters=["prod/"]),
        configs.rule((configs.OTHER_ACCOUNT, "us-east-2"), delete_replication=True),
    ),
    accounts=[
        configs.account(configs.SOURCE_ACCOUNT),
        configs.account(configs.OTHER_ACCOUNT, external_id="ext-2"),
    ],
    templates=[
        configs.template(configs.OTHER_ACCOUNT, "eu-west-1", "prod", description="replicated")
    ],
)

SOURCE = models.OREGON
DESTINATION = models.IRELAND
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        statement(
            "Ecrrepl111111111111uswest2",
            root("111111111111"),
            ["ecr:CreateRepository", "ecr:ReplicateImage"],
            repositories(("222222222222", "eu-west-1"), "prod/*"),
        )
    ],
}


def test_writes_and_reads_land_in_the_assumed_accounts(
    endpoint: str, load_config: Callable[[str], Config]
) -> None:
    config = load_config(CONFIG)
    sessions = Sessions.for_config(config)
    sessions.verify_identities(["111111111111", "222222222222"])

    writer.put_registry_policy(sessions, DESTINATION, json.dumps(POLICY))
    writer.create_template(sessions, config.templates[0])
    writer.put_replication_rules(sessions, SOURCE, config.registries[0].rules)
    state = read_state(config, Sessions.for_config(config))

    assert state.replication == {
        SOURCE: tuple(
            ReplicationRule(
                filters=r.filters,
                destinations=r.destinations,
                delete_replication=r.delete_replication,
            )
            for r in config.registries[0].rules
        )
    }
    assert state.registry_policies == {
        DESTINATION: POLICY,
        RegistryAddress("222222222222", "us-east-2"): None,
    }
    assert [(t.prefix, t.description) for t in state.templates[DESTINATION]] == [
        ("prod", "replicated")
    ]
    # Each write reached its own account, and nothing reached the base account.
    assert sessions.ecr(DESTINATION).describe_registry()["registryId"] == "222222222222"
    assert sessions.ecr(SOURCE).describe_registry()["registryId"] == "111111111111"
    base = boto3.client("ecr", region_name="eu-west-1")
    with pytest.raises(base.exceptions.RegistryPolicyNotFoundException):
        base.get_registry_policy()
    assert base.describe_repository_creation_templates()["repositoryCreationTemplates"] == []


def test_a_role_in_another_account_is_refused_through_the_server(
    endpoint: str, load_config: Callable[[str], Config]
) -> None:
    config = load_config(
        CONFIG.replace("arn:aws:iam::222222222222:role", "arn:aws:iam::999999999999:role")
    )

    with pytest.raises(UserError) as raised:
        read_state(config, Sessions.for_config(config))

    assert raised.value.message == (
        "credentials for account 222222222222 belong to account 999999999999 "
        "(via role arn:aws:iam::999999999999:role/ecrrepl); nothing was written"
    )
