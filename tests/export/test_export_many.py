"""`ecrrepl export` of many accounts: 50 accounts x 2 regions, reached by AssumeRole, round
trip export -> validate (no errors) -> diff (no changes), registry policies included.

The live registries are arranged from an intended configuration: a ring in which each
account's us-west-2 registry replicates into its own us-east-1 and into the next
account's eu-west-1 (a region not exported: its policy is read all the same), a few into
an account that is not exported, a few us-east-1 registries onward to us-east-2, and
some creation templates. The destination policies in eu-west-1 hold, in turn, exactly
ecrrepl's statement (the account's policy may be managed), someone else's statement
granting the same (it must be left alone), or nothing: replication there cannot work,
and the exported file's diff says so for each such registry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from ecrrepl.policy import required_statements
from ecrrepl.validation import load_files, validate_files
from harness.accounts import BASE_ACCOUNT, credentials_for, ecr_client
from harness.cli import run_main as run

ACCOUNTS = [BASE_ACCOUNT] + [f"{100000000000 + n}" for n in range(1, 50)]
OUTSIDE = "999999999999"  # replicated into, never exported
REGIONS = ("us-west-2", "us-east-1")
ROLE = "ecrrepl-read"


def next_account(index: int) -> str:
    return ACCOUNTS[(index + 1) % len(ACCOUNTS)]


def policy_kind(account: str) -> str:
    """What the eu-west-1 registry policy of `account` holds: ecrrepl's statement, someone
    else's statement granting the same, or no policy."""
    return ("ecrrepl", "foreign", "none")[ACCOUNTS.index(account) % 3]


def intended_document() -> dict[str, Any]:
    registries: list[dict[str, Any]] = []
    templates: list[dict[str, Any]] = []
    for index, account in enumerate(ACCOUNTS):
        destinations = [
            {"region": "us-east-1"},
            {"account": next_account(index), "region": "eu-west-1"},
        ]
        if index % 10 == 3:
            destinations.append({"account": OUTSIDE, "region": "us-east-1"})
        registries.append(
            {
                "account": account,
                "region": "us-west-2",
                "rules": [{"filters": [f"team{index}/"], "destinations": destinations}],
            }
        )
        east_rules = (
            [{"destinations": [{"region": "us-east-2"}], "delete_replication": True}]
            if index % 5 == 0
            else []
        )
        registries.append({"account": account, "region": "us-east-1", "rules": east_rules})
        if index % 7 == 0:
            templates.append(
                {
                    "account": account,
                    "region": "us-east-1",
                    "prefix": f"team{index}",
                    "applied_for": ["REPLICATION"],
                    "image_tag_mutability": "IMMUTABLE",
                }
            )
    return {"version": 1, "registries": registries, "templates": templates}


def api_rules(rules: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    return [
        {
            "destinations": [
                {"region": d["region"], "registryId": d.get("account", source)}
                for d in rule["destinations"]
            ],
            **(
                {
                    "repositoryFilters": [
                        {"filter": f, "filterType": "PREFIX_MATCH"} for f in rule["filters"]
                    ]
                }
                if "filters" in rule
                else {}
            ),
            **({"deleteReplication": {"enabled": True}} if rule.get("delete_replication") else {}),
        }
        for rule in rules
    ]


def arrange(intended_path: Path) -> None:
    document = yaml.safe_load(intended_path.read_text())
    config = load_files([str(intended_path)]).config
    statements = required_statements(config)
    clients: dict[tuple[str, str], Any] = {}
    for account in ACCOUNTS:
        keys = credentials_for(account)
        for region in (*REGIONS, "eu-west-1"):
            clients[account, region] = boto3.client("ecr", region_name=region, **keys)
    for registry in document["registries"]:
        if registry["rules"]:
            clients[registry["account"], registry["region"]].put_replication_configuration(
                replicationConfiguration={
                    "rules": api_rules(registry["rules"], registry["account"])
                }
            )
    for template in document["templates"]:
        clients[template["account"], template["region"]].create_repository_creation_template(
            prefix=template["prefix"],
            appliedFor=template["applied_for"],
            imageTagMutability=template["image_tag_mutability"],
        )
    for destination, needed in statements.items():
        if destination.account == OUTSIDE or policy_kind(destination.account) == "none":
            continue
        policy_statements = [s.as_json() for s in needed]
        if policy_kind(destination.account) == "foreign":
            for statement in policy_statements:
                statement["Sid"] = "GrantedByThePlatformTeam"
        clients[destination.account, destination.region].put_registry_policy(
            policyText=json.dumps({"Version": "2012-10-17", "Statement": policy_statements})
        )
    # Something in the outside account, to see that export leaves it unread.
    ecr_client(OUTSIDE, "us-east-1").put_registry_policy(
        policyText=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "Other",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{BASE_ACCOUNT}:root"},
                        "Action": ["ecr:ReplicateImage"],
                        "Resource": f"arn:aws:ecr:us-east-1:{OUTSIDE}:repository/*",
                    }
                ],
            }
        )
    )


def export_arguments() -> list[str]:
    arguments = ["export", "--role-name", ROLE]
    for region in REGIONS:
        arguments += ["--region", region]
    for account in ACCOUNTS:
        arguments += ["--account", account]
    return arguments


@pytest.mark.slow
def test_fifty_accounts_in_two_regions_export_validate_and_diff_clean(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    intended_path = tmp_path / "intended.yaml"
    intended = intended_document()
    intended_path.write_text(yaml.safe_dump(intended, sort_keys=False))
    arrange(intended_path)

    code, exported, err = run(export_arguments(), capsys)
    assert (code, err) == (0, "")
    path = tmp_path / "exported.yaml"
    path.write_text(exported)
    assert exported.startswith("# Exported by ecrrepl")
    assert "from 50 accounts" in exported.splitlines()[0]

    # Valid, and the same registries and templates as the live ones, in the order asked.
    errors = validate_files([str(path)]).errors
    assert [f"{f.rule} {f.message}" for f in errors] == []
    document = yaml.safe_load(exported)
    assert document["registries"] == intended["registries"]
    # AWS reports the default encryption of a template, and export writes it out.
    assert document["templates"] == [
        {**template, "encryption": {"type": "AES256"}} for template in intended["templates"]
    ]
    assert (
        load_files([str(path)]).config.registries
        == load_files([str(intended_path)]).config.registries
    )

    # How each account is reached, and whose registry policies the file may manage.
    accounts = document["accounts"]
    assert BASE_ACCOUNT not in accounts or "role_arn" not in accounts[BASE_ACCOUNT]
    for account in ACCOUNTS[1:]:
        assert accounts[account]["role_arn"] == f"arn:aws:iam::{account}:role/{ROLE}"
    for account in ACCOUNTS:
        expected_managed = policy_kind(account) == "ecrrepl"
        managed = accounts.get(account, {}).get("manage_registry_policy", True)
        assert managed is expected_managed, account
    assert accounts[OUTSIDE] == {"manage_registry_policy": False}

    # Nothing to write; but where the live rules replicate into a registry with no
    # policy at all, replication cannot work, and diff says so for each (exit 1).
    code, out, err = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 1, out + err
    assert "Nothing to write, but the live registries do not work as configured." in out
    broken = {
        line.split(" will fail: ", 1)[1].split(" ", 1)[0]
        for line in out.splitlines()
        if " will fail: " in line
    }
    assert broken == {
        f"{destination.account}/{destination.region}"
        for destination in required_statements(load_files([str(path)]).config)
        if destination.account != OUTSIDE and policy_kind(destination.account) == "none"
    }


def test_a_managed_policy_that_lacks_a_statement_would_show_it_once_managed(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The decision export makes is the one diff would: an account listed as unmanaged
    because its policy lacks ecrrepl's statement shows that statement once the line goes."""
    second = ACCOUNTS[1]
    ecr_client(BASE_ACCOUNT, "us-west-2").put_replication_configuration(
        replicationConfiguration={
            "rules": [{"destinations": [{"region": "eu-west-1", "registryId": second}]}]
        }
    )
    code, exported, err = run(
        ["export", "--region", "us-west-2", "--account", BASE_ACCOUNT, "--account", second,
         "--role-name", ROLE],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    document = yaml.safe_load(exported)
    assert document["accounts"] == {
        second: {"role_arn": f"arn:aws:iam::{second}:role/{ROLE}", "manage_registry_policy": False}
    }
    path = tmp_path / "exported.yaml"
    path.write_text(exported)
    # Unmanaged, the policy that lacks the grant is an error: replication cannot work.
    code, out, _ = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 1
    assert f"must add statement Ecrrepl{BASE_ACCOUNT}uswest2" in out

    del document["accounts"][second]["manage_registry_policy"]
    path.write_text(yaml.safe_dump(document))
    code, out, _ = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 3
    assert f"Ecrrepl{BASE_ACCOUNT}uswest2" in out
