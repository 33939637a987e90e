"""`ecrrepl export`: the live registries of the base account, as a config that diffs clean."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import yaml

from ecrrepl.validation import validate_files
from harness.accounts import assume
from harness.cli import run_main as run

BASE = "123456789012"  # moto's account for the base credentials
# A policy AWS would accept: the exported file must validate clean (E312 included).
LIFECYCLE_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        }
    ]
}


def configure_live_registries() -> None:
    source = boto3.client("ecr", region_name="us-west-2")
    source.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [
                        {"region": "us-east-1", "registryId": BASE},
                        {"region": "eu-west-1", "registryId": "222222222222"},
                    ],
                    "repositoryFilters": [
                        {"filter": "prod/", "filterType": "PREFIX_MATCH"},
                        {"filter": "base-", "filterType": "PREFIX_MATCH"},
                    ],
                },
                {"destinations": [{"region": "eu-central-1", "registryId": BASE}]},
            ]
        }
    )
    source.create_repository_creation_template(
        prefix="prod",
        appliedFor=["REPLICATION"],
        imageTagMutability="IMMUTABLE",
        description="replicated prod",
        lifecyclePolicy=json.dumps(LIFECYCLE_POLICY),
    )


def test_export_then_diff_shows_no_changes(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_live_registries()
    code, exported, err = run(["export", "--region", "us-west-2", "--region", "us-east-1"], capsys)
    assert (code, err) == (0, "")
    path = tmp_path / "exported.yaml"
    path.write_text(exported)

    # The export is a valid configuration, and says what it is.
    assert exported.startswith("# Exported by ecrrepl")
    assert [f.rule for f in validate_files([str(path)]).errors] == []
    document = yaml.safe_load(exported)
    assert document["accounts"] == {"222222222222": {"manage_registry_policy": False}}
    west, east = document["registries"]
    assert (west["account"], west["region"], east["region"], east["rules"]) == (
        BASE,
        "us-west-2",
        "us-east-1",
        [],
    )
    assert west["rules"][0]["filters"] == ["prod/", "base-"]
    assert west["rules"][0]["destinations"] == [
        {"region": "us-east-1"},
        {"account": "222222222222", "region": "eu-west-1"},
    ]
    assert "filters" not in west["rules"][1]
    (template,) = document["templates"]
    assert template["prefix"] == "prod"
    assert template["image_tag_mutability"] == "IMMUTABLE"
    assert template["lifecycle_policy"] == LIFECYCLE_POLICY

    code, out, err = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 0, out + err
    assert "No changes." in out
    # The other account's policy cannot be read with the base credentials: said, not fatal.
    assert "was not checked" in out


def test_export_of_a_registry_without_replication(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, exported, _ = run(["export", "--region", "eu-west-1"], capsys)
    assert code == 0
    assert yaml.safe_load(exported)["registries"] == [
        {"account": BASE, "region": "eu-west-1", "rules": []}
    ]


def test_export_unknown_region_is_a_usage_error(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["export", "--region", "us-est-1"], capsys)
    assert (code, out) == (2, "")
    assert err == "ecrrepl: error: unknown region 'us-est-1'; did you mean 'us-east-1'?\n"


def test_export_needs_a_region(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["export"], capsys)
    assert (code, out) == (2, "")
    assert "--region" in err


def test_export_without_credentials_is_one_line(
    aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = run(["export", "--region", "us-west-2"], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("ecrrepl: error: the base credentials cannot be used")
    assert err.count("\n") == 1


def test_export_reads_the_other_account_untouched(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Export reads only the base account: a second account's registry is not listed."""
    other = assume("222222222222").client("ecr", region_name="us-west-2")
    other.put_replication_configuration(
        replicationConfiguration={
            "rules": [{"destinations": [{"region": "us-east-1", "registryId": "222222222222"}]}]
        }
    )
    code, exported, _ = run(["export", "--region", "us-west-2"], capsys)
    assert code == 0
    assert yaml.safe_load(exported)["registries"] == [
        {"account": BASE, "region": "us-west-2", "rules": []}
    ]
