"""What export decides from the live state, offline: `manage_registry_policy` per account,
as the plan of the exported file itself would see each registry policy."""

from __future__ import annotations

from typing import Any

from ecrrepl.adoption import AdoptedState, adopted_config
from ecrrepl.config.model import (
    AccountAccess,
    Config,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.policy import required_statements
from harness import models

SOURCE = models.OREGON
OTHER_SOURCE = models.VIRGINIA
WEST = models.IRELAND
CENTRAL = RegistryAddress("222222222222", "eu-central-1")


def sends(*destinations: RegistryAddress) -> tuple[ReplicationRule, ...]:
    return (models.rule(*destinations),)


def statements(source: RegistryAddress, destination: RegistryAddress) -> list[dict[str, Any]]:
    config = Config(
        registries=(
            SourceRegistry(account=source.account, region=source.region, rules=sends(destination)),
        )
    )
    return [s.as_json() for s in required_statements(config)[destination]]


def policy(*statement_lists: list[dict[str, Any]]) -> JsonObject:
    return {"Version": "2012-10-17", "Statement": [s for ss in statement_lists for s in ss]}


def adopt(
    policies: dict[RegistryAddress, JsonObject | None],
    access: dict[str, AccountAccess] | None = None,
) -> Config:
    state = AdoptedState(
        replication={
            SOURCE: sends(WEST, CENTRAL),
            OTHER_SOURCE: (),
            RegistryAddress("222222222222", "us-west-2"): (),
        },
        templates={},
        registry_policies=policies,
    )
    return adopted_config(state, ["111111111111", "222222222222"], access or {})


def managed(config: Config, account: str) -> bool:
    return config.accounts[account].manage_registry_policy


def test_policies_that_hold_exactly_ecrrepls_statements_are_managed() -> None:
    config = adopt(
        {
            WEST: policy(statements(SOURCE, WEST)),
            CENTRAL: policy(statements(SOURCE, CENTRAL), [{"Sid": "Theirs", "Effect": "Deny",
                                                           "Principal": "*",
                                                           "Action": "ecr:DeleteRepository",
                                                           "Resource": "*"}]),
        }
    )  # fmt: skip
    assert managed(config, "222222222222")
    assert [r.address for r in config.registries] == [
        SOURCE,
        OTHER_SOURCE,
        RegistryAddress("222222222222", "us-west-2"),
    ]


def test_one_registry_lacking_the_statement_leaves_the_whole_account_unmanaged() -> None:
    config = adopt({WEST: policy(statements(SOURCE, WEST)), CENTRAL: None})
    assert not managed(config, "222222222222")
    assert managed(config, "111111111111")


def test_a_statement_of_an_exported_source_that_no_longer_sends_there_is_a_change() -> None:
    # OTHER_SOURCE is a source registry of the file without rules: its statement would go.
    config = adopt(
        {
            WEST: policy(statements(SOURCE, WEST), statements(OTHER_SOURCE, WEST)),
            CENTRAL: policy(statements(SOURCE, CENTRAL)),
        }
    )
    assert not managed(config, "222222222222")


def test_a_statement_granting_more_than_replication_needs_is_a_change() -> None:
    wide = statements(SOURCE, WEST)
    wide[0]["Action"] = ["ecr:*"]
    config = adopt({WEST: policy(wide), CENTRAL: policy(statements(SOURCE, CENTRAL))})
    assert not managed(config, "222222222222")


def test_an_entry_given_that_leaves_the_policy_alone_is_kept() -> None:
    given = AccountAccess(
        account="222222222222",
        role_arn="arn:aws:iam::222222222222:role/ecrrepl",
        manage_registry_policy=False,
    )
    config = adopt(
        {WEST: policy(statements(SOURCE, WEST)), CENTRAL: policy(statements(SOURCE, CENTRAL))},
        {"222222222222": given},
    )
    assert config.accounts["222222222222"] == given
