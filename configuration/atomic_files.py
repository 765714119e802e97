"""Crash-safe file writes, shared by the settings file and the issue cache.

Terms:

- *durable write*: the bytes are written and fsynced before the call returns.
- *atomic replace*: the bytes go to a temporary file in the same directory
  (``mkstemp``: mode 0600 from the start, so a file that may hold the token is never
  readable by others), which is fsynced and then renamed over the target with
  ``os.replace``: a reader sees the old content or the new one, never half of one.
- *atomic write*: an atomic replace followed by an fsync of the directory, so that
  after a crash (even ``kill -9`` or power loss) the rename itself is on disk.
- *lock file*: an empty file that processes ``flock``; opened by
  :func:`open_lock_file`, which never follows a symbolic link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from configuration.errors import CacheError
from configuration.private_files import private_opener


def fsync_dir(path: Path) -> None:
    """Flush a directory entry (a create or rename) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durable(path: Path, data: bytes) -> None:
    """Write a new file and fsync it (the caller makes it visible atomically)."""
    with open(path, "wb", opener=private_opener) as handle:  # 0600: issue summaries
        _write_synced(handle, data)


def replace_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (temp file + fsync + ``os.replace``)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_synced(handle, data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and make the rename durable."""
    replace_atomically(path, data)
    fsync_dir(path.parent)


def _write_synced(handle: BinaryIO, data: bytes) -> None:
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


@contextlib.contextmanager
def open_lock_file(path: Path) -> Iterator[int]:
    """A read-write descriptor on the lock file ``path`` (created 0o600 if missing),
    closed on exit; the caller ``flock``s it.

    ``O_NOFOLLOW`` refuses a symbolic link at ``path``, as the ``filelock`` package
    does since its CVE fixes: whoever can write the cache folder could otherwise point
    the lock at any file the dashboard's user may open, and have it created there.
    The refusal is a ``CacheError`` that names the file to remove.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise CacheError(
            f"The lock file {path} is a symbolic link; remove it (lock files are never "
            "links)."
        ) from None
    try:
        yield fd
    finally:
        os.close(fd)
