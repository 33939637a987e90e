"""How the sandbox reaches each account of a configuration, and the lines it prints."""

from __future__ import annotations

import shlex
from pathlib import Path

from ecrrepl.config.model import Config
from ecrrepl.sandbox.access import (
    EMULATOR_DEFAULT_ACCOUNT,
    aws_config_text,
    export_lines,
    pasted,
    sandbox_access,
)
from ecrrepl.validation import validate_files
from harness import configs

FRANKFURT_TO_TWO_ACCOUNTS = configs.registry(
    configs.rule(
        (configs.OTHER_ACCOUNT, "eu-west-1"),
        (configs.THIRD_ACCOUNT, "us-east-2"),
        filters=["prod/"],
    ),
    region="eu-central-1",
)
BY_PROFILE = configs.account(configs.THIRD_ACCOUNT, profile="dr-admin")
# The base credentials (no entry), a role, a profile.
THREE_WAYS = configs.document(
    FRANKFURT_TO_TWO_ACCOUNTS, accounts=[configs.account(configs.OTHER_ACCOUNT), BY_PROFILE]
)


def config_of(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(text, encoding="utf-8")
    result = validate_files([str(path)])
    assert not result.errors, result.errors
    return result.config


def test_the_base_credentials_belong_to_the_account_without_an_entry(tmp_path: Path) -> None:
    access = sandbox_access(config_of(tmp_path, THREE_WAYS))
    assert access.base_account == "111111111111"
    assert access.profiles == {"dr-admin": "333333333333"}
    assert access.unreachable == {}
    assert access.region == "eu-central-1"


def test_a_profile_becomes_a_role_of_its_account_assumed_from_the_environment(
    tmp_path: Path,
) -> None:
    config = config_of(tmp_path, THREE_WAYS)
    text = aws_config_text(config, sandbox_access(config))
    section = text.split("[profile dr-admin]\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [
        "role_arn = arn:aws:iam::333333333333:role/ecrrepl-sandbox",
        "credential_source = Environment",
    ]
    # Every other account gets a profile of the sandbox's own, for the AWS CLI.
    assert "[profile ecrrepl-sandbox-222222222222]" in text
    assert "[profile ecrrepl-sandbox-111111111111]" not in text


def test_a_second_account_without_an_entry_is_reported_not_reachable(tmp_path: Path) -> None:
    text = configs.document(FRANKFURT_TO_TWO_ACCOUNTS, accounts=[BY_PROFILE])

    access = sandbox_access(config_of(tmp_path, text))
    assert access.base_account == "111111111111"
    assert set(access.unreachable) == {"222222222222"}
    assert "111111111111" in access.unreachable["222222222222"]


def test_a_file_whose_every_account_has_an_entry_uses_the_emulators_default(
    tmp_path: Path,
) -> None:
    text = THREE_WAYS.replace(
        "accounts:\n", 'accounts:\n  "111111111111":\n    profile: build\n', 1
    )
    access = sandbox_access(config_of(tmp_path, text))
    assert access.base_account == EMULATOR_DEFAULT_ACCOUNT
    assert access.profiles == {"build": "111111111111", "dr-admin": "333333333333"}


def test_export_lines_are_shell_safe_and_unset_what_would_lead_elsewhere() -> None:
    lines = export_lines(
        endpoint="http://127.0.0.1:5000",
        key_id="AKIA1",
        secret="a b'c",
        region="eu-west-1",
        config_file="/tmp/x y/config",
        credentials_file="/tmp/x y/credentials",
    )
    exported = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1)
        for line in lines
        if line.startswith("export ")
    )
    assert exported["AWS_SECRET_ACCESS_KEY"] == "a b'c"
    assert exported["AWS_CONFIG_FILE"] == "/tmp/x y/config"
    assert exported["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    unset = lines[-1].split()
    assert unset[0] == "unset"
    assert {"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL_ECR"} <= set(unset[1:])


def test_pasting_the_lines_sets_and_unsets_as_a_shell_would() -> None:
    lines = [
        "Paste into another shell:",
        *export_lines(
            endpoint="http://127.0.0.1:1",
            key_id="K",
            secret="S",
            region="us-east-1",
            config_file="c",
            credentials_file="d",
        ),
        "ecrrepl diff x.yaml",
    ]
    before = {"AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "t", "HOME": "/h"}
    after = pasted(lines, before)
    assert "AWS_PROFILE" not in after and "AWS_SESSION_TOKEN" not in after
    assert after["HOME"] == "/h" and after["AWS_ACCESS_KEY_ID"] == "K"
    assert before["AWS_PROFILE"] == "prod", "the given environment is not changed"
