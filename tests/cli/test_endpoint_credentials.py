"""Credentials written into AWS_ENDPOINT_URL (`https://user:secret@host`) never appear in
a message: not in botocore's own errors, not in ecrrepl's, not in a -v traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from ecrrepl.aws.failures import describe_failure
from ecrrepl.cli import main, report_internal_error
from ecrrepl.redaction import redact
from harness import configs

# A port nothing listens on: botocore fails to connect at once and quotes the URL.
ENDPOINT = "http://ci-user:s3cr%40t-pass@127.0.0.1:9"
# moto's default account (the base fake keys), with nothing to replicate.
CONFIG = configs.document(configs.registry(account="123456789012"))



@pytest.fixture
def endpoint_with_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", ENDPOINT)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


def assert_clean(text: str) -> None:
    for secret in ("ci-user", "s3cr", "t-pass", "s3cr@t-pass"):
        assert secret not in text


def test_any_url_loses_its_userinfo() -> None:
    assert redact('Could not connect to "https://u:p@host:443/x"') == (
        'Could not connect to "https://***@host:443/x"'
    )
    assert redact("see https://example.com/a@b") == "see https://example.com/a@b"


def test_the_endpoint_credentials_are_redacted_wherever_they_appear(
    endpoint_with_credentials: None,
) -> None:
    connection = EndpointConnectionError(endpoint_url=ENDPOINT + "/")
    refused = ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "user ci-user, password s3cr@t-pass"}},
        "DescribeRegistry",
    )
    for error in (connection, refused):
        message = describe_failure(error)
        assert_clean(message)
        assert "***" in message


def test_a_failed_connection_prints_no_credentials(
    endpoint_with_credentials: None,
    no_backoff: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ecrrepl.yaml").write_text(CONFIG)

    assert main(["diff", "ecrrepl.yaml"]) == 1

    captured = capsys.readouterr()
    assert "AWS could not be reached" in captured.err
    assert 'endpoint URL: "http://***@127.0.0.1:9/"' in captured.err
    assert_clean(captured.out + captured.err)


def test_a_verbose_traceback_prints_no_credentials(
    endpoint_with_credentials: None, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise RuntimeError(f"bug while talking to {ENDPOINT}")
    except RuntimeError as error:
        report_internal_error(error, verbose=True)
    assert_clean(capsys.readouterr().err)
