"""Crash-safe file primitives: atomic writes, directory fsync and a per-key lock.

Terms:

- *atomic write*: the bytes go to a temporary file in the same directory, which is
  fsynced and then renamed over the target with ``os.replace``; the directory is
  fsynced too, so after a crash (even ``kill -9`` or power loss) the target holds
  either the old or the new content, never a mix.
- *key lock*: an exclusive ``fcntl.flock`` on ``<key>.lock``. ``flock`` locks belong
  to the open file, so they exclude other threads of the same process as well as
  other processes, and the kernel releases them when a process dies (no stale lock
  files to clean up). Hand-written rather than the ``filelock`` package because that
  package is not among the pinned requirements and the POSIX part we need is ~20
  lines; diskcache's ``Lock`` spins on its SQLite table instead of blocking.
- *waiting for a fetch*: a writer waiting for this lock, or a follower waiting for a
  leader in team mode (:mod:`data.scale.single_flight`), stops the same way: on its
  user's cancel, or with ``BUSY_MESSAGE`` once its time is up (:func:`check_waiting`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from configuration.errors import CacheError, JiraCancelled

LOCK_POLL_SECONDS = 0.05
BUSY_MESSAGE = "Another fetch of the same JIRA query is still running; try again later."


def fsync_dir(path: Path) -> None:
    """Flush a directory entry (a create or rename) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durable(path: Path, data: bytes) -> None:
    """Write a new file and fsync it (the caller makes it visible atomically)."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temp file + fsync + os.replace)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    fsync_dir(path.parent)


@contextlib.contextmanager
def key_lock(
    path: Path,
    *,
    timeout: float = 1800.0,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing).

    Waits by polling so that a waiting fetch can be cancelled and cannot hang
    forever behind a stuck one (``timeout`` seconds, then ``CacheError``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        _acquire(handle.fileno(), timeout, cancel)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire(fd: int, timeout: float, cancel: Callable[[], bool] | None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(BlockingIOError):  # held elsewhere: wait below
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        check_waiting(cancel, timed_out=time.monotonic() >= deadline)
        time.sleep(LOCK_POLL_SECONDS)


def check_waiting(cancel: Callable[[], bool] | None, *, timed_out: bool) -> None:
    """Stop waiting for another fetch: ``JiraCancelled`` when the user cancelled,
    ``CacheError`` when the wait timed out; otherwise return to wait some more."""
    if cancel is not None and cancel():
        raise JiraCancelled("The fetch was cancelled.")
    if timed_out:
        raise CacheError(BUSY_MESSAGE)
