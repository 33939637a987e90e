"""Fewer passes of Python's cycle collector while the reads of a run are under way.

Every botocore call allocates hundreds of short-lived container objects (request and
header dicts, parser state), and CPython starts a young-generation collection each time
allocations exceed deallocations by `threshold0` (700 by default), with an older one
every tenth of those (Python documentation, `gc.set_threshold`,
https://docs.python.org/3.11/library/gc.html#gc.set_threshold, checked 2026-12-02).
While botocore's models are loaded, each older collection walks them all. Over the
1,299 calls of `diff` on 400 registries that was some 280 collections, 0.25 s or about
5% of the run's CPU time (scripts/bench_org.py, measured 2026-12-02 with gc.callbacks);
with `threshold0` at 10,000 for the whole run, some 20 collections and 0.1 s. So every
command of the click path runs under it (cli_click.run_click; loading botocore's models
allocates much too), and the reads also enter it themselves. `validate` pauses the
collector instead (commands/validate.py).
The reads' garbage is mostly freed by reference counting; what cycles it leaves wait a
little longer, for memory the size of one pass.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

READS_THRESHOLD0 = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the young generation's threshold for the block, never lowering it (0, the
    collector off, stays off); the thresholds in force before come back after."""
    before = gc.get_threshold()
    if before[0] != 0:
        gc.set_threshold(max(before[0], READS_THRESHOLD0), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
