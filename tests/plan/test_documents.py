"""The documents a plan changes (plan/documents.py): one per AWS document, with a stable
address, create/update/delete, and before/after in the shapes of the ECR API."""

from __future__ import annotations

import json
from typing import Any

from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    Destination,
    RegistryAddress,
    ReplicationRule,
    RepositoryFilter,
    SourceRegistry,
)
from ecrrepl.plan import Plan, compute_plan
from ecrrepl.plan.emptied import emptied_by
from ecrrepl.plan.model import DocumentAction
from ecrrepl.render.plan_json import plan_json_object
from ecrrepl.state import LiveState
from harness.models import IRELAND, OREGON

SID = "Ecrrepl111111111111uswest2"


def rule(prefixes: list[str] | None, *destinations: RegistryAddress) -> ReplicationRule:
    return ReplicationRule(
        filters=None if prefixes is None else tuple(RepositoryFilter(prefix=p) for p in prefixes),
        destinations=tuple(Destination(account=d.account, region=d.region) for d in destinations),
    )


def config(*rules: ReplicationRule, templates: tuple[CreationTemplate, ...] = ()) -> Config:
    return Config(
        registries=(SourceRegistry(account=OREGON.account, region=OREGON.region, rules=rules),),
        templates=templates,
    )


def statement(*patterns: str, sid: str = SID) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": [f"arn:aws:ecr:eu-west-1:222222222222:repository/{p}" for p in patterns],
    }


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def documents(plan: Plan) -> dict[str, tuple[str, Any, Any]]:
    return {d.address: (d.action.value, d.before, d.after) for d in plan.documents}


def test_first_rules_create_the_replication_configuration_and_the_grant() -> None:
    plan = compute_plan(config(rule(["prod/"], IRELAND)), LiveState())

    assert documents(plan) == {
        "replication/111111111111/us-west-2": (
            "create",
            None,
            {
                "rules": [
                    {
                        "destinations": [{"region": "eu-west-1", "registryId": "222222222222"}],
                        "repositoryFilters": [{"filter": "prod/", "filterType": "PREFIX_MATCH"}],
                    }
                ]
            },
        ),
        f"registry-policy/222222222222/eu-west-1/{SID}": ("create", None, statement("prod/*")),
    }
    (replication, _) = plan.documents
    assert replication.kind == "replication_configuration"
    assert replication.registry == OREGON
    assert replication.effects == (
        "repositories matching `prod/` start replicating to eu-west-1 (222222222222)",
    )


def test_changed_rules_update_the_whole_configuration_and_the_statement() -> None:
    live = LiveState(
        replication={OREGON: (rule(["dev/"], IRELAND),)},
        registry_policies={IRELAND: policy(statement("dev/*"))},
    )
    plan = compute_plan(config(rule(["prod/"], IRELAND)), live)

    shown = documents(plan)
    assert shown["replication/111111111111/us-west-2"][0] == "update"
    assert shown["replication/111111111111/us-west-2"][1]["rules"][0]["repositoryFilters"] == [
        {"filter": "dev/", "filterType": "PREFIX_MATCH"}
    ]
    assert shown[f"registry-policy/222222222222/eu-west-1/{SID}"] == (
        "update",
        statement("dev/*"),
        statement("prod/*"),
    )


def test_removing_every_rule_deletes_the_configuration_and_the_statement() -> None:
    foreign = statement("*", sid="SomeoneElse")
    live = LiveState(
        replication={OREGON: (rule(["dev/"], IRELAND), rule(None, IRELAND))},
        registry_policies={IRELAND: policy(foreign, statement("*"))},
    )
    plan = compute_plan(config(), live)

    assert documents(plan) == {
        "replication/111111111111/us-west-2": (
            "delete",
            {
                "rules": [
                    {
                        "destinations": [{"region": "eu-west-1", "registryId": "222222222222"}],
                        "repositoryFilters": [{"filter": "dev/", "filterType": "PREFIX_MATCH"}],
                    },
                    {"destinations": [{"region": "eu-west-1", "registryId": "222222222222"}]},
                ]
            },
            None,
        ),
        # Another owner's statement is never changed, so never listed.
        f"registry-policy/222222222222/eu-west-1/{SID}": ("delete", statement("*"), None),
    }
    emptied = emptied_by(plan)
    assert [(e.registry, e.what) for e in emptied.replication] == [(OREGON, "2 rules")]
    assert [(e.registry, e.what) for e in emptied.policies] == [(IRELAND, f"statement {SID}")]
    assert emptied.count == 2


def test_a_second_copy_of_a_statement_has_an_address_of_its_own() -> None:
    copy = statement("old/*")
    live = LiveState(
        replication={OREGON: (rule(["prod/"], IRELAND),)},
        registry_policies={IRELAND: policy(statement("prod/*"), copy)},
    )
    plan = compute_plan(config(rule(["prod/"], IRELAND)), live)

    assert documents(plan) == {
        f"registry-policy/222222222222/eu-west-1/{SID}#2": ("delete", copy, None),
    }
    # The policy keeps one ecrrepl statement: nothing is emptied.
    assert emptied_by(plan).count == 0


def test_templates_in_the_shape_create_and_update_take() -> None:
    declared = (
        CreationTemplate(
            account=IRELAND.account,
            region=IRELAND.region,
            prefix="prod",
            image_tag_mutability="IMMUTABLE",
            resource_tags={"team": "platform"},
        ),
        CreationTemplate(account=IRELAND.account, region=IRELAND.region, prefix="dev"),
    )
    live_dev = CreationTemplate(
        account=IRELAND.account, region=IRELAND.region, prefix="dev/", description="old"
    )
    plan = compute_plan(config(templates=declared), LiveState(templates={IRELAND: (live_dev,)}))

    shown = documents(plan)
    assert shown["template/222222222222/eu-west-1/prod"] == (
        "create",
        None,
        {
            "prefix": "prod",
            "appliedFor": ["REPLICATION"],
            "resourceTags": [{"Key": "team", "Value": "platform"}],
            "imageTagMutability": "IMMUTABLE",
        },
    )
    # Named by the live template's text; both sides whole, AWS's defaults written out.
    action, before, after = shown["template/222222222222/eu-west-1/dev/"]
    assert action == "update"
    assert before["description"] == "old" and after["description"] == ""
    assert {k: v for k, v in before.items() if k != "description"} == {
        k: v for k, v in after.items() if k != "description"
    }
    assert after["prefix"] == "dev/"
    assert after["encryptionConfiguration"] == {"encryptionType": "AES256"}


def test_nothing_to_change_lists_no_document() -> None:
    live = LiveState(
        replication={OREGON: (rule(["prod/"], IRELAND),)},
        registry_policies={IRELAND: policy(statement("prod/*"))},
    )
    plan = compute_plan(config(rule(["prod/"], IRELAND)), live)
    assert plan.documents == ()
    assert plan_json_object(plan)["changes"] == []


def test_every_change_in_words_names_a_listed_document(sample_plan: Plan) -> None:
    shown = json.loads(json.dumps(plan_json_object(sample_plan)))
    listed = {change["address"] for change in shown["changes"]}
    named = {
        change["address"]
        for registry in shown["registries"]
        for section in registry["sections"]
        for change in section["changes"]
    }
    assert named == listed
    assert [(c["address"], c["action"]) for c in shown["changes"]] == [
        ("replication/111111111111/us-west-2", DocumentAction.UPDATE.value),
        (f"registry-policy/222222222222/eu-west-1/{SID}", "create"),
        ("template/222222222222/eu-west-1/prod", "create"),
        ("template/222222222222/eu-west-1/dev", "update"),
    ]
