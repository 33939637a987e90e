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

from ecrrepl.aws.answers import AnswerProblem, Node
from ecrrepl.aws.failures import aws_failures, describe_failure
from ecrrepl.aws.pages import pages
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
    backfills: list[Backfill] = []
    with aws_failures("ListReplicationBackfills", source.account, source.region):
        for page in pages(client, "list_replication_backfills", registryId=source.account):
            backfills.extend(backfill_from_api(source, b) for b in page.items("backfills"))
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
        return backfill_from_api(source, Node(answer), target=target)


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
    with aws_failures("DescribeReplicationBackfillResults", source.account, source.region):
        if with_failures:
            answers = list(
                pages(
                    client,
                    "describe_replication_backfill_results",
                    resultStatusFilter="FAILED",
                    **arguments,
                )
            )
        else:
            answer = client.describe_replication_backfill_results(maxResults=1, **arguments)
            answers = [Node(answer)]
        # pages() yields the first page at least, as the single call does.
        described = backfill_from_api(source, answers[0], target=backfill.target)
        failed = tuple(
            _failed_image(result)
            for page in answers
            for result in page.items("results")
            if with_failures and result.optional_text("status") == "FAILED"
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
    source: RegistryAddress,
    answer: Mapping[str, Any] | Node,
    *,
    target: BackfillTarget | None = None,
) -> Backfill:
    """A Backfill from a ListReplicationBackfills summary, or the answer of Start or
    DescribeReplicationBackfillResults (`target` fills in what the answer leaves out)."""
    fields = answer if isinstance(answer, Node) else Node(answer)
    destination = fields.optional("destination")
    if destination is not None and destination.value != {}:
        target = BackfillTarget(
            source, RegistryAddress(destination.text("registryId"), destination.text("region"))
        )
    if target is None:
        raise AnswerProblem(f"{fields.path_of('destination')} is missing")
    progress = fields.optional("progress")
    return Backfill(
        backfill_id=fields.optional_text("replicationBackfillId") or "",
        target=target,
        status=fields.optional_text("status") or "PREPARING",
        failure_code=fields.optional_text("failureCode"),
        progress=None
        if progress is None or progress.value == {}
        else BackfillProgress(
            total=progress.count("totalReplicationCount"),
            completed=progress.count("completedReplicationCount"),
            failed=progress.count("failedReplicationCount"),
            failure_codes=progress.texts("failureCodes"),
        ),
    )


def _failed_image(result: Node) -> FailedImage:
    image = result.optional("imageId") or Node({}, f"{result.path}.imageId")
    return FailedImage(
        repository=result.optional_text("repositoryName") or "",
        tag=image.optional_text("imageTag"),
        digest=image.optional_text("imageDigest"),
        failure_code=result.optional_text("failureCode"),
        sub_image_failure_codes=result.texts("subImageFailureCodes"),
    )
