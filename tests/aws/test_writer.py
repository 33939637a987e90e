"""Write primitives: what is put reads back equal; failures name account and region."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ecrrepl.aws import writer
from ecrrepl.aws.reader import read_registry_policy, read_replication, read_templates
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import (
    AccountAccess,
    Config,
    CreationTemplate,
    Encryption,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.errors import UserError
from ecrrepl.plan.templates import plan_templates
from ecrrepl.state import LiveState
from harness import configs, models
from harness.policies import root, statement

SOURCE = models.OREGON
DESTINATION = models.IRELAND

# Every field of a creation template, in the Irish registry of the other account.
FULL_TEMPLATE = """\
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    applied_for: [REPLICATION, PULL_THROUGH_CACHE]
    description: replicated prod
    image_tag_mutability: IMMUTABLE_WITH_EXCLUSION
    image_tag_mutability_exclusion_filters: [latest]
    encryption: {type: KMS, kms_key: "arn:aws:kms:eu-west-1:222222222222:key/k"}
    resource_tags: {team: platform}
    lifecycle_policy: {rules: [{rulePriority: 1, action: {type: expire}}]}
    repository_policy: {Version: "2012-10-17", Statement: []}
    custom_role_arn: arn:aws:iam::222222222222:role/ecr-template"""

CONFIG = configs.document(
    configs.registry(
        configs.prod_rule(delete_replication=True),
        configs.rule((configs.OTHER_ACCOUNT, "eu-central-1"), name="everything"),
    ),
    accounts=[configs.account(configs.SOURCE_ACCOUNT), configs.account(configs.OTHER_ACCOUNT)],
    templates=[FULL_TEMPLATE],
)


@pytest.fixture
def config(aws: None, load_config: Callable[[str], Config]) -> Config:
    return load_config(CONFIG)


def unnamed(rules: tuple[ReplicationRule, ...]) -> tuple[ReplicationRule, ...]:
    return tuple(
        ReplicationRule(
            filters=r.filters, destinations=r.destinations, delete_replication=r.delete_replication
        )
        for r in rules
    )


def test_replication_rules_read_back_equal(config: Config, sessions: Sessions) -> None:
    rules = config.registries[0].rules

    writer.put_replication_rules(sessions, SOURCE, rules)

    assert read_replication(sessions, SOURCE) == unnamed(rules)


def test_no_rules_clear_the_replication_configuration(config: Config, sessions: Sessions) -> None:
    writer.put_replication_rules(sessions, SOURCE, config.registries[0].rules)

    writer.put_replication_rules(sessions, SOURCE, [])

    assert read_replication(sessions, SOURCE) == ()


def test_registry_policy_round_trips_and_deletes(sessions: Sessions) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            statement(
                "Ecrrepl111111111111uswest2",
                root("111111111111"),
                ["ecr:CreateRepository", "ecr:ReplicateImage"],
                ["arn:aws:ecr:eu-west-1:222222222222:repository/prod/*"],
            )
        ],
    }

    writer.put_registry_policy(sessions, DESTINATION, json.dumps(policy))
    assert read_registry_policy(sessions, DESTINATION) == policy

    assert writer.delete_registry_policy(sessions, DESTINATION) is True
    assert read_registry_policy(sessions, DESTINATION) is None
    # Deleting again converges instead of failing.
    assert writer.delete_registry_policy(sessions, DESTINATION) is False


def test_template_round_trips_and_updates_to_exactly_what_is_declared(
    config: Config, sessions: Sessions
) -> None:
    [declared] = config.templates

    writer.create_template(sessions, declared)
    # appliedFor is a set to AWS; it is read back sorted.
    applied_for = tuple(sorted(declared.applied_for))
    assert read_templates(sessions, DESTINATION) == (declared.replace(applied_for=applied_for),)

    smaller = CreationTemplate(
        account="222222222222",
        region="eu-west-1",
        prefix="prod",
        image_tag_mutability="IMMUTABLE",
        encryption=Encryption(type="AES256"),
    )
    writer.update_template(sessions, smaller)

    # Description, tags, policies, role and exclusion filters are gone, not kept.
    assert read_templates(sessions, DESTINATION) == (smaller,)

    assert writer.delete_template(sessions, DESTINATION, "prod") is True
    assert read_templates(sessions, DESTINATION) == ()
    assert writer.delete_template(sessions, DESTINATION, "prod") is False


# The same configuration, its template reduced to the prefix.
MINIMAL_TEMPLATE = CONFIG[: CONFIG.index("    applied_for:")]


def test_an_update_that_drops_every_setting_leaves_no_difference_to_plan(
    config: Config, sessions: Sessions, load_config: Callable[[str], Config]
) -> None:
    writer.create_template(sessions, config.templates[0])
    minimal = load_config(MINIMAL_TEMPLATE)

    writer.update_template(sessions, minimal.templates[0])

    live = read_templates(sessions, DESTINATION)
    # KMS and IMMUTABLE_WITH_EXCLUSION are replaced by AWS's defaults, not kept.
    assert live == (
        CreationTemplate(
            account="222222222222",
            region="eu-west-1",
            prefix="prod",
            image_tag_mutability="MUTABLE",
            encryption=Encryption(type="AES256"),
        ),
    )
    [section] = plan_templates(minimal, LiveState(templates={DESTINATION: live}))
    assert (section.changes, section.unchanged) == ((), 1)


def test_creating_a_template_twice_names_prefix_account_and_region(
    config: Config, sessions: Sessions
) -> None:
    writer.create_template(sessions, config.templates[0])
    # The same template again is no conflict (see test_lost_answers.py); another one is.
    other = config.templates[0].replace(description="someone else's")

    with pytest.raises(UserError) as raised:
        writer.create_template(sessions, other)

    assert raised.value.message.startswith(
        "CreateRepositoryCreationTemplate (prod) failed in account 222222222222 region "
        "eu-west-1: TemplateAlreadyExistsException: "
    )


def test_updating_a_missing_template_is_a_user_error(config: Config, sessions: Sessions) -> None:
    with pytest.raises(UserError) as raised:
        writer.update_template(sessions, config.templates[0])

    assert raised.value.message.startswith(
        "UpdateRepositoryCreationTemplate (prod) failed in account 222222222222 region "
        "eu-west-1: TemplateNotFoundException: "
    )


def test_a_refused_replication_configuration_names_account_and_region(
    config: Config, sessions: Sessions
) -> None:
    rules = config.registries[0].rules
    to_itself = RegistryAddress("222222222222", "eu-central-1")

    with pytest.raises(UserError) as raised:
        writer.put_replication_rules(sessions, to_itself, rules)

    assert raised.value.message.startswith(
        "PutReplicationConfiguration failed in account 222222222222 region eu-central-1: "
        "InvalidParameterException: "
    )
    assert "cannot be the same as the source registry" in raised.value.message


def test_writes_to_an_account_with_foreign_credentials_are_refused(config: Config) -> None:
    impostor = AccountAccess(account="111111111111", role_arn="arn:aws:iam::999999999999:role/x")
    sessions = Sessions({"111111111111": impostor})

    with pytest.raises(UserError) as raised:
        writer.put_replication_rules(sessions, SOURCE, config.registries[0].rules)

    assert raised.value.message.endswith("nothing was written")
    assert read_replication(Sessions.for_config(config), SOURCE) == ()
