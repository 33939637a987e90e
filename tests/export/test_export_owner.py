"""`ecrrepl export` of registries whose policies hold merged statements: the file carries
the `owner:` they were written under, so that it diffs clean, and where several owners
share a destination, export asks which one is this file's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecrrepl.adoption import AdoptedState, live_owners
from ecrrepl.config.model import RegistryAddress
from ecrrepl.policy import merged_sid, owner_of_sid
from harness.accounts import BASE_ACCOUNT, ecr_client
from harness.cli import run_main as run

TEAM = "444444444444"
DR = "222222222222"
ROLE = "ecrrepl"
OWNED = f"""\
version: 1
owner: platform
accounts:
  "{TEAM}": {{role_arn: "arn:aws:iam::{TEAM}:role/{ROLE}"}}
  "{DR}": {{role_arn: "arn:aws:iam::{DR}:role/{ROLE}"}}
registries:
  - account: "{BASE_ACCOUNT}"
    region: us-west-2
    rules:
      - filters: [prod/]
        destinations: [{{account: "{DR}", region: eu-west-1}}]
  - account: "{TEAM}"
    region: us-west-2
    rules:
      - filters: [prod/]
        destinations: [{{account: "{DR}", region: eu-west-1}}]
"""
# Another team's merged statement in the same destination policy.
DATA_TEAM_STATEMENT = {
    "Sid": merged_sid("data", ["arn:aws:iam::555555555555:root"], ["data/*"]),
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::555555555555:root"]},
    "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
    "Resource": [f"arn:aws:ecr:eu-west-1:{DR}:repository/data/*"],
}


def export_arguments(*extra: str) -> list[str]:
    return [
        "export", "--region", "us-west-2", "--region", "eu-west-1",
        "--account", BASE_ACCOUNT, "--account", TEAM, "--account", DR,
        "--role-name", ROLE, *extra,
    ]  # fmt: skip


@pytest.fixture
def applied(aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """The platform team's configuration applied: one merged statement in the DR policy."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "owned.yaml").write_text(OWNED)
    code, out, err = run(["apply", "--yes", "owned.yaml"], capsys)
    assert code == 0, out + err


def dr_policy() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        ecr_client(DR, "eu-west-1").get_registry_policy()["policyText"]
    )
    return document


def diff_is_clean(exported: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "exported.yaml"
    path.write_text(exported)
    code, out, err = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 0, out + err
    assert "No changes." in out


def test_the_owner_is_read_back_from_the_merged_sids(
    applied: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (statement,) = dr_policy()["Statement"]
    assert owner_of_sid(statement["Sid"]) == "platform"

    code, exported, err = run(export_arguments(), capsys)
    assert (code, err) == (0, "")
    document = yaml.safe_load(exported)
    assert document["owner"] == "platform"
    # The DR account's policy holds exactly the owner's statement: the file manages it.
    assert "manage_registry_policy" not in document["accounts"].get(DR, {})
    diff_is_clean(exported, tmp_path, capsys)


def test_several_owners_in_one_policy_need_the_owner_named(
    applied: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_policy = dr_policy()
    data_policy["Statement"].append(DATA_TEAM_STATEMENT)
    ecr_client(DR, "eu-west-1").put_registry_policy(policyText=json.dumps(data_policy))

    code, out, err = run(export_arguments(), capsys)
    assert code == 2, out + err
    assert out == ""
    assert "several owners (data, platform)" in err
    assert "--owner" in err

    code, exported, err = run(export_arguments("--owner", "platform"), capsys)
    assert (code, err) == (0, "")
    assert yaml.safe_load(exported)["owner"] == "platform"
    diff_is_clean(exported, tmp_path, capsys)
    # The other team's statement is not this file's: diff and apply leave it alone.
    assert DATA_TEAM_STATEMENT in dr_policy()["Statement"]


def test_the_owner_of_the_configuration_given_is_taken(
    applied: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_policy = dr_policy()
    data_policy["Statement"].append(DATA_TEAM_STATEMENT)
    ecr_client(DR, "eu-west-1").put_registry_policy(policyText=json.dumps(data_policy))
    arguments = export_arguments("--config", str(tmp_path / "owned.yaml"))
    code, exported, err = run(arguments, capsys)
    assert (code, err) == (0, "")
    assert yaml.safe_load(exported)["owner"] == "platform"


def test_a_policy_without_merged_statements_gives_no_owner(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, exported, err = run(["export", "--region", "us-west-2"], capsys)
    assert (code, err) == (0, "")
    assert "owner" not in yaml.safe_load(exported)


def test_an_owner_that_is_not_a_name_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["export", "--region", "us-west-2", "--owner", "Platform-Team"], capsys)
    assert (code, out) == (2, "")
    assert "--owner 'Platform-Team' is not an owner name" in err


def test_live_owners_reads_only_the_exported_accounts_and_only_merged_sids() -> None:
    dr = RegistryAddress(DR, "eu-west-1")
    elsewhere = RegistryAddress("999999999999", "eu-west-1")

    def policy(*sids: object) -> dict[str, Any]:
        return {"Statement": [{"Sid": sid} for sid in sids]}

    state = AdoptedState(
        replication={},
        templates={},
        registry_policies={
            dr: policy(
                merged_sid("platform", ["a"], ["b"]),
                "Ecrrepl123456789012uswest2",  # a per-registry Sid names no owner
                "EcrreplPlatformGnothex0000",  # not a digest
                7,
            ),
            elsewhere: policy(merged_sid("other", ["a"], ["b"])),
        },
    )
    assert live_owners(state, [DR]) == ["platform"]
    assert live_owners(state, [DR, "999999999999"]) == ["other", "platform"]
    assert owner_of_sid(merged_sid("a1b2", ["x"], ["y"])) == "a1b2"
