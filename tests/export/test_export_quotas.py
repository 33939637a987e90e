"""Registries at ECR's rule quota: more than the old 10 rules, up to today's 25, survive a
round trip through export, validate, diff and apply.

botocore's ECR model allows 25 rules per registry (ReplicationRuleList max 25, since
botocore 1.43.73; checked 2026-12-02). The numbers are written out here, not read from
ecrrepl.limits, so that a wrong table fails these tests.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
import yaml

from ecrrepl.validation import validate_files
from harness.cli import run_main as run

BASE = "123456789012"  # moto's account for the base credentials
DESTINATION_REGIONS = ("us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-south-1")


def rule_of(number: int) -> dict[str, object]:
    """The number-th of many distinct rules: its own filter, one of a few destinations."""
    region = DESTINATION_REGIONS[number % len(DESTINATION_REGIONS)]
    return {
        "destinations": [{"region": region, "registryId": BASE}],
        "repositoryFilters": [{"filter": f"team-{number:02d}/", "filterType": "PREFIX_MATCH"}],
    }


@pytest.mark.parametrize("count", [11, 25])
def test_a_live_registry_with_more_than_ten_rules_exports_validates_and_diffs_clean(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], count: int
) -> None:
    rules = [rule_of(n) for n in range(count)]
    boto3.client("ecr", region_name="us-west-2").put_replication_configuration(
        replicationConfiguration={"rules": rules}
    )

    code, exported, err = run(["export", "--region", "us-west-2"], capsys)
    assert (code, err) == (0, "")
    (registry,) = yaml.safe_load(exported)["registries"]
    assert [r["filters"] for r in registry["rules"]] == [[f"team-{n:02d}/"] for n in range(count)]
    path = tmp_path / "exported.yaml"
    path.write_text(exported)

    findings = validate_files([str(path)]).findings
    assert [f"{f.rule} {f.message}" for f in findings] == []
    code, out, err = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 0, out + err
    assert "No changes." in out


def test_a_file_with_25_rules_applies_and_then_diffs_clean(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "registries": [
                    {
                        "account": BASE,
                        "region": "us-west-2",
                        "rules": [
                            {
                                "name": f"team-{n:02d}",
                                "filters": [f"team-{n:02d}/"],
                                "destinations": [
                                    {"region": DESTINATION_REGIONS[n % len(DESTINATION_REGIONS)]}
                                ],
                            }
                            for n in range(25)
                        ],
                    }
                ],
            },
            sort_keys=False,
        )
    )
    assert validate_files([str(path)]).findings == []

    code, out, err = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 3, out + err
    assert "Plan: 25 to add, 0 to change, 0 to remove." in out

    code, out, err = run(["apply", str(path), "--yes", "--backup-dir", str(tmp_path)], capsys)
    assert code == 0, out + err
    live = boto3.client("ecr", region_name="us-west-2").describe_registry()
    assert len(live["replicationConfiguration"]["rules"]) == 25

    code, out, err = run(["diff", "--exit-code", str(path)], capsys)
    assert code == 0, out + err
    assert "No changes." in out
