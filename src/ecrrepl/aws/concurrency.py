"""Concurrent AWS reads: the one place outside the reader that runs a thread pool.

Reads of several registries are independent and each waits on the network, so they
run on a small pool of threads; what a command does with the answers stays
sequential. The bound keeps one run well inside ECR's request rate (the clients also
retry throttling in botocore's adaptive mode, aws/session.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_PARALLEL_READS = 8


def read_concurrently(
    read: Callable[[T], R], items: Iterable[T], *, max_workers: int = MAX_PARALLEL_READS
) -> list[R]:
    """`read(item)` for every item, at most `max_workers` at once; the answers in the
    items' order. The first exception a read raises is raised here, once every read
    has ended (no thread is left running behind the caller)."""
    chosen = list(items)
    if not chosen:
        return []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(chosen))) as pool:
        return list(pool.map(read, chosen))
