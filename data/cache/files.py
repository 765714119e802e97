"""The per-key lock every writer of an issue store holds.

The crash-safe writes themselves (atomic write, directory fsync) are in
:mod:`configuration.atomic_files`, shared with the settings file.

Terms:

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
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from configuration.atomic_files import open_lock_file
from configuration.errors import CacheError, JiraCancelled
from configuration.private_files import private_dir

LOCK_POLL_SECONDS = 0.05
BUSY_MESSAGE = "Another fetch of the same JIRA query is still running; try again later."


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
    private_dir(path.parent)
    with open_lock_file(path) as fd:
        _acquire(fd, timeout, cancel)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


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
