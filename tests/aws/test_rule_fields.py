"""Every row of the replication rule field table (config/rule_fields.py) goes the whole
way: a rule written in the file is sent to the emulator, read back as live state, saved
in a plan file and a backup, exported, and read again, unchanged (but for its name,
which never travels to AWS). A new row without a sample here fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

from ecrrepl.aws.convert import rules_to_api
from ecrrepl.aws.reader import read_state
from ecrrepl.aws.session import Sessions
from ecrrepl.backup import Backup, backup_from_json, backup_to_json, now_stamp
from ecrrepl.config.model import Config, RegistryAddress, ReplicationRule, SourceRegistry
from ecrrepl.config.rule_fields import RULE_API_ORDER, RULE_FIELD_NAMES, RULE_FIELDS, RuleField
from ecrrepl.config.schema import SCHEMA
from ecrrepl.plan.compute import compute_plan
from ecrrepl.plan.files import plan_from_text, plan_to_json
from ecrrepl.policy import owned_sid_list
from ecrrepl.render.config_yaml import render_config_yaml

ACCOUNT = "123456789012"
SOURCE = RegistryAddress(ACCOUNT, "us-west-2")

# For each field, the YAML of a rule that sets it to something other than a bare rule
# (one destination in the source's account) holds.
SAMPLES: dict[str, str] = {
    "name": "name: prod",
    "filters": 'filters: ["prod/", "base-"]',
    "destinations": "destinations: [{region: eu-west-1}, {region: us-east-1}]",
    "delete_replication": "delete_replication: true",
}
BARE_DESTINATIONS = "destinations: [{region: us-east-1}]"


def rule_yaml(settings: str) -> str:
    lines = settings.splitlines()
    if not any(line.startswith("destinations:") for line in lines):
        lines.append(BARE_DESTINATIONS)
    first, *rest = lines
    return (
        "version: 1\n"
        "registries:\n"
        f'  - account: "{ACCOUNT}"\n'
        f"    region: {SOURCE.region}\n"
        "    rules:\n"
        f"      - {first}\n" + "".join(f"        {line}\n" for line in rest)
    )


def unnamed(rule: ReplicationRule) -> ReplicationRule:
    return rule.replace(name=None)


def test_every_field_has_a_sample_a_model_attribute_and_a_schema_entry() -> None:
    settings = {name for name, _ in ReplicationRule._record_fields} - {"where", "key_locations"}
    assert set(SAMPLES) == set(RULE_FIELD_NAMES) == settings
    assert list(SCHEMA["$defs"]["rule"]["properties"]) == list(RULE_FIELD_NAMES)


def test_the_table_names_every_member_of_the_api_rule_in_botocore_order() -> None:
    model = botocore.session.get_session().get_service_model("ecr")
    members = list(model.shape_for("ReplicationRule").members)
    assert {field.api_key for field in RULE_FIELDS} - {None} == set(members)
    assert tuple(members) == RULE_API_ORDER


@pytest.mark.parametrize("field", RULE_FIELDS, ids=lambda field: field.name)
def test_a_field_round_trips_through_aws_plan_files_backups_and_export(
    field: RuleField, aws: None, load_config: Callable[[str], Config], tmp_path: Path
) -> None:
    config = load_config(rule_yaml(SAMPLES[field.name]))
    (declared,) = config.registries[0].rules
    (bare,) = load_config(rule_yaml(BARE_DESTINATIONS)).registries[0].rules
    assert getattr(declared, field.name) != getattr(bare, field.name)

    ecr: Any = boto3.client("ecr", region_name=SOURCE.region)
    ecr.put_replication_configuration(replicationConfiguration=rules_to_api([declared]))
    live = read_state(config, Sessions.for_config(config))
    assert live.replication[SOURCE] == (unnamed(declared),)
    if field.api_key is not None:
        assert field.name in live.as_json()["replication"][str(SOURCE)][0]

    plan = compute_plan(config, live)
    (section,) = plan.replication
    assert (section.changes, section.unchanged) == ((), 1)
    (config_file,) = config.files
    plan_file = plan_to_json(plan, {config_file: Path(config_file).read_text()}, str(tmp_path))
    saved = plan_from_text(json.dumps(plan_file), "plan.json")
    assert saved.replication[0].rules == (declared,)

    backup = Backup(
        taken_by="apply",
        created_at=now_stamp(),
        replication={SOURCE: live.replication[SOURCE]},
        replication_written={SOURCE: saved.replication[0].rules},
        owned_sids=owned_sid_list([SOURCE], None),
        sources=(SOURCE,),
    )
    restored = backup_from_json(json.loads(json.dumps(backup_to_json(backup))), "backup.json")
    assert restored.replication[SOURCE] == restored.replication_written[SOURCE]
    assert restored.replication[SOURCE] == (unnamed(declared),)

    exported = Config(
        registries=(
            SourceRegistry(
                account=SOURCE.account, region=SOURCE.region, rules=restored.replication[SOURCE]
            ),
        )
    )
    again = load_config(render_config_yaml(exported, [ACCOUNT], "now"))
    assert again.registries[0].rules == (unnamed(declared),)
