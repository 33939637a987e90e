"""Reading the files ecrrepl is given: configurations, `file:` references, plans, backups.

Every input goes through one reader. It opens without blocking (a FIFO would otherwise
hang the open until a writer came), checks with fstat that what it opened is a regular
file (not a device such as /dev/zero, a FIFO or a socket, whatever symlink led there),
refuses a file whose size is over the cap, and reads at most one byte more than the
cap (a file that grows while it is read is refused too). JSON documents are checked for
nesting depth before they are parsed, in linear time and without recursion, so that a
deeply nested document is refused in one sentence instead of a RecursionError.

On the validate path: only standard-library modules that PyYAML imports anyway.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from typing import Any

from ecrrepl.errors import UserError
from ecrrepl.jsondepth import nested_deeper_than

# Plans and backups carry a whole configuration, its changes in words and registry
# policies (10,240 characters each at most); a plan for the 1.5 MB org-wide configuration
# is a few megabytes.
MAX_PLAN_BYTES = 64 * 1024 * 1024
# A policy referenced with `file:`: ECR accepts 10,240 characters of repository policy
# and 30,720 of lifecycle policy; a pretty-printed file is a few times that at most.
MAX_REFERENCED_BYTES = 1024 * 1024
# Arrays and objects inside one another. A plan file nests about ten deep, a policy
# about eight; Python's own parser gives up near a thousand.
MAX_JSON_DEPTH = 100

_CHUNK = 64 * 1024
# O_NONBLOCK: a FIFO opens at once instead of waiting for a writer. Flags a platform
# lacks count as 0.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


class RefusedFile(Exception):
    """A file that exists but is not read: not a regular file, or over the size cap."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


def read_regular_file(path: str, limit: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises OSError when the file cannot be opened (FileNotFoundError, PermissionError, ...)
    and RefusedFile when it is not a regular file or is larger than `limit`.
    """
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise RefusedFile("is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise RefusedFile(f"is not a regular file (it is {_kind(status.st_mode)})")
        if status.st_size > limit:
            raise RefusedFile(
                f"is {status.st_size:,} bytes; the limit is {limit:,} bytes", too_large=True
            )
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(descriptor, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                # It grew after fstat, or fstat does not know its size (some /proc files).
                raise RefusedFile(f"is over the limit of {limit:,} bytes", too_large=True)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


class TooDeep(ValueError):
    """A JSON document that nests arrays and objects more than MAX_JSON_DEPTH deep."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"it nests arrays and objects more than {limit} levels deep")


def load_json_input(text: str, refused: str, not_json: Callable[[ValueError], str]) -> Any:
    """The JSON document of an input file (a plan, a backup), or a UserError: `refused`
    (`PLAN.json is not a plan file`) and why, for one nested too deep; `not_json(error)`
    for text that is not JSON."""
    try:
        return load_json(text)
    except TooDeep as error:
        raise UserError(f"{refused}: {error}") from None
    except ValueError as error:
        raise UserError(not_json(error)) from None


def load_json(text: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text; ValueError (TooDeep for nesting over `limit`) when it is unusable."""
    if nested_deeper_than(text, limit):
        raise TooDeep(limit)
    try:
        return json.loads(text)
    except RecursionError:  # the pre-scan is an estimate for text that is not JSON
        raise TooDeep(limit) from None
