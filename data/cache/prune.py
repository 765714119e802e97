"""Removing issue stores nobody has synced for a long time.

Every JQL, URL or flavor a user ever tried leaves a store behind (~20 MB per 100k
issues). A store is *stale* when its last sync is older than ``STALE_AFTER`` (or,
with an unreadable manifest, when its directory was last modified that long ago).
Stale stores other than the one in use are deleted after a successful sync, each
under its own key lock taken without waiting: a store someone is syncing right now
is skipped. Lock files are kept (a few bytes each): deleting one while another
process opens it could give two holders of "the same" lock.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from configuration.errors import CacheError
from data.cache.store import IssueStore

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=30)


def prune_stale_stores(
    root: Path, *, keep: str, now: datetime, stale_after: timedelta = STALE_AFTER
) -> list[str]:
    """Delete stale stores under ``root`` except ``keep``; returns the deleted keys."""
    try:
        directories = sorted(p for p in root.iterdir() if p.is_dir() and p.name != keep)
    except OSError:  # no cache yet, or unreadable: nothing to prune
        return []
    deleted = []
    for directory in directories:
        store = IssueStore(root, directory.name)
        last_used = _last_used(store)
        if now - last_used < stale_after:
            continue
        try:
            with store.lock(timeout=0):
                shutil.rmtree(directory, ignore_errors=True)
        except CacheError:
            continue  # being synced right now: not stale after all
        log.info("Removed the issue store %s, unused since %s", store.key, last_used)
        deleted.append(store.key)
    return deleted


def _last_used(store: IssueStore) -> datetime:
    metadata = store.read_metadata()
    if metadata is not None:
        return metadata.last_sync_at
    try:
        return datetime.fromtimestamp(store.directory.stat().st_mtime, UTC)
    except FileNotFoundError:
        return datetime.min.replace(tzinfo=UTC)
