"""An AWS_ENDPOINT_URL botocore cannot use is a usage error naming the variable, with its
credentials redacted, never an internal error; a password holding a raw "@" is hidden
whole, and so is the userinfo of an endpoint written without a scheme."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.aws.endpoint_env import check_endpoint_variables, endpoint_problem
from ecrrepl.cli import main
from ecrrepl.errors import UsageError
from ecrrepl.redaction import redact
from harness import configs

# moto's default account (the base fake keys), with nothing to replicate.
CONFIG = configs.document(configs.registry(account="123456789012"))



def test_a_password_with_a_raw_at_sign_is_redacted_up_to_the_last_at() -> None:
    assert redact("cannot reach http://alice:p@ssLongSecret@127.0.0.1:1/x") == (
        "cannot reach http://***@127.0.0.1:1/x"
    )
    # The authority ends at "/", "?" or "#": an "@" after it is not userinfo.
    assert redact("see https://example.com/a@b and http://h?q=a@b") == (
        "see https://example.com/a@b and http://h?q=a@b"
    )


def test_the_userinfo_of_a_scheme_less_endpoint_is_redacted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "alice:Secret@127.0.0.1:4566")
    message = redact("Invalid endpoint: alice:Secret@127.0.0.1:4566")
    assert "Secret" not in message and "alice" not in message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://a:bcd@[::1", "Invalid IPv6 URL"),
        ("http://127.0.0.1:99999", "Port out of range 0-65535"),
        ("alice:Secret@127.0.0.1:4566", "it must start with http:// or https:// and name a host"),
        ("http://", "it must start with http:// or https:// and name a host"),
        ("http://bad host", "botocore does not accept its host"),
    ],
)
def test_what_botocore_cannot_use_is_named(url: str, reason: str) -> None:
    assert endpoint_problem(url) == reason


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4566", "https://user:p%40ss@proxy.example/", "http://[::1]:5000"]
)
def test_what_botocore_can_use_passes(url: str) -> None:
    assert endpoint_problem(url) is None


@pytest.mark.parametrize("name", ["AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_STS"])
def test_the_variables_of_the_services_used_are_checked_too(name: str) -> None:
    with pytest.raises(UsageError) as refused:
        check_endpoint_variables({name: "http://127.0.0.1:99999"})
    assert str(refused.value) == (
        f"{name} is not a usable endpoint URL (http://127.0.0.1:99999): "
        "Port out of range 0-65535"
    )


def test_other_services_and_ignored_endpoints_are_not_checked() -> None:
    check_endpoint_variables({"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:99999"})
    check_endpoint_variables(
        {"AWS_ENDPOINT_URL": "nonsense", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://a:bSecret@[::1", "http://***@[::1"),
        ("http://127.0.0.1:99999", "http://127.0.0.1:99999"),
        ("alice:Secret@127.0.0.1:4566", "***@127.0.0.1:4566"),
    ],
)
@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_a_malformed_endpoint_is_a_usage_error_without_secrets(
    url: str,
    shown: str,
    verbose: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    Path("ecrrepl.yaml").write_text(CONFIG)

    assert main([*verbose, "diff", "ecrrepl.yaml"]) == 2

    err = capsys.readouterr().err
    assert err.startswith(
        f"ecrrepl: error: AWS_ENDPOINT_URL is not a usable endpoint URL ({shown}):"
    )
    assert err.count("\n") == 1
    assert "Secret" not in err and "internal error" not in err and "Traceback" not in err


def test_a_profile_endpoint_botocore_refuses_is_one_clean_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_STS"):
        monkeypatch.delenv(name, raising=False)
    Path("aws-config").write_text("[default]\nendpoint_url = http://alice:Secret@bad host\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    Path("ecrrepl.yaml").write_text(CONFIG)

    # Found only when the first client is made, inside the identity check: a refused
    # operation (1), still one clean line.
    assert main(["diff", "ecrrepl.yaml"]) == 1

    err = capsys.readouterr().err
    assert err.startswith("ecrrepl: error: cannot reach sts in us-west-2: Invalid endpoint: ")
    assert err.count("\n") == 1
    assert "http://***@bad host" in err
    assert "Secret" not in err and "internal error" not in err
