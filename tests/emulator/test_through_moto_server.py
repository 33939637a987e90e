"""The emulator inside a moto server process, reached over HTTP; accounts by AssumeRole."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from ecrrepl.sandbox.launcher import emulator_settings, moto_server, reset
from emulator.support import (
    OTHER_ACCOUNT,
    SOURCE_ACCOUNT,
    SOURCE_REGION,
    grant,
    image_manifest,
    images_in,
    rule,
)
from harness.accounts import ecr_client

STARTING_POLLS = 1


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The suite's server fixture, started here with replications in progress; the
    `endpoint` fixture resets it before each test."""
    with moto_server(in_progress_polls=STARTING_POLLS) as endpoint:
        yield endpoint


def client(region: str, account: str = SOURCE_ACCOUNT) -> Any:
    return ecr_client(account, region)


def statuses(source: Any) -> list[str]:
    answer = source.describe_image_replication_status(
        repositoryName="prod/api", imageId={"imageTag": "v1"}
    )
    return [s["status"] for s in answer["replicationStatuses"]]


def test_a_push_replicates_into_another_account_and_reports_complete(endpoint: str) -> None:
    other = client("eu-west-1", OTHER_ACCOUNT)
    other.put_registry_policy(policyText=grant("ecr:ReplicateImage", "ecr:CreateRepository"))
    source = client(SOURCE_REGION)
    source.put_replication_configuration(
        replicationConfiguration={"rules": [rule(("eu-west-1", OTHER_ACCOUNT))]}
    )
    source.create_repository(repositoryName="prod/api")

    digest = source.put_image(
        repositoryName="prod/api", imageManifest=image_manifest("server"), imageTag="v1"
    )["image"]["imageId"]["imageDigest"]

    # The server started with one in-progress poll.
    assert (statuses(source), images_in(other, "prod/api")) == (["IN_PROGRESS"], {})
    assert statuses(source) == ["COMPLETE"]
    assert images_in(other, "prod/api") == {digest: ["v1"]}
    assert other.describe_repositories()["repositories"][0]["registryId"] == OTHER_ACCOUNT
    assert images_in(client("eu-west-1"), "prod/api") == {}


def test_settings_change_while_running_and_reset_restores_the_start(endpoint: str) -> None:
    changed = emulator_settings(endpoint, in_progress_polls=0)
    source = client(SOURCE_REGION)
    source.put_replication_configuration(
        replicationConfiguration={"rules": [rule(("us-east-1", SOURCE_ACCOUNT))]}
    )
    source.create_repository(repositoryName="prod/api")
    source.put_image(repositoryName="prod/api", imageManifest=image_manifest("now"), imageTag="v1")
    landed_at_once = images_in(client("us-east-1"), "prod/api")

    reset(endpoint)

    assert changed == {"in_progress_polls": 0}
    assert len(landed_at_once) == 1
    assert emulator_settings(endpoint) == {"in_progress_polls": STARTING_POLLS}


def test_a_backfill_through_the_server(endpoint: str) -> None:
    emulator_settings(endpoint, in_progress_polls=0)
    source = client(SOURCE_REGION)
    source.create_repository(repositoryName="prod/api")
    source.put_image(repositoryName="prod/api", imageManifest=image_manifest("old"), imageTag="v1")
    source.put_replication_configuration(
        replicationConfiguration={"rules": [rule(("us-east-1", SOURCE_ACCOUNT))]}
    )

    backfill_id = source.start_replication_backfill(
        destination={"region": "us-east-1", "registryId": SOURCE_ACCOUNT}
    )["replicationBackfillId"]
    described = source.describe_replication_backfill_results(replicationBackfillId=backfill_id)

    assert described["status"] == "COMPLETE"
    assert [r["status"] for r in described["results"]] == ["COMPLETE"]
    assert len(images_in(client("us-east-1"), "prod/api")) == 1


@pytest.mark.parametrize("body", [b'{"in_progress_polls": -1}', b'{"other": 1}', b"[1]"])
def test_bad_settings_are_refused_with_400(endpoint: str, body: bytes) -> None:
    request = urllib.request.Request(f"{endpoint}/ecr-emulator/settings", data=body, method="POST")

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)

    assert raised.value.code == 400
    assert "message" in json.loads(raised.value.read())
    assert emulator_settings(endpoint) == {"in_progress_polls": STARTING_POLLS}
