"""The template part of the plan: added, changed, unchanged, and live ones left alone."""

from __future__ import annotations

import json

from ecrrepl.config.model import Config, CreationTemplate, Encryption
from ecrrepl.plan import Action, Plan, TemplateWrite, compute_plan, plan_from_json, plan_to_json
from ecrrepl.state import LiveState
from harness.models import IRELAND


def template(prefix: str, **fields: object) -> CreationTemplate:
    return CreationTemplate(
        account=IRELAND.account,
        region=IRELAND.region,
        prefix=prefix,
        **fields,  # type: ignore[arg-type]
    )


def plan_for(declared: list[CreationTemplate], live: list[CreationTemplate]) -> Plan:
    return compute_plan(
        Config(templates=tuple(declared)), LiveState(templates={IRELAND: tuple(live)})
    )


def test_templates_added_changed_unchanged_and_unmanaged() -> None:
    declared = [
        template("prod", image_tag_mutability="IMMUTABLE"),
        template("dev", image_tag_mutability="IMMUTABLE", resource_tags={"team": "web"}),
        template("ROOT", description="everything else"),
    ]
    live = [
        template("dev", image_tag_mutability="MUTABLE", resource_tags={"team": "api"}),
        template("ROOT", description="everything else"),
        template("legacy", description="made by hand"),
    ]
    (section,) = plan_for(declared, live).templates
    assert [(c.action, c.subject) for c in section.changes] == [
        (Action.ADD, "template prod"),
        (Action.CHANGE, "template dev"),
    ]
    added, changed = section.changes
    assert added.details == ("applied_for: REPLICATION", "image_tag_mutability: IMMUTABLE")
    assert added.effects == (
        "new repositories under `prod/` created by replication get this template's settings",
    )
    assert changed.details == (
        "image_tag_mutability: MUTABLE -> IMMUTABLE",
        "resource_tags: team=api -> team=web",
    )
    assert changed.effects == (
        "new repositories under `dev/` created by replication get the new "
        "image_tag_mutability, resource_tags; existing repositories keep their settings",
    )
    assert section.unchanged == 1
    assert section.unmanaged == ("legacy",)


def test_unmanaged_templates_are_never_written() -> None:
    plan = plan_for([template("prod")], [template("prod"), template("legacy")])
    assert plan.template_writes == ()
    assert not plan.has_changes


def test_template_writes_create_new_and_update_changed_ones() -> None:
    declared = [template("prod", description="new"), template("dev", description="b")]
    plan = plan_for(declared, [template("dev", description="a")])
    assert plan.template_writes == (
        TemplateWrite(declared[0], create=True),
        TemplateWrite(declared[1], create=False),
    )


def test_omitted_fields_equal_aws_defaults() -> None:
    live = template(
        "prod",
        image_tag_mutability="MUTABLE",
        encryption=Encryption(type="AES256"),
        description="",
        applied_for=("REPLICATION",),
    )
    assert not plan_for([template("prod")], [live]).has_changes


def test_set_orders_do_not_matter() -> None:
    declared = template(
        "prod",
        applied_for=("REPLICATION", "CREATE_ON_PUSH"),
        image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
        image_tag_mutability_exclusion_filters=("latest", "dev-*"),
    )
    live = template(
        "prod",
        applied_for=("CREATE_ON_PUSH", "REPLICATION"),
        image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
        image_tag_mutability_exclusion_filters=("dev-*", "latest"),
    )
    assert not plan_for([declared], [live]).has_changes


def test_a_changed_policy_document_is_reported_without_dumping_it() -> None:
    declared = template("ROOT", lifecycle_policy={"rules": [{"rulePriority": 1}]})
    live = template("ROOT", lifecycle_policy={"rules": [{"rulePriority": 2}]})
    (section,) = plan_for([declared], [live]).templates
    (change,) = section.changes
    assert change.details == ("lifecycle_policy: changed",)
    assert change.effects[0].startswith("every new repository created by replication")


# botocore ECR model, CreateRepositoryCreationTemplateRequest.prefix: "There is always an
# assumed / applied to the end of the prefix" (checked 2026-12-02): `prod` and `prod/`
# are one template.
def test_a_trailing_slash_does_not_make_another_template() -> None:
    plan = plan_for([template("prod", description="x")], [template("prod/", description="x")])

    (section,) = plan.templates
    assert (section.changes, section.unchanged, section.unmanaged) == ((), 1, ())


def test_a_changed_template_is_updated_under_its_live_spelling() -> None:
    declared = template("prod/", description="new")

    plan = plan_for([declared], [template("prod", description="old")])

    (section,) = plan.templates
    (change,) = section.changes
    assert (change.action, change.key, section.unmanaged) == (Action.CHANGE, "prod", ())
    assert plan.template_writes == (TemplateWrite(declared.replace(prefix="prod"), create=False),)


def test_the_live_template_of_the_same_text_is_preferred() -> None:
    live = [template("prod/", description="slash"), template("prod", description="plain")]

    (section,) = plan_for([template("prod", description="plain")], live).templates

    assert (section.changes, section.unchanged, section.unmanaged) == ((), 1, ("prod/",))


def test_a_saved_plan_keeps_the_live_spelling_of_an_update() -> None:
    plan = plan_for([template("prod/", description="new")], [template("prod", description="old")])

    restored = plan_from_json(json.loads(json.dumps(plan_to_json(plan, {"a.yaml": "x"}))))

    assert restored.template_writes == plan.template_writes


def test_a_prefix_with_a_slash_names_its_namespace_once() -> None:
    (section,) = plan_for([template("prod/")], []).templates

    (added,) = section.changes
    assert added.effects == (
        "new repositories under `prod/` created by replication get this template's settings",
    )
