"""Files only the dashboard's own user may read: cache, logs, settings (issue 11 item 9).

Terms:

- *private directory*: mode 0700. The cache holds issue summaries and Dash's
  background-job store (diskcache, which unpickles what it reads: whoever can write
  there runs code, CVE-2025-69872); the logs hold who did what. Nobody else may list,
  read or write them.
- *private file*: mode 0600.
- *private umask*: 0077, set by every entry point (``app.py``, ``celery_app``) so that
  whatever a library creates (pyarrow, sqlite, rotated logs) is private too. The
  helpers here do not rely on it: they set the modes themselves, so a caller with the
  usual umask 0022 still gets 0700/0600.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o077


def use_private_umask() -> int:
    """Make everything this process creates from now on private; the previous umask."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents 0700; make ``path`` 0700 if it existed."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process was quicker
            directory.mkdir(mode=PRIVATE_DIR_MODE)
        os.chmod(directory, PRIVATE_DIR_MODE)  # mkdir's mode is masked by the umask
    os.chmod(path, PRIVATE_DIR_MODE)  # an old directory keeps its mode otherwise
    return path


def private_opener(path: str, flags: int) -> int:
    """An ``opener=`` for :func:`open` that creates the file 0600 (whatever the umask)."""
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    with contextlib.suppress(OSError):  # e.g. a file owned by someone else: keep going
        os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd


def restrict_tree(root: Path) -> None:
    """Make every directory under ``root`` 0700 and every file 0600 (best effort).

    For directories written before this version, or by a library that ignores the
    umask; symbolic links are left alone.
    """
    root = Path(root)
    for directory, subdirs, files in os.walk(root):
        for name in subdirs:
            _chmod(Path(directory) / name, PRIVATE_DIR_MODE)
        for name in files:
            _chmod(Path(directory) / name, PRIVATE_FILE_MODE)
    _chmod(root, PRIVATE_DIR_MODE)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):
        if not stat.S_ISLNK(path.lstat().st_mode):
            os.chmod(path, mode)
