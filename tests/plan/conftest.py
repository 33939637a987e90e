"""A sample estate with one change of every kind, shared by the plan-file and renderer tests.

Source 111111111111/us-west-2 gains rule 'prod', changes rule 'dev', loses a live rule
and keeps one; 111111111111/eu-central-1 matches; the policy of 222222222222/eu-west-1
gains ecrrepl's statement next to a foreign one; 333333333333 does not let ecrrepl
manage its policy and lacks the grant; templates are added, changed, kept and left alone.
"""

from __future__ import annotations

import dataclasses

import pytest

from ecrrepl.config.model import (
    AccountAccess,
    Config,
    CreationTemplate,
    Encryption,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.plan import Plan, compute_plan
from ecrrepl.state import LiveState
from harness import models
from harness.models import FRANKFURT, OREGON
from harness.policies import statement

IRELAND_B = models.IRELAND
OHIO_C = models.OHIO

FOREIGN_STATEMENT = statement(
    "AllowPullFromCI",
    "arn:aws:iam::444444444444:role/ci",
    ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    "*",
)


def _rule(
    filters: list[str] | None,
    destinations: list[tuple[str, str]],
    *,
    name: str | None = None,
    delete_replication: bool = False,
) -> ReplicationRule:
    return models.rule(
        *destinations, filters=filters, name=name, delete_replication=delete_replication
    )


def _template(address: RegistryAddress, prefix: str, **fields: object) -> CreationTemplate:
    return CreationTemplate(
        account=address.account,
        region=address.region,
        prefix=prefix,
        **fields,  # type: ignore[arg-type]
    )


def build_sample_config() -> Config:
    return Config(
        files=("ecrrepl.yaml",),
        accounts={
            "222222222222": AccountAccess(
                account="222222222222", role_arn="arn:aws:iam::222222222222:role/ecrrepl"
            ),
            "333333333333": AccountAccess(
                account="333333333333", profile="dr-admin", manage_registry_policy=False
            ),
        },
        registries=(
            SourceRegistry(
                account=OREGON.account,
                region=OREGON.region,
                rules=(
                    _rule(
                        ["prod/", "base-"],
                        [("111111111111", "us-east-1"), ("222222222222", "eu-west-1")],
                        name="prod",
                    ),
                    _rule(["dev/"], [("222222222222", "eu-west-1")], name="dev"),
                    _rule(None, [("333333333333", "us-east-2")]),
                ),
            ),
            SourceRegistry(
                account=FRANKFURT.account,
                region=FRANKFURT.region,
                rules=(_rule(["base-"], [("111111111111", "eu-west-1")]),),
            ),
        ),
        templates=(
            _template(
                IRELAND_B,
                "prod",
                description="Settings for replicated prod repositories",
                image_tag_mutability="IMMUTABLE",
                encryption=Encryption(
                    type="KMS", kms_key="arn:aws:kms:eu-west-1:222222222222:key/abc"
                ),
                resource_tags={"team": "platform"},
                custom_role_arn="arn:aws:iam::222222222222:role/ecr-template",
            ),
            _template(IRELAND_B, "dev", image_tag_mutability="IMMUTABLE"),
            _template(IRELAND_B, "ROOT", description="Everything else"),
        ),
    )


def build_sample_live() -> LiveState:
    return LiveState(
        replication={
            OREGON: (
                _rule(None, [("333333333333", "us-east-2")]),
                _rule(["tmp/", "dev/"], [("111111111111", "us-east-1")]),
                _rule(["legacy/"], [("111111111111", "us-east-1")]),
            ),
            FRANKFURT: (_rule(["base-"], [("111111111111", "eu-west-1")]),),
        },
        registry_policies={
            IRELAND_B: {"Version": "2012-10-17", "Statement": [FOREIGN_STATEMENT]},
            OHIO_C: None,
        },
        templates={
            IRELAND_B: (
                _template(IRELAND_B, "dev", description="old"),
                _template(IRELAND_B, "ROOT", description="Everything else"),
                _template(IRELAND_B, "legacy"),
            ),
        },
    )


@pytest.fixture
def sample_config() -> Config:
    return build_sample_config()


@pytest.fixture
def sample_plan() -> Plan:
    # A fixed fingerprint keeps the golden files independent of how the state digests itself.
    plan = compute_plan(build_sample_config(), build_sample_live())
    return dataclasses.replace(plan, fingerprint="f" * 64)
