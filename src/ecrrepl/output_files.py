"""Writing plan and backup files: private, whole, and never through a symlink.

A plan or a backup says how every account is reached and holds whole registry
policies, so it is created readable by its owner only (0600). It is written to a new
file in the destination folder first and then put in place under its name, so that a
reader never sees half a file. Putting it in place never follows a symlink: a new
name is linked (which fails when anything, a dangling symlink included, is already
there), and a replacement, when asked for, renames over the old entry itself rather
than writing into whatever it points to. Only a regular file or a symlink is ever
replaced: a device, a FIFO, a socket or a folder at the name is refused (a usage error).

The destination folder itself may be a symlink to a folder (a backup folder kept on
another disk, say): the user named it, and the files in it are still created as above.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator

from ecrrepl.errors import UsageError

# link() is refused on some file systems (FAT, some network mounts): there the file is
# created with O_EXCL | O_NOFOLLOW instead, which refuses an existing entry just as well.
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


def write_private_file(path: str, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path` (0600). Without `overwrite`, FileExistsError when anything
    is at `path`; with it, the entry at `path` is replaced when it is a regular file or a
    symlink (UsageError for anything else)."""
    if overwrite:
        _refuse_unless_replaceable(path)
    with _staged(os.path.dirname(path) or os.curdir, text) as temporary:
        if overwrite:
            os.replace(temporary, path)
        else:
            _link_new(temporary, path, text)


def write_first_free(paths: Iterable[str], text: str) -> str:
    """Write `text` (0600) under the first of `paths` (all in one folder) that nothing
    occupies yet, and return it."""
    candidates = iter(paths)
    first = next(candidates)
    with _staged(os.path.dirname(first) or os.curdir, text) as temporary:
        for path in (first, *candidates):
            try:
                _link_new(temporary, path, text)
            except FileExistsError:
                continue
            return path
    raise FileExistsError(errno.EEXIST, "every name is taken", first)


def _refuse_unless_replaceable(path: str) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise UsageError(
            f"{path} is not a regular file or a symlink; --overwrite replaces only those, "
            "nothing was saved"
        )


@contextlib.contextmanager
def _staged(folder: str, text: str) -> Iterator[str]:
    """A new file in `folder` holding `text`, removed when the block ends."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".ecrrepl-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _link_new(temporary: str, path: str, text: str) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        _create_new(path, text)


def _create_new(path: str, text: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise
