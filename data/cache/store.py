"""The issue store: normalized issues of one JIRA query on disk, with metadata.

Layout under the cache directory (``cache/issues/`` by default)::

    <key>.lock                  the key lock (see data.cache.files)
    <key>/manifest.json         metadata + checksums; points at the current version
    <key>/v<N>/<frame>.parquet  one Parquet file per IssueFrames table

Terms:

- *version*: the integer N of the version directory, one higher than any existing
  directory on every write. A write puts every frame file in a fresh ``v<N>/``,
  fsyncs it, and only then replaces ``manifest.json`` atomically; the old version
  directories are removed after that switch. A writer killed at any point leaves
  the previous manifest and its files intact.
- *store version*: ``<key>-v<N>-<digest>``, where digest hashes the files'
  checksums; it changes with every write and keys the results cache.
- *discarded*: a store that fails any check (missing or malformed manifest,
  unknown schema version, missing file, wrong size or SHA-256, unreadable Parquet,
  unexpected columns, wrong issue count) is logged at WARNING and treated as absent;
  the next sync overwrites it. Its numbers are never used.

Parquet won the format benchmark (see docs/cache.md and benchmarks/cache.py). The
store holds no secret: the metadata keeps the URL (without credentials), flavor,
JQL and field sets, never the token or the e-mail.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from configuration.atomic_files import atomic_write, fsync_dir, write_durable
from configuration.private_files import private_dir
from configuration.settings import JiraSettings
from data.cache.files import key_lock
from data.cache.keys import config_hash, normalize_jql, public_url, store_key
from data.cache.memo import LruMemo
from data.issues.frames import (
    FIELD_VALUE_COLUMNS,
    ISSUE_COLUMNS,
    STATUS_COLUMNS,
    TRANSITION_COLUMNS,
    VERSION_COLUMNS,
    IssueFrames,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # bump when the frames' columns or their meaning change
MANIFEST = "manifest.json"
FRAME_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "issues": ISSUE_COLUMNS,
    "transitions": TRANSITION_COLUMNS,
    "versions": VERSION_COLUMNS,
    "field_values": FIELD_VALUE_COLUMNS,
    "statuses": STATUS_COLUMNS,
}
_VERSION_DIR = re.compile(r"^v(\d+)$")
_READ_ATTEMPTS = 3  # a writer may switch versions while we read; retry that many times
# pyarrow's default. benchmarks/cache.py found no measurable load-time difference
# between none, snappy, lz4 and zstd at 100k issues (interleaved runs, within noise);
# snappy is ~25% smaller than uncompressed and cheap to write.
PARQUET_COMPRESSION = "snappy"


class StoreCorrupt(Exception):
    """Internal: the store on disk failed a check (never shown to users)."""


@dataclass(frozen=True)
class StoreMetadata:
    """What the manifest says about the stored issues."""

    schema_version: int
    key: str
    version: int
    created_at: datetime  # when the last full fetch started
    last_sync_at: datetime  # when the last (full or incremental) sync started
    config_hash: str
    issue_count: int
    fields: tuple[str, ...]  # JIRA fields requested from the search endpoint
    value_fields: tuple[str, ...]  # field ids normalized into ``field_values``
    jira_url: str
    flavor: str
    jql: str
    checksums: Mapping[str, str]  # frame name -> SHA-256 of its file

    @property
    def store_version(self) -> str:
        digest = hashlib.sha256("".join(sorted(self.checksums.values())).encode())
        return f"{self.key}-v{self.version}-{digest.hexdigest()[:12]}"

    def to_json(self) -> dict[str, Any]:
        raw = {f.name: getattr(self, f.name) for f in fields(self)}
        raw.update(
            created_at=self.created_at.isoformat(),
            last_sync_at=self.last_sync_at.isoformat(),
            fields=list(self.fields),
            value_fields=list(self.value_fields),
            checksums=dict(self.checksums),
        )
        return raw

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> StoreMetadata:
        """Parse a manifest; raises ``StoreCorrupt`` on anything unexpected."""
        if not isinstance(raw, Mapping) or raw.get("schema_version") != SCHEMA_VERSION:
            found = raw.get("schema_version") if isinstance(raw, Mapping) else None
            raise StoreCorrupt(f"unknown schema version {found!r}")
        try:
            return cls(
                **{f.name: raw[f.name] for f in fields(cls)}
                | {
                    "created_at": datetime.fromisoformat(raw["created_at"]),
                    "last_sync_at": datetime.fromisoformat(raw["last_sync_at"]),
                    "fields": tuple(raw["fields"]),
                    "value_fields": tuple(raw["value_fields"]),
                    "checksums": dict(raw["checksums"]),
                }
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(f"malformed manifest ({exc})") from None


@dataclass(frozen=True)
class StoredIssues:
    """Frames and metadata read from (or just written to) the store."""

    frames: IssueFrames
    metadata: StoreMetadata


class IssueStore:
    """The on-disk store of one key. Reads are lock-free; writers hold ``lock()``."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = Path(root)
        self.key = key
        self.directory = self.root / key

    @classmethod
    def for_jira(cls, root: Path, jira: JiraSettings) -> IssueStore:
        return cls(root, store_key(jira))

    def lock(
        self, *, timeout: float = 1800.0, cancel: Callable[[], bool] | None = None
    ) -> AbstractContextManager[None]:
        """The inter-process, inter-thread lock every writer of this key holds."""
        return key_lock(self.root / f"{self.key}.lock", timeout=timeout, cancel=cancel)

    def current_version(self) -> int | None:
        """The manifest's version number, or None (absent or unreadable)."""
        try:
            return int(json.loads((self.directory / MANIFEST).read_bytes())["version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def read_metadata(self) -> StoreMetadata | None:
        """The manifest's metadata, without reading or checking the frames; or None."""
        manifest = self._read_manifest_bytes()
        if manifest is None:
            return None
        try:
            return StoreMetadata.from_json(json.loads(manifest))
        except (StoreCorrupt, ValueError):
            return None

    def load(self) -> StoredIssues | None:
        """The stored issues, or None when absent or discarded (logged at WARNING)."""
        problem = ""
        for _ in range(_READ_ATTEMPTS):
            manifest = self._read_manifest_bytes()
            if manifest is None:
                return None
            try:
                return _MEMO.get_or_read(self.directory, manifest, _read_store)
            except StoreCorrupt as exc:
                problem = str(exc)
                if self._read_manifest_bytes() == manifest:
                    break  # not a concurrent switch: the store itself is bad
        log.warning("Discarding the issue store %s: %s", self.key, problem)
        return None

    def save(
        self,
        frames: IssueFrames,
        *,
        jira: JiraSettings,
        fields: tuple[str, ...],
        value_fields: tuple[str, ...],
        created_at: datetime,
        last_sync_at: datetime,
    ) -> StoredIssues:
        """Write a new version and switch the manifest to it. Hold ``lock()``."""
        version = self._next_version()
        frames = IssueFrames(**{n: df.reset_index(drop=True) for n, df in _frames(frames)})
        checksums = self._write_version(version, frames)
        metadata = StoreMetadata(
            schema_version=SCHEMA_VERSION,
            key=self.key,
            version=version,
            created_at=created_at,
            last_sync_at=last_sync_at,
            config_hash=config_hash(jira, fields, value_fields),
            issue_count=len(frames.issues),
            fields=tuple(sorted(set(fields))),
            value_fields=tuple(sorted(set(value_fields))),
            jira_url=public_url(jira.url),
            flavor=jira.flavor,
            jql=normalize_jql(jira.jql),
            checksums=checksums,
        )
        manifest = json.dumps(metadata.to_json(), indent=1).encode()
        atomic_write(self.directory / MANIFEST, manifest)
        self._remove_other_versions(keep=f"v{version}")
        stored = StoredIssues(frames, metadata)
        _MEMO.put(self.directory, manifest, stored)  # the next load needs no disk read
        return stored

    def _write_version(self, version: int, frames: IssueFrames) -> dict[str, str]:
        """Write the frames of ``version`` durably; return each file's SHA-256 by frame."""
        target = self.directory / f"v{version}"
        if target.exists():  # left by a writer killed before its manifest switch
            shutil.rmtree(target)
        private_dir(target)
        checksums = {name: _write_frame(target, name, df) for name, df in _frames(frames)}
        fsync_dir(target)
        fsync_dir(self.directory)
        return checksums

    def _read_manifest_bytes(self) -> bytes | None:
        try:
            return (self.directory / MANIFEST).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("Cannot read the issue store manifest %s: %s", self.key, exc)
            return None

    def _version_dirs(self) -> Iterator[tuple[int, Path]]:
        if not self.directory.is_dir():
            return
        for child in self.directory.iterdir():
            match = _VERSION_DIR.match(child.name)
            if match and child.is_dir():
                yield int(match.group(1)), child

    def _next_version(self) -> int:
        # From the directories, not the manifest: the manifest may be corrupt.
        numbers = [n for n, _ in self._version_dirs()]
        numbers.append(self.current_version() or 0)
        return max(numbers) + 1

    def _remove_other_versions(self, keep: str) -> None:
        for _, path in self._version_dirs():
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)


def _frames(frames: IssueFrames) -> Iterator[tuple[str, pd.DataFrame]]:
    for name in FRAME_COLUMNS:
        yield name, getattr(frames, name)


def _write_frame(directory: Path, name: str, df: pd.DataFrame) -> str:
    buffer = io.BytesIO()
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, buffer, compression=PARQUET_COMPRESSION)
    data = buffer.getvalue()
    write_durable(directory / f"{name}.parquet", data)
    return hashlib.sha256(data).hexdigest()


def _read_store(directory: Path, manifest: bytes) -> StoredIssues:
    try:
        metadata = StoreMetadata.from_json(json.loads(manifest))
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise StoreCorrupt(f"unreadable manifest ({exc})") from None
    if metadata.key != directory.name or set(metadata.checksums) != set(FRAME_COLUMNS):
        raise StoreCorrupt("manifest does not describe this store")
    version_dir = directory / f"v{metadata.version}"
    tables = {name: _read_frame(version_dir, name, metadata) for name in FRAME_COLUMNS}
    frames = IssueFrames(**tables)
    if len(frames.issues) != metadata.issue_count:
        raise StoreCorrupt("issue count differs from the manifest")
    return StoredIssues(frames, metadata)


def _read_frame(version_dir: Path, name: str, metadata: StoreMetadata) -> pd.DataFrame:
    path = version_dir / f"{name}.parquet"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreCorrupt(f"cannot read {path.name} ({exc.strerror})") from None
    # The checksum catches truncation and flipped bits that Parquet itself may not.
    if hashlib.sha256(data).hexdigest() != metadata.checksums[name]:
        raise StoreCorrupt(f"{path.name} does not match its checksum")
    try:
        df = pq.read_table(pa.BufferReader(data)).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise StoreCorrupt(f"cannot parse {path.name} ({exc})") from None
    if tuple(df.columns) != FRAME_COLUMNS[name]:
        raise StoreCorrupt(f"{path.name} has unexpected columns")
    return df


class _LoadedMemo:
    """The last few stores read in this process, keyed by manifest + file stats.

    The dashboard loads the same store on every interaction; re-reading and
    re-hashing 100k issues each time would cost ~0.3 s. A key made of the
    manifest bytes and each file's (inode, size, mtime) changes whenever any file
    is replaced or rewritten, so a file modified on disk is always re-verified.
    """

    def __init__(self, size: int = 2) -> None:  # a 100k-issue store is ~150 MB in memory
        self._entries: LruMemo[StoredIssues] = LruMemo(size)

    def get_or_read(
        self,
        directory: Path,
        manifest: bytes,
        read: Callable[[Path, bytes], StoredIssues],
    ) -> StoredIssues:
        memo_key = (str(directory), manifest, _file_stats(directory, manifest))
        return self._entries.get_or_make(memo_key, lambda: read(directory, manifest))

    def put(self, directory: Path, manifest: bytes, stored: StoredIssues) -> None:
        """Remember what a writer just wrote (same key a later read would compute)."""
        stats = _file_stats(directory, manifest)
        if stats:
            self._entries.put((str(directory), manifest, stats), stored)

    def clear(self) -> None:
        self._entries.clear()


def _file_stats(directory: Path, manifest: bytes) -> tuple[Any, ...]:
    try:
        version = json.loads(manifest)["version"]
        stats = [os.stat(directory / f"v{version}" / f"{n}.parquet") for n in FRAME_COLUMNS]
    except (ValueError, KeyError, TypeError, OSError):
        return ()  # never cached: _read_store raises for such a store
    return tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in stats)


_MEMO = _LoadedMemo()


def forget_loaded() -> None:
    """Drop the in-process memo, as a new process would start (tests, benchmarks)."""
    _MEMO.clear()
