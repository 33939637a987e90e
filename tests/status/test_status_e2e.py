"""`ecrrepl status` as a user runs it: the installed command against a moto server on
127.0.0.1 (the ECR emulator inside), two accounts reached by AssumeRole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecrrepl.sandbox.launcher import emulator_settings
from harness.cli import ECRREPL, run_ecrrepl
from harness.replication_arrange import (
    DR_ACCOUNT,
    SOURCE_ACCOUNT,
    TWO_ACCOUNTS,
    ecr,
    push,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not ECRREPL.exists(), reason="ecrrepl is not installed in this venv"),
]


@pytest.fixture
def applied(env: dict[str, str], tmp_path: Path) -> Path:
    (tmp_path / "ecrrepl.yaml").write_text(TWO_ACCOUNTS, encoding="utf-8")
    result = run_ecrrepl(env, tmp_path, "apply", "ecrrepl.yaml", "--yes")
    assert result.returncode == 0, result.stderr
    return tmp_path


def tags(account: str, region: str, repository: str) -> list[list[str]]:
    images = ecr(account, region).describe_images(repositoryName=repository)["imageDetails"]
    return [sorted(image.get("imageTags", [])) for image in images]


def test_status_wait_reaches_complete_everywhere_and_the_image_is_there(
    env: dict[str, str], applied: Path, server: str
) -> None:
    # Two reads report IN_PROGRESS: the first `status`, and the first read of --wait.
    emulator_settings(server, in_progress_polls=2)
    digest = push(ecr(SOURCE_ACCOUNT, "us-west-2"), "prod/api", "1.0")

    now = run_ecrrepl(env, applied, "status", "--repository", "prod/api", "--tag", "1.0")
    waited = run_ecrrepl(
        env, applied, "status", "--repository", "prod/api", "--tag", "1.0", "--wait"
    )

    assert now.returncode == 1
    assert "  … 222222222222/eu-west-1  IN_PROGRESS\n" in now.stdout
    assert (waited.returncode, waited.stdout) == (
        0,
        f"image prod/api:1.0 ({digest})\n"
        "\n"
        "from 111111111111/us-west-2\n"
        "  ✓ 111111111111/us-east-1  COMPLETE\n"
        "  ✓ 222222222222/eu-west-1  COMPLETE\n"
        "\n"
        "Complete after 2s: replicated to all 2 expected destinations.\n",
    )
    # No terminal: progress is plain lines on stderr.
    assert waited.stderr.splitlines()[-1] == (
        "[2s] 111111111111/us-west-2 → 222222222222/eu-west-1: COMPLETE"
    )
    assert tags(SOURCE_ACCOUNT, "us-east-1", "prod/api") == [["1.0"]]
    assert tags(DR_ACCOUNT, "eu-west-1", "prod/api") == [["1.0"]]


def test_a_registry_policy_removed_behind_the_tools_back_shows_failed(
    env: dict[str, str], applied: Path
) -> None:
    ecr(DR_ACCOUNT, "eu-west-1").delete_registry_policy()
    push(ecr(SOURCE_ACCOUNT, "us-west-2"), "prod/api", "1.0")

    result = run_ecrrepl(
        env,
        applied,
        "status",
        "--repository",
        "prod/api",
        "--tag",
        "1.0",
        "--wait",
        "--timeout",
        "1m",
        "--format",
        "json",
    )

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["outcome"] == "failed"
    assert [
        (d["region"], d["status"], d["failure_code"]) for d in report["sources"][0]["destinations"]
    ] == [("us-east-1", "COMPLETE", None), ("eu-west-1", "FAILED", "PERMISSION_DENIED")]
    assert ecr(DR_ACCOUNT, "eu-west-1").describe_repositories()["repositories"] == []


def test_an_unknown_image_is_one_line_naming_account_and_region(
    env: dict[str, str], applied: Path
) -> None:
    result = run_ecrrepl(env, applied, "status", "--repository", "prod/api", "--tag", "9.9")

    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "ecrrepl: error: repository prod/api not found in account 111111111111 region us-west-2\n",
    )
