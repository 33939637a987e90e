"""Every row of the template field table (config/template_fields.py) goes the whole way:
a value written in the file is sent to the emulator, read back as live state, saved in a
plan file and a backup, exported, and read again, unchanged; and a plan, an update and
an update that leaves it out each handle it alone. A new row without a sample here fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from ecrrepl.aws.convert import template_to_api, template_update_to_api
from ecrrepl.aws.reader import read_state
from ecrrepl.aws.session import Sessions
from ecrrepl.backup import Backup, backup_from_json, backup_to_json, now_stamp
from ecrrepl.config.model import Config, CreationTemplate, RegistryAddress
from ecrrepl.config.schema import SCHEMA
from ecrrepl.config.template_fields import (
    API_ORDER,
    TEMPLATE_FIELD_NAMES,
    TEMPLATE_FIELDS,
    TemplateField,
)
from ecrrepl.plan.compute import compute_plan
from ecrrepl.plan.files import plan_from_text, plan_to_json
from ecrrepl.plan.templates import differing_fields
from ecrrepl.render.config_yaml import render_config_yaml
from ecrrepl.state import LiveState

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ADDRESS = RegistryAddress(ACCOUNT, REGION)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecr-template"

# For each field, the YAML that sets it to something other than what a bare template
# holds (with what AWS requires alongside it).
SAMPLES: dict[str, str] = {
    "applied_for": "applied_for: [CREATE_ON_PUSH, PULL_THROUGH_CACHE]",
    "description": "description: Settings for replicated prod repositories",
    "image_tag_mutability": "image_tag_mutability: IMMUTABLE",
    "image_tag_mutability_exclusion_filters": (
        "image_tag_mutability: IMMUTABLE_WITH_EXCLUSION\n"
        'image_tag_mutability_exclusion_filters: ["latest", "dev-*"]'
    ),
    # ECR needs a role to create KMS grants and to tag (lint rule E308).
    "encryption": (
        f"encryption: {{type: KMS, kms_key: 'arn:aws:kms:{REGION}:{ACCOUNT}:key/k'}}\n"
        f"custom_role_arn: '{ROLE}'"
    ),
    "resource_tags": (
        f"resource_tags: {{team: platform, replicated: 'true'}}\ncustom_role_arn: '{ROLE}'"
    ),
    "lifecycle_policy": (
        "lifecycle_policy:\n"
        "  rules:\n"
        "    - rulePriority: 1\n"
        "      selection: {tagStatus: untagged, countType: imageCountMoreThan, countNumber: 5}\n"
        "      action: {type: expire}"
    ),
    "repository_policy": (
        "repository_policy:\n"
        "  Version: '2012-10-17'\n"
        "  Statement:\n"
        "    - Sid: Pull\n"
        "      Effect: Allow\n"
        f"      Principal: {{AWS: 'arn:aws:iam::{ACCOUNT}:root'}}\n"
        "      Action: [ecr:BatchGetImage]"
    ),
    "custom_role_arn": f"custom_role_arn: '{ROLE}'",
}


def template_yaml(settings: str) -> str:
    indented = "".join(f"    {line}\n" for line in settings.splitlines())
    return (
        "version: 1\n"
        "templates:\n"
        f'  - account: "{ACCOUNT}"\n'
        f"    region: {REGION}\n"
        "    prefix: prod\n" + indented
    )


def bare() -> CreationTemplate:
    return CreationTemplate(account=ACCOUNT, region=REGION, prefix="prod")


def ecr() -> Any:
    return boto3.client("ecr", region_name=REGION)


def read_live(config: Config) -> LiveState:
    return read_state(config, Sessions.for_config(config))


def holds(field: TemplateField, template: CreationTemplate, declared: CreationTemplate) -> bool:
    """Whether `template` holds the declared value of `field`, and is otherwise what
    `declared` is as AWS applies it (AWS fills in its defaults: MUTABLE, AES256)."""
    return getattr(template, field.name) == getattr(declared, field.name) and not (
        differing_fields(template, declared)
    )


def test_every_field_has_a_sample_a_model_attribute_and_a_schema_entry() -> None:
    settings = {name for name, _ in CreationTemplate._record_fields} - {
        "account",
        "region",
        "prefix",
        "where",
        "key_locations",
        "positions",
    }
    assert set(SAMPLES) == set(TEMPLATE_FIELD_NAMES) == settings
    properties = SCHEMA["$defs"]["template"]["properties"]
    assert list(properties) == ["account", "region", "prefix", *TEMPLATE_FIELD_NAMES]


@pytest.mark.parametrize("field", TEMPLATE_FIELDS, ids=lambda field: field.name)
def test_a_field_round_trips_through_aws_plan_files_backups_and_export(
    field: TemplateField, aws: None, load_config: Callable[[str], Config], tmp_path: Path
) -> None:
    config = load_config(template_yaml(SAMPLES[field.name]))
    (declared,) = config.templates
    assert getattr(declared, field.name) != getattr(bare(), field.name)

    ecr().create_repository_creation_template(**template_to_api(declared))
    live = read_live(config)
    (read,) = live.templates[ADDRESS]
    assert holds(field, read, declared)
    assert field.name in live.as_json()["templates"][str(ADDRESS)][0]

    plan = compute_plan(config, live)
    (section,) = plan.templates
    assert (section.changes, section.unchanged) == ((), 1)
    (config_file,) = config.files
    plan_file = plan_to_json(plan, {config_file: Path(config_file).read_text()}, str(tmp_path))
    saved = plan_from_text(json.dumps(plan_file), "plan.json")
    assert saved.templates[0].declared == (declared,)

    key = (ADDRESS, "prod")
    backup = Backup(
        taken_by="apply",
        created_at=now_stamp(),
        templates={key: read},
        templates_written={key: saved.templates[0].declared[0]},
        owned_sids=frozenset(),
    )
    restored = backup_from_json(json.loads(json.dumps(backup_to_json(backup))), "backup.json")
    assert restored.templates[key] == read
    assert restored.templates_written[key] == declared

    exported = render_config_yaml(Config(templates=(restored.templates[key],)), [ACCOUNT], "now")
    (again,) = load_config(exported).templates
    assert holds(field, again, declared)


@pytest.mark.parametrize("field", TEMPLATE_FIELDS, ids=lambda field: field.name)
def test_a_field_is_planned_updated_and_cleared_alone(
    field: TemplateField, aws: None, load_config: Callable[[str], Config]
) -> None:
    config = load_config(template_yaml(SAMPLES[field.name]))
    (declared,) = config.templates
    ecr().create_repository_creation_template(**template_to_api(bare()))
    written_with = {
        f.name for f in TEMPLATE_FIELDS if getattr(declared, f.name) != getattr(bare(), f.name)
    }

    (section,) = compute_plan(config, read_live(config)).templates
    (change,) = section.changes
    assert set(differing_fields(bare(), declared)) == written_with
    assert [detail.split(":")[0] for detail in change.details] == [
        f.name for f in TEMPLATE_FIELDS if f.name in written_with
    ]

    ecr().update_repository_creation_template(**template_update_to_api(declared))
    (updated,) = read_live(config).templates[ADDRESS]
    assert holds(field, updated, declared)

    ecr().update_repository_creation_template(**template_update_to_api(bare()))
    (cleared,) = read_live(config).templates[ADDRESS]
    assert not differing_fields(cleared, bare())


def test_the_table_names_every_member_of_the_api_shapes_and_nothing_else() -> None:
    """A setting AWS adds to templates is a row to add; a row AWS does not know is a typo."""
    model = botocore_ecr_model()
    identity = {"prefix", "createdAt", "updatedAt"}
    for shape in (
        "CreateRepositoryCreationTemplateRequest",
        "UpdateRepositoryCreationTemplateRequest",
        "RepositoryCreationTemplate",
    ):
        members = set(model.shape_for(shape).members) - identity
        assert members == {field.api_key for field in TEMPLATE_FIELDS}, shape


def test_requests_list_members_in_botocore_order_with_the_required_applied_for_first() -> None:
    request = botocore_ecr_model().shape_for("CreateRepositoryCreationTemplateRequest")
    members = list(request.members)
    members.remove("prefix")
    members.remove("appliedFor")
    assert ("appliedFor", *members) == API_ORDER


def botocore_ecr_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("ecr")
