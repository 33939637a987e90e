"""`ecrrepl iam` on the command line: what it prints, its exit codes, its imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness import configs
from harness.cli import invoke

REPO = Path(__file__).parents[2]
EXAMPLE = REPO / "configs" / "example.yaml"

TWO_ACCOUNTS = configs.document(
    configs.registry(
        configs.rule((configs.OTHER_ACCOUNT, "eu-west-1"), filters=["prod/"], flow=True)
    ),
    accounts=[configs.account(configs.OTHER_ACCOUNT)],
)

REPORT_IMPORTS = """
import sys
from ecrrepl.cli import main
code = main(sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"boto3", "botocore"})
sys.stderr.write(f"exit={code} imported={','.join(heavy) or 'none'}\\n")
"""


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(TWO_ACCOUNTS, encoding="utf-8")
    return path


def test_one_account_prints_exactly_one_policy_document(config_file: Path) -> None:
    outcome = invoke("iam", str(config_file), "--account", "222222222222")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    document = json.loads(outcome.stdout)
    assert set(document) == {"Version", "Statement"}
    assert document["Version"] == "2012-10-17"
    assert [s["Sid"] for s in document["Statement"]] == [
        "VerifyIdentity",
        "ManagedRegistryPolicies",
        "DestinationRepositories",
    ]


def test_without_an_account_one_object_keyed_by_account(config_file: Path) -> None:
    outcome = invoke("iam", str(config_file))
    assert outcome.exit_code == 0
    policies = json.loads(outcome.stdout)
    assert list(policies) == ["111111111111", "222222222222"]
    alone = json.loads(invoke("iam", str(config_file), "--account", "111111111111").stdout)
    assert policies["111111111111"] == alone


def test_the_default_file_and_purpose(config_file: Path) -> None:
    default = invoke("iam", "--account", "111111111111")
    explicit = invoke("iam", str(config_file), "--account", "111111111111", "--for", "apply")
    assert default.exit_code == 0
    assert default.stdout == explicit.stdout
    assert "ecr:PutReplicationConfiguration" in default.stdout


def test_for_is_repeatable_and_unites_the_purposes(config_file: Path) -> None:
    def actions(*purposes: str) -> set[str]:
        arguments = [a for p in purposes for a in ("--for", p)]
        outcome = invoke("iam", "--account", "111111111111", *arguments)
        assert outcome.exit_code == 0
        return {a for s in json.loads(outcome.stdout)["Statement"] for a in s["Action"]}

    both = actions("apply", "operate")
    assert both == actions("apply") | actions("operate")
    assert "ecr:StartReplicationBackfill" in both - actions("apply")
    assert "ecr:PutReplicationConfiguration" not in actions("read")


def test_an_account_not_in_the_file_is_a_usage_error(config_file: Path) -> None:
    outcome = invoke("iam", "--account", "999999999999")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (
        "ecrrepl: error: --account 999999999999 is not an account of the configuration "
        "(its accounts: 111111111111, 222222222222)\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--account", "12345"), "is not an account ID"),
        (("--for", "admin"), "Invalid value for '--for'"),
    ],
)
def test_bad_options_are_usage_errors(
    config_file: Path, arguments: tuple[str, ...], message: str
) -> None:
    outcome = invoke("iam", *arguments)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert message in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_a_file_with_errors_gets_no_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ecrrepl.yaml").write_text(
        TWO_ACCOUNTS.replace("eu-west-1", "eu-wset-1"), encoding="utf-8"
    )
    outcome = invoke("iam", "--account", "111111111111")
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert "E105" in outcome.stderr
    assert outcome.stderr.rstrip().endswith(
        "the configuration has 1 error; nothing was read from or written to AWS"
    )


def test_a_policy_over_the_managed_policy_limit_is_printed_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    filters = ", ".join(f"team{n:03d}/service" for n in range(100))
    (tmp_path / "ecrrepl.yaml").write_text(
        TWO_ACCOUNTS.replace("[prod/]", f"[{filters}]"), encoding="utf-8"
    )
    outcome = invoke("iam", "--account", "111111111111", "--for", "operate")
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["Version"] == "2012-10-17"
    assert outcome.stderr.startswith("warning: the policy of account 111111111111 has ")
    assert "an IAM managed policy holds at most 6144" in outcome.stderr
    assert invoke("iam", "--account", "111111111111", "--for", "read").stderr == ""


def test_iam_imports_no_aws_sdk() -> None:
    result = subprocess.run(
        [sys.executable, "-c", REPORT_IMPORTS, "iam", str(EXAMPLE), "--for", "operate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stderr == "exit=0 imported=none\n"
    assert set(json.loads(result.stdout)) == {"111111111111", "222222222222", "333333333333"}


def test_a_missing_file_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = invoke("iam", "missing.yaml")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == "ecrrepl: error: missing.yaml: no such file\n"


def test_no_policy_passes_a_role_of_another_account(tmp_path: Path) -> None:
    path = tmp_path / "foreign-role.yaml"
    path.write_text(
        "version: 1\n"
        "registries:\n"
        '  - account: "222222222222"\n'
        "    region: us-west-2\n"
        "    rules: [{filters: [prod/], destinations: [{region: eu-west-1}]}]\n"
        "templates:\n"
        '  - account: "222222222222"\n'
        "    region: eu-west-1\n"
        "    prefix: prod\n"
        "    custom_role_arn: arn:aws:iam::333333333333:role/x\n",
        encoding="utf-8",
    )
    outcome = invoke("iam", str(path), "--account", "222222222222")
    assert outcome.exit_code == 1
    assert "E311" in outcome.stderr
    assert "iam:PassRole" not in outcome.stdout
