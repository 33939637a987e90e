"""Replication backfills in AWS: list the running ones, start one, follow one.

StartReplicationBackfill, ListReplicationBackfills and DescribeReplicationBackfillResults
(botocore 1.43.119 and newer). A start that AWS refuses for its limits (one backfill in
progress per destination region, a few per registry: ecrrepl.limits) comes back as
`Busy`, with the backfills running in that registry, so that the queue in
ecrrepl.backfill waits for them; every other failure is a UserError naming the account
and region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from ecrrepl.aws.failures import aws_failures, describe_failure
from ecrrepl.aws.session import Sessions
from ecrrepl.backfill import (
    Backfill,
    BackfillProgress,
    BackfillTarget,
    Busy,
    FailedImage,
)
from ecrrepl.config.model import RegistryAddress

# The errors StartReplicationBackfill answers when AWS's limits are reached.
LIMIT_ERROR_CODES = frozenset({"ReplicationBackfillInProgressException", "LimitExceededException"})


def list_running_backfills(sessions: Sessions, source: RegistryAddress) -> tuple[Backfill, ...]:
    """The backfills of a registry that have not ended (one paginated listing)."""
    client = sessions.ecr(source)
    found = []
    with aws_failures("ListReplicationBackfills", source.account, source.region):
        for page in client.get_paginator("list_replication_backfills").paginate(
            registryId=source.account
        ):
            found.extend(page.get("backfills", []))
    backfills = (backfill_from_api(source, summary) for summary in found)
    return tuple(backfill for backfill in backfills if backfill.active)


def start_backfill(sessions: Sessions, target: BackfillTarget) -> Backfill | Busy:
    source, destination = target.source, target.destination
    client = sessions.ecr(source)
    with aws_failures("StartReplicationBackfill", source.account, source.region):
        try:
            answer = client.start_replication_backfill(
                registryId=source.account,
                destination={"region": destination.region, "registryId": destination.account},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in LIMIT_ERROR_CODES:
                raise
            return Busy(describe_failure(error), list_running_backfills(sessions, source))
    return backfill_from_api(source, answer, target=target)


def refresh_backfill(
    sessions: Sessions, backfill: Backfill, *, with_failures: bool = True
) -> Backfill:
    """The backfill as AWS describes it now; once it has ended and `with_failures`, with
    the images that failed (AWS has per-image results only for an ended backfill)."""
    source = backfill.target.source
    client = sessions.ecr(source)
    arguments: dict[str, Any] = {
        "registryId": source.account,
        "replicationBackfillId": backfill.backfill_id,
    }
    pages = []
    with aws_failures("DescribeReplicationBackfillResults", source.account, source.region):
        if with_failures:
            paginator = client.get_paginator("describe_replication_backfill_results")
            pages = list(paginator.paginate(resultStatusFilter="FAILED", **arguments))
        else:
            pages = [client.describe_replication_backfill_results(maxResults=1, **arguments)]
    described = backfill_from_api(source, pages[0] if pages else {}, target=backfill.target)
    failed = tuple(
        _failed_image(result)
        for page in pages
        for result in page.get("results", [])
        if with_failures and result.get("status") == "FAILED"
    )
    return replace(
        backfill,
        status=described.status,
        failure_code=described.failure_code,
        progress=described.progress or backfill.progress,
        failed_images=failed,
    )


# --- API shapes ------------------------------------------------------------------------------


def backfill_from_api(
    source: RegistryAddress, answer: Mapping[str, Any], *, target: BackfillTarget | None = None
) -> Backfill:
    """A Backfill from a ListReplicationBackfills summary, or the answer of Start or
    DescribeReplicationBackfillResults (`target` fills in what the answer leaves out)."""
    destination = answer.get("destination")
    if destination:
        target = BackfillTarget(
            source, RegistryAddress(destination["registryId"], destination["region"])
        )
    if target is None:
        raise ValueError("a backfill answer without a destination needs a target")
    progress = answer.get("progress")
    return Backfill(
        backfill_id=answer.get("replicationBackfillId", ""),
        target=target,
        status=answer.get("status", "PREPARING"),
        failure_code=answer.get("failureCode") or None,
        progress=None
        if not progress
        else BackfillProgress(
            total=progress.get("totalReplicationCount", 0),
            completed=progress.get("completedReplicationCount", 0),
            failed=progress.get("failedReplicationCount", 0),
            failure_codes=tuple(progress.get("failureCodes", [])),
        ),
    )


def _failed_image(result: Mapping[str, Any]) -> FailedImage:
    image = result.get("imageId", {})
    return FailedImage(
        repository=result.get("repositoryName", ""),
        tag=image.get("imageTag"),
        digest=image.get("imageDigest"),
        failure_code=result.get("failureCode") or None,
        sub_image_failure_codes=tuple(result.get("subImageFailureCodes", [])),
    )
