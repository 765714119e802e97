"""The results cache: computed report JSON keyed by store version and settings.

Terms:

- *results key*: see :func:`data.cache.keys.results_key` (store version, every
  setting that changes a number, ``as_of``, period, engine fingerprint).
- *memory level*: an LRU of the last ``max_entries`` reports in this process. The
  report is kept as its JSON text and parsed on every hit, so a caller that edits
  the dict it got back cannot alter what the next caller sees.
- *frames fingerprint*: a content hash of frames that did not come from the store
  (``--issues`` files, demo data), standing in for the store version.
- *disk level* (optional): one ``<key>.json`` per report in ``directory``, written
  atomically, so a later CLI run (a new process) reuses it. A file that cannot be
  read or parsed is ignored and recomputed; the directory keeps the newest
  ``max_files`` reports.

The memory level is :class:`data.cache.memo.LruMemo` (not ``functools.lru_cache``:
the key is computed from unhashable inputs, DataFrames and settings with mappings,
and the disk level needs the same key).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import msgspec
import pandas as pd

from configuration.atomic_files import atomic_write
from configuration.private_files import private_dir
from data.cache.memo import LruMemo
from data.issues.frames import IssueFrames

log = logging.getLogger(__name__)


class ResultsCache:
    """Memory LRU plus optional directory of computed report dicts."""

    def __init__(
        self, *, max_entries: int = 64, directory: Path | None = None, max_files: int = 500
    ) -> None:
        self.max_entries = max_entries
        self.directory = Path(directory) if directory is not None else None
        self.max_files = max_files
        self._memory: LruMemo[str] = LruMemo(max_entries)
        self._count_lock = threading.Lock()  # gunicorn threads share one cache
        self.hits = 0
        self.misses = 0

    def get_or_compute(
        self, key: str, compute: Callable[[], dict[str, Any]], *, finite: bool = False
    ) -> dict[str, Any]:
        """The cached report for ``key``, computing and storing it on a miss.

        ``finite``: the result holds no NaN or infinity (``msgspec`` would write them as
        null), so ``msgspec`` encodes and parses it, ~2x faster than ``json`` (drill-down
        items: 0.12 s -> 0.05 s for 36,000 items). The text is JSON either way.
        """
        dumps, loads = (_fast_dumps, msgspec.json.decode) if finite else (json.dumps, json.loads)
        text = self._memory.get(key) or self._from_disk(key)
        self._count(hit=text is not None)
        if text is None:
            text = dumps(compute())
            self._to_disk(key, text)
        self._memory.put(key, text)
        return loads(text)

    def clear(self) -> None:
        self._memory.clear()

    def _count(self, *, hit: bool) -> None:
        with self._count_lock:
            if hit:
                self.hits += 1
            else:
                self.misses += 1

    def _from_disk(self, key: str) -> str | None:
        if self.directory is None:
            return None
        path = self.directory / f"{key}.json"
        try:
            text = path.read_text(encoding="utf-8")
            json.loads(text)  # a torn or edited file must not be served
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("Ignoring the unreadable cached result %s: %s", path.name, exc)
            return None
        return text

    def _to_disk(self, key: str, text: str) -> None:
        if self.directory is None:
            return
        try:
            private_dir(self.directory)
            atomic_write(self.directory / f"{key}.json", text.encode())
            self._prune()
        except OSError as exc:
            # The result is still returned; only the disk copy is lost.
            log.warning("Cannot write a cached result to %s: %s", self.directory, exc)

    def _prune(self) -> None:
        assert self.directory is not None
        files = sorted(self.directory.glob("*.json"), key=_mtime, reverse=True)
        for stale in files[self.max_files :]:
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()


def _fast_dumps(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def frames_fingerprint(frames: IssueFrames) -> str:
    """A content hash of every frame (values, column names and dtypes)."""
    digest = hashlib.sha256()
    for field in fields(frames):
        df: pd.DataFrame = getattr(frames, field.name)
        digest.update(f"{field.name}:{list(df.columns)}:{list(map(str, df.dtypes))}".encode())
        digest.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return "frames-" + digest.hexdigest()[:24]
