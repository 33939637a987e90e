"""Replication backfill: Start, DescribeResults, List and Stop (stock moto has none).

A backfill copies the images a registry already holds to one destination of its live
replication configuration, by the same rules as replication on push (filters, registry
policy, templates, tag immutability). Each image and tag is one replication.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication-backfill.html
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartReplicationBackfill.html

Timing (see settings.py): StartReplicationBackfill answers PREPARING, as documented. With
`in_progress_polls` N, the first N polls (DescribeReplicationBackfillResults, or a
ListReplicationBackfills that lists it) report IN_PROGRESS and each lands a share of the
images; the next poll lands the rest and reports the end. With N = 0 the images land
during StartReplicationBackfill. A stop is answered STOPPING and reported STOPPED at the
next poll; images not yet landed then never land.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.ecr.exceptions import InvalidParameterException
from moto.ecr.models import ECRBackend
from moto.ecr.responses import ECRResponse
from moto.moto_api._internal import mock_random

from ecrrepl import limits

from .copying import ImageCopy, copy_image, replication_lock
from .paging import checked_page_size, page_at_offset
from .replication import record_replication
from .replication_configuration import (
    Destination,
    configured_destinations,
    replication_destinations,
)
from .settings import replication_settings

PREPARING = "PREPARING"
IN_PROGRESS = "IN_PROGRESS"
COMPLETE = "COMPLETE"
FAILED = "FAILED"
STOPPING = "STOPPING"
STOPPED = "STOPPED"
ACTIVE = (PREPARING, IN_PROGRESS, STOPPING)
STOPPABLE = (PREPARING, IN_PROGRESS)

# API reference, StartReplicationBackfill: one in progress per destination Region, at most
# MAX_ACTIVE_PER_REGISTRY in progress per registry. User guide: a backfill fails when 50%
# or more of its replications failed, evaluated once FAILURE_THRESHOLD_MINIMUM have been
# processed. The numbers and their sources are in ecrrepl.limits.
MAX_ACTIVE_PER_REGISTRY = limits.MAX_ACTIVE_BACKFILLS_PER_REGISTRY
FAILURE_THRESHOLD_MINIMUM = limits.BACKFILL_FAILURE_THRESHOLD_MINIMUM
# AWS documents no list of backfill failure codes; this one is the emulator's.
FAILURE_THRESHOLD_EXCEEDED = "FAILURE_THRESHOLD_EXCEEDED"
# Default and maximum page sizes: API reference, ListReplicationBackfills and
# DescribeReplicationBackfillResults (the maxima are botocore's, in ecrrepl.limits).
LIST_PAGE = (25, limits.MAX_BACKFILLS_PAGE)
RESULTS_PAGE = (100, limits.MAX_BACKFILL_RESULTS_PAGE)


class ReplicationBackfillInProgressException(ServiceException):
    code = "ReplicationBackfillInProgressException"


class ReplicationBackfillNotFoundException(ServiceException):
    code = "ReplicationBackfillNotFoundException"


class ReplicationBackfillInvalidStatusException(ServiceException):
    code = "ReplicationBackfillInvalidStatusException"


class BackfillLimitExceededException(ServiceException):
    code = "LimitExceededException"


@dataclass
class Backfill:
    backfill_id: str
    destination: Destination
    polls: int
    copies: list[ImageCopy]
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    results: list[dict[str, Any]] = field(default_factory=list)
    observed: int = 0
    status: str = PREPARING
    failure_code: str | None = None
    ended_at: datetime | None = None

    def advance(self, backend: ECRBackend) -> None:
        """One poll: stop if asked, else land this poll's share of the copies."""
        if self.status not in ACTIVE:
            return
        if self.status == STOPPING:
            self._end(STOPPED)
            return
        self.observed += 1
        if self.observed <= self.polls:
            self.status = IN_PROGRESS
            self._land(backend, len(self.copies) * self.observed // (self.polls + 1))
        else:
            self._land(backend, len(self.copies))
            if self.status in ACTIVE:
                self._end(COMPLETE)

    def _land(self, backend: ECRBackend, until: int) -> None:
        while len(self.results) < until and self.status in ACTIVE:
            copy = self.copies[len(self.results)]
            failure = copy_image(backend.account_id, self.destination, copy)
            record_replication(backend, self.destination, copy, failure)
            result = {
                "repositoryName": copy.repository_name,
                "imageId": copy.image_id(),
                "status": FAILED if failure else COMPLETE,
            }
            if failure:
                result["failureCode"] = failure
            self.results.append(result)
            failed = sum(1 for r in self.results if r["status"] == FAILED)
            if len(self.results) >= FAILURE_THRESHOLD_MINIMUM and 2 * failed >= len(self.results):
                self._end(FAILED, FAILURE_THRESHOLD_EXCEEDED)

    def _end(self, status: str, failure_code: str | None = None) -> None:
        self.status, self.failure_code = status, failure_code
        self.ended_at = datetime.now(UTC)

    def progress(self) -> dict[str, Any] | None:
        # Null until preparation is over, and when stopped before it was.
        if self.observed == 0:
            return None
        codes = {r["failureCode"] for r in self.results if "failureCode" in r}
        return {
            "totalReplicationCount": len(self.copies),
            "completedReplicationCount": sum(1 for r in self.results if r["status"] == COMPLETE),
            "failedReplicationCount": sum(1 for r in self.results if r["status"] == FAILED),
            "failureCodes": sorted(codes),
        }

    def summary(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "replicationBackfillId": self.backfill_id,
            "destination": self.destination.as_dict(),
            "status": self.status,
            "startedAt": self.started_at,
        }
        optional = {
            "failureCode": self.failure_code,
            "progress": self.progress(),
            "endedAt": self.ended_at,
        }
        return answer | {k: v for k, v in optional.items() if v is not None}


def _backfills(backend: ECRBackend) -> dict[str, Backfill]:
    # On the source backend, so that moto's reset forgets them.
    found: dict[str, Backfill] | None = getattr(backend, "ecrrepl_backfills", None)
    if found is None:
        found = {}
        backend.ecrrepl_backfills = found  # type: ignore[attr-defined]
    return found


def _own_registry(response: ECRResponse) -> ECRBackend:
    backend = response.ecr_backend
    registry_id = response._get_param("registryId")
    if registry_id and registry_id != backend.account_id:
        raise InvalidParameterException(
            "Invalid parameter at 'registryId' failed to satisfy constraint: "
            f"'the emulator serves the caller's own registry {backend.account_id} only'"
        )
    return backend


def _find(backend: ECRBackend, backfill_id: str) -> Backfill:
    found = _backfills(backend).get(backfill_id)
    if found is None:
        raise ReplicationBackfillNotFoundException(
            f"The replication backfill with id '{backfill_id}' does not exist "
            f"in the registry with id '{backend.account_id}'"
        )
    return found


def _page(
    items: list[Any], response: ECRResponse, sizes: tuple[int, int]
) -> tuple[list[Any], str | None]:
    size = checked_page_size(response._get_param("maxResults"), *sizes)
    return page_at_offset(items, size, response._get_param("nextToken"))


def _qualifying_copies(backend: ECRBackend, destination: Destination) -> list[ImageCopy]:
    """Every image and tag (an untagged image once) the live rules send to the destination."""
    copies: list[ImageCopy] = []
    for name in sorted(backend.repositories):
        if destination not in replication_destinations(backend, name):
            continue
        repository = backend.repositories[name]
        for image in repository.images:
            tags: list[str | None] = [*image.image_tags] or [None]
            copies.extend(ImageCopy.of(repository, image, tag) for tag in tags)
    return copies


def handle_start_backfill(self: ECRResponse) -> ActionResult:
    """Start a backfill to one destination of the live replication configuration.

    AWS: the destination must already be configured (refused here with
    InvalidParameterException; the reference names no exception for it);
    ReplicationBackfillInProgressException when the destination Region has one in
    progress; LimitExceededException beyond 10 in progress in the registry.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartReplicationBackfill.html
    """
    backend = _own_registry(self)
    asked = self._get_param("destination") or {}
    destination = Destination(asked.get("region", ""), asked.get("registryId", ""))
    with replication_lock:
        if destination not in configured_destinations(backend):
            raise InvalidParameterException(
                "Invalid parameter at 'destination' failed to satisfy constraint: "
                f"'destination {destination.region} {destination.registry_id} is not in the "
                "replication configuration of the registry'"
            )
        active = [b for b in _backfills(backend).values() if b.status in ACTIVE]
        same_region = sum(b.destination.region == destination.region for b in active)
        if same_region >= limits.MAX_ACTIVE_BACKFILLS_PER_DESTINATION_REGION:
            raise ReplicationBackfillInProgressException(
                f"A replication backfill is already in progress for Region {destination.region}"
            )
        if len(active) >= MAX_ACTIVE_PER_REGISTRY:
            raise BackfillLimitExceededException(
                f"At most {MAX_ACTIVE_PER_REGISTRY} replication backfills can be in progress "
                "in a registry"
            )
        polls = replication_settings().in_progress_polls
        backfill = Backfill(
            str(mock_random.uuid4()), destination, polls, _qualifying_copies(backend, destination)
        )
        _backfills(backend)[backfill.backfill_id] = backfill
        if polls == 0:
            backfill.advance(backend)
    return ActionResult(
        {
            "replicationBackfillId": backfill.backfill_id,
            "registryId": backend.account_id,
            "destination": destination.as_dict(),
            "status": PREPARING,
            "startedAt": backfill.started_at,
        }
    )


def handle_describe_backfill_results(self: ECRResponse) -> ActionResult:
    """Status, progress and, once it has ended, the per-image results (COMPLETE or FAILED,
    filtered by resultStatusFilter, pages of up to 1000, default 100).
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeReplicationBackfillResults.html
    """
    backend = _own_registry(self)
    wanted = self._get_param("resultStatusFilter")
    with replication_lock:
        backfill = _find(backend, self._get_param("replicationBackfillId"))
        backfill.advance(backend)
        answer = {"registryId": backend.account_id, **backfill.summary()}
        if backfill.status not in ACTIVE:
            chosen = [r for r in backfill.results if not wanted or r["status"] == wanted]
            answer["results"], token = _page(chosen, self, RESULTS_PAGE)
            if token:
                answer["nextToken"] = token
    return ActionResult(answer)


def handle_list_backfills(self: ECRResponse) -> ActionResult:
    """The registry's backfills, oldest first, in pages of up to 50 (default 25); each
    listed backfill counts as polled. Retention for 90 days is not emulated.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListReplicationBackfills.html
    """
    backend = _own_registry(self)
    with replication_lock:
        listed, token = _page(list(_backfills(backend).values()), self, LIST_PAGE)
        for backfill in listed:
            backfill.advance(backend)
        answer: dict[str, Any] = {
            "registryId": backend.account_id,
            "backfills": [b.summary() for b in listed],
        }
    if token:
        answer["nextToken"] = token
    return ActionResult(answer)


def handle_stop_backfill(self: ECRResponse) -> ActionResult:
    """Stop a backfill that is PREPARING or IN_PROGRESS; otherwise
    ReplicationBackfillInvalidStatusException. Images already landed stay.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StopReplicationBackfill.html
    """
    backend = _own_registry(self)
    with replication_lock:
        backfill = _find(backend, self._get_param("replicationBackfillId"))
        if backfill.status not in STOPPABLE:
            raise ReplicationBackfillInvalidStatusException(
                f"The replication backfill with id '{backfill.backfill_id}' is "
                f"{backfill.status} and cannot be stopped"
            )
        backfill.status = STOPPING
    return ActionResult(
        {
            "registryId": backend.account_id,
            "replicationBackfillId": backfill.backfill_id,
            "destination": backfill.destination.as_dict(),
            "status": STOPPING,
            "startedAt": backfill.started_at,
        }
    )
