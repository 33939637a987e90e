"""Copying images pushed before replication was set up: which backfills, in what order.

Replication copies an image when it is pushed; images already in a repository when a
rule starts to cover it stay where they are. StartReplicationBackfill copies them to one
destination of a source registry, for the repositories the registry's LIVE rules send
there. AWS allows one backfill in progress per destination region of a registry, and
at most a few per registry (see ecrrepl.limits); a start beyond that fails
(ReplicationBackfillInProgress, LimitExceeded). ecrrepl therefore queues: it starts
what may start, polls, and starts the next when one ends.

Everything here is pure: the queue, which targets may start now, the refusal of
destinations the live configuration does not replicate to, and the loop that drives
start/refresh callables given by the command.

Source: ECR API reference, StartReplicationBackfill,
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartReplicationBackfill.html
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ecrrepl import limits
from ecrrepl.config.model import Config, RegistryAddress, ReplicationRule
from ecrrepl.replication_status import MAX_INTERVAL_SECONDS, backoff_intervals

# botocore ECR model, ReplicationBackfillStatus: these end a backfill.
TERMINAL_STATUSES = frozenset({"COMPLETE", "FAILED", "STOPPED"})
# StartReplicationBackfill: at most this many backfills in progress in a registry at
# once, and one per destination region.
MAX_ACTIVE_PER_REGISTRY = limits.MAX_ACTIVE_BACKFILLS_PER_REGISTRY


@dataclass(frozen=True, order=True)
class BackfillTarget:
    source: RegistryAddress
    destination: RegistryAddress

    def __str__(self) -> str:
        return f"{self.source} → {self.destination}"


@dataclass(frozen=True)
class BackfillProgress:
    total: int = 0
    completed: int = 0
    failed: int = 0
    failure_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FailedImage:
    repository: str
    tag: str | None
    digest: str | None
    failure_code: str | None
    sub_image_failure_codes: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.tag:
            return f"{self.repository}:{self.tag}"
        return f"{self.repository}@{self.digest}" if self.digest else self.repository


@dataclass(frozen=True)
class Backfill:
    """One backfill as AWS describes it."""

    backfill_id: str
    target: BackfillTarget
    status: str
    failure_code: str | None = None
    progress: BackfillProgress | None = None
    failed_images: tuple[FailedImage, ...] = ()
    # False for a backfill this run found already running, to the same destination
    # (followed, not started again) or to another one (only waited for).
    started_here: bool = True

    @property
    def active(self) -> bool:
        return self.status not in TERMINAL_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == "COMPLETE" and not (self.progress and self.progress.failed)


# --- which backfills ---------------------------------------------------------------------


def live_destinations(rules: Iterable[ReplicationRule]) -> frozenset[RegistryAddress]:
    return frozenset(d.address for rule in rules for d in rule.destinations)


def prefixes_to(
    rules: Iterable[ReplicationRule], destination: RegistryAddress
) -> frozenset[str] | None:
    """The filters of the rules that send to `destination`; None when one sends every
    repository (no filters)."""
    prefixes: set[str] = set()
    for rule in rules:
        if destination not in {d.address for d in rule.destinations}:
            continue
        if not rule.prefixes:
            return None
        prefixes.update(rule.prefixes)
    return frozenset(prefixes)


def configured_destinations(config: Config) -> tuple[RegistryAddress, ...]:
    seen: dict[RegistryAddress, None] = {}
    for registry in config.registries:
        for rule in registry.rules:
            for destination in rule.destinations:
                seen.setdefault(destination.address, None)
    return tuple(seen)


def wanted_targets(
    config: Config, wanted: frozenset[RegistryAddress] | None = None
) -> list[BackfillTarget]:
    """Every (source, destination) pair of the file's rules, in the file's order; only
    those to the `wanted` destinations when given."""
    return [
        BackfillTarget(registry.address, destination)
        for registry in config.registries
        for destination in dict.fromkeys(
            d.address for rule in registry.rules for d in rule.destinations
        )
        if wanted is None or destination in wanted
    ]


def backfill_targets(
    config: Config,
    live_rules: Mapping[RegistryAddress, Sequence[ReplicationRule]],
    wanted: frozenset[RegistryAddress] | None = None,
) -> tuple[list[BackfillTarget], list[BackfillTarget]]:
    """The (source, destination) pairs to backfill, in the file's order, and those that
    cannot be: their destination is not in the source's live configuration."""
    targets: list[BackfillTarget] = []
    not_live: list[BackfillTarget] = []
    for target in wanted_targets(config, wanted):
        live = live_destinations(live_rules.get(target.source, ()))
        (targets if target.destination in live else not_live).append(target)
    return targets, not_live


def not_live_words(target: BackfillTarget) -> str:
    return (
        f"{target.destination} is not in the live replication configuration of {target.source}"
    )


def startable(queue: Sequence[BackfillTarget], active: Iterable[Backfill]) -> list[BackfillTarget]:
    """The queued targets that may start now, in queue order, within AWS's limits."""
    counts: dict[RegistryAddress, int] = {}
    busy: set[tuple[RegistryAddress, str]] = set()
    for backfill in active:
        if backfill.active:
            source = backfill.target.source
            counts[source] = counts.get(source, 0) + 1
            busy.add((source, backfill.target.destination.region))
    chosen = []
    for target in queue:
        key = (target.source, target.destination.region)
        if counts.get(target.source, 0) >= MAX_ACTIVE_PER_REGISTRY or key in busy:
            continue
        chosen.append(target)
        counts[target.source] = counts.get(target.source, 0) + 1
        busy.add(key)
    return chosen


def blocker_of(target: BackfillTarget, active: Iterable[Backfill]) -> Backfill | None:
    """The running backfill that keeps `target` queued (same source and region), if any."""
    return next(
        (
            b
            for b in active
            if b.active
            and b.target.source == target.source
            and b.target.destination.region == target.destination.region
        ),
        None,
    )


# --- the queue, driven -----------------------------------------------------------------------


@dataclass(frozen=True)
class Busy:
    """AWS refused a start because of its limits; `running` are the backfills it knows of."""

    reason: str
    running: tuple[Backfill, ...] = ()


@dataclass
class BackfillRun:
    """The state of one `ecrrepl backfill`: what is queued, followed, and only waited for."""

    queue: list[BackfillTarget]
    # Backfills to these targets: started here, or found running to the same destination.
    followed: list[Backfill] = field(default_factory=list)
    # Other backfills of the same source registries found running; they hold the limits.
    others: list[Backfill] = field(default_factory=list)
    # Every target, in the file's order, however far it has gone.
    targets: list[BackfillTarget] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.targets = self.targets or list(self.queue)

    @property
    def followed_in_order(self) -> list[Backfill]:
        order = {target: index for index, target in enumerate(self.targets)}
        return sorted(self.followed, key=lambda b: order.get(b.target, len(order)))

    @property
    def active(self) -> list[Backfill]:
        return [b for b in (*self.followed, *self.others) if b.active]

    @property
    def finished(self) -> bool:
        return not self.queue and not any(b.active for b in self.followed)

    def adopt(self, running: Iterable[Backfill]) -> None:
        """Take note of backfills already running: follow those to a queued target."""
        known = {b.backfill_id for b in (*self.followed, *self.others)}
        for backfill in running:
            if backfill.backfill_id in known or not backfill.active:
                continue
            known.add(backfill.backfill_id)
            mine = replace(backfill, started_here=False)
            if backfill.target in self.queue:
                self.queue.remove(backfill.target)
                self.followed.append(mine)
            else:
                self.others.append(mine)


@dataclass
class Pacing:
    sleep: Callable[[float], None]
    intervals: Iterable[float] = field(default_factory=backoff_intervals)
    clock: Callable[[], float] = time.monotonic


def drive(
    run: BackfillRun,
    start: Callable[[BackfillTarget], Backfill | Busy],
    refresh: Callable[[Backfill, bool], Backfill],
    pacing: Pacing,
    *,
    until_finished: bool,
    on_update: Callable[[BackfillRun], None] = lambda run: None,
    timeout_seconds: float | None = None,
) -> BackfillRun:
    """Start every queued target as AWS's limits allow, polling the running backfills
    between rounds; return once all started (or, `until_finished`, all ended), or once
    `timeout_seconds` have passed (the run is then not `finished`).

    `refresh(backfill, with_failures)` describes a backfill again; failed images are
    wanted only for the followed ones, whose results are reported.
    """
    intervals = iter(itertools.chain(pacing.intervals, itertools.repeat(MAX_INTERVAL_SECONDS)))
    deadline = None if timeout_seconds is None else pacing.clock() + timeout_seconds
    while True:
        for target in startable(run.queue, run.active):
            outcome = start(target)
            if isinstance(outcome, Busy):
                run.adopt(outcome.running)
                continue
            run.queue.remove(target)
            run.followed.append(outcome)
        on_update(run)
        if run.finished or (not until_finished and not run.queue):
            return run
        pause = next(intervals)
        if deadline is not None:
            left = deadline - pacing.clock()
            if left <= 0:
                return run
            pause = min(pause, left)
        pacing.sleep(pause)
        run.followed = [refresh(b, True) if b.active else b for b in run.followed]
        run.others = [refresh(b, False) for b in run.others if b.active]


# --- what a dry run shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class RepositoryCount:
    """One source repository a backfill would copy from: its images, and how many of
    them (by digest) the destination's repository of the same name lacks."""

    name: str
    images: int
    missing: int


@dataclass(frozen=True)
class DryRunEntry:
    """What a backfill to one target would copy: the matching repositories and the images
    missing at the destination; none for a destination the live rules do not send to
    (`live` false: a real run refuses it)."""

    target: BackfillTarget
    prefixes: frozenset[str] | None
    repositories: tuple[RepositoryCount, ...] = ()
    live: bool = True
    # Why the destination's images could not be read (then every image counts as missing).
    not_compared: str | None = None

    @property
    def missing(self) -> int:
        return sum(repository.missing for repository in self.repositories)


def missing_images(source: Iterable[str], destination: Iterable[str]) -> int:
    """How many of the source's image digests the destination does not hold."""
    return len(set(source) - set(destination))
