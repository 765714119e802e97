"""Bring the issue store up to date with JIRA: cached, incremental or full.

Terms:

- *needs*: the JIRA fields a setting requires (``fields_for``) and the field ids
  stored as values (``value_field_ids``: the mapped fields, the segment fields and
  the filter bar's custom fields). A store *covers* the needs when it holds
  a superset of both; then it can be used with zero requests.
- *fresh*: synced less than ``cache.ttl_hours`` ago.
- modes: ``cached`` (no request: fresh and covering, or another thread/process
  synced it while we waited for the key lock), ``incremental`` (expired: fetch only
  the issues updated since the last sync minus a safety margin and merge them by
  issue id), ``full`` (no usable store, a needed field is missing, ``full=True``,
  or the last full fetch is older than ``FULL_RESYNC_AFTER``).

A failed sync (JIRA error, cancellation, unusable data) leaves the store exactly as
it was and raises; the caller shows the failure and keeps the old data
(``IssueStore.load()`` still returns it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from configuration.errors import CacheError, JiraNotFound
from configuration.settings import Settings
from data.cache.keys import split_order_by
from data.cache.merge import canonical, merge_frames
from data.cache.store import IssueStore, StoredIssues, StoreMetadata
from data.issues.frames import IssueFrames
from data.issues.normalize import normalize_issues
from data.issues.raw import RawIssue
from data.jira.fields import fields_for, value_field_ids

log = logging.getLogger(__name__)

SyncMode = Literal["full", "incremental", "cached"]
Progress = Callable[[int, int | None], None]
Cancel = Callable[[], bool]

# JIRA reads the time in `updated >= "yyyy-MM-dd HH:mm"` in the *user's* time zone,
# which we cannot know; we write UTC. Offsets range from -12 h to +14 h, so going
# back one full day (plus clock skew) guarantees no update is missed. Re-fetching
# a day of changes costs a page or two; merging them again is idempotent.
SAFETY_MARGIN = timedelta(days=1)
# An incremental sync cannot see issues that were deleted or moved out of the JQL
# (they are no longer returned); a periodic full fetch drops them.
FULL_RESYNC_AFTER = timedelta(days=7)


class IssueSource(Protocol):
    """What sync needs from a JIRA client (``data.jira.client.JiraClient``)."""

    requests_made: int

    def search(
        self,
        jql: str,
        fields: Any,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> list[RawIssue]: ...

    def statuses(self) -> list[dict]: ...


@dataclass(frozen=True)
class SyncResult:
    """The frames now in the store and how they got there."""

    frames: IssueFrames
    metadata: StoreMetadata
    requests: int  # JIRA requests this sync made
    mode: SyncMode
    fetched: int = 0  # issues this sync received from JIRA

    @property
    def store_version(self) -> str:
        return self.metadata.store_version


@dataclass(frozen=True)
class Needs:
    """The fields a setting requires from the store."""

    fields: frozenset[str]
    value_fields: frozenset[str]

    @classmethod
    def of(cls, settings: Settings) -> Needs:
        return cls(frozenset(fields_for(settings)), frozenset(value_field_ids(settings)))

    def covered_by(self, metadata: StoreMetadata) -> bool:
        return self.fields <= set(metadata.fields) and self.value_fields <= set(
            metadata.value_fields
        )


def plan_mode(
    stored: StoredIssues | None,
    needs: Needs,
    *,
    now: datetime,
    ttl_hours: float,
    full: bool = False,
    refresh: bool = False,
    synced_while_waiting: bool = False,
) -> SyncMode:
    """Which kind of sync brings ``stored`` up to date (pure; see module docstring)."""
    if stored is None or not needs.covered_by(stored.metadata):
        return "full"
    if synced_while_waiting:
        return "cached"
    if full:
        return "full"
    meta = stored.metadata
    if not refresh and now - meta.last_sync_at < timedelta(hours=ttl_hours):
        return "cached"
    if now - meta.created_at >= FULL_RESYNC_AFTER:
        return "full"
    return "incremental"


def incremental_jql(jql: str, since: datetime) -> str:
    """``(<jql>) AND updated >= "<since>"``, keeping the JQL's ``ORDER BY`` last."""
    where, order_by = split_order_by(jql)
    condition = f'updated >= "{since.astimezone(UTC):%Y-%m-%d %H:%M}"'
    query = f"({where}) AND {condition}" if where else condition
    return f"{query} {order_by}" if order_by else query


def sync_issues(
    settings: Settings,
    client: IssueSource,
    store: IssueStore,
    *,
    full: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    refresh: bool = False,
) -> SyncResult:
    """Bring ``store`` up to date for ``settings`` and return its frames.

    ``full`` refetches everything; ``refresh`` syncs incrementally even when the
    store is still fresh (an explicit "fetch" by the user).
    """
    now = now or datetime.now(UTC)
    needs = Needs.of(settings)
    seen_version = store.current_version()
    with store.lock(cancel=cancel):
        stored = store.load()
        mode = plan_mode(
            stored,
            needs,
            now=now,
            ttl_hours=settings.cache.ttl_hours,
            full=full,
            refresh=refresh,
            synced_while_waiting=stored is not None and stored.metadata.version != seen_version,
        )
        if mode == "cached":
            assert stored is not None
            return SyncResult(stored.frames, stored.metadata, 0, "cached")
        before = client.requests_made
        job = _Fetch(settings, client, store, now, progress, cancel)
        saved, fetched = job.full(stored, needs) if mode == "full" else job.incremental(stored)
        requests = client.requests_made - before
        log.info("Synced %s (%s): %d issues fetched, %d requests", store.key, mode, fetched,
                 requests)
        return SyncResult(saved.frames, saved.metadata, requests, mode, fetched)


@dataclass(frozen=True)
class _Fetch:
    settings: Settings
    client: IssueSource
    store: IssueStore
    now: datetime
    progress: Progress | None
    cancel: Cancel | None

    def full(self, stored: StoredIssues | None, needs: Needs) -> tuple[StoredIssues, int]:
        # Keep the fields an earlier setting needed: switching a mapping back and
        # forth must not refetch each time.
        old_fields = stored.metadata.fields if stored else ()
        old_values = stored.metadata.value_fields if stored else ()
        fields = tuple(sorted(needs.fields | set(old_fields)))
        value_fields = tuple(sorted(needs.value_fields | set(old_values)))
        raw = self._search(self.settings.jira.jql or "", fields)
        frames = canonical(normalize_issues(raw, value_fields, self._statuses()))
        return self._save(frames, fields, value_fields, created_at=self.now), len(raw)

    def incremental(self, stored: StoredIssues | None) -> tuple[StoredIssues, int]:
        assert stored is not None
        meta = stored.metadata
        jql = incremental_jql(self.settings.jira.jql or "", meta.last_sync_at - SAFETY_MARGIN)
        raw = self._search(jql, meta.fields)
        statuses = self._statuses()
        changed = normalize_issues(raw, meta.value_fields, statuses)
        frames = merge_frames(stored.frames, changed, replace_statuses=bool(statuses))
        saved = self._save(frames, meta.fields, meta.value_fields, created_at=meta.created_at)
        return saved, len(raw)

    def _search(self, jql: str, fields: tuple[str, ...]) -> list[RawIssue]:
        return self.client.search(jql, list(fields), progress=self.progress, cancel=self.cancel)

    def _statuses(self) -> list[dict]:
        try:
            return list(self.client.statuses())
        except JiraNotFound:
            # Some proxies hide /status; the issues' own statuses then stand in.
            log.warning("JIRA's status list is unavailable; using the issues' statuses")
            return []

    def _save(
        self,
        frames: IssueFrames,
        fields: tuple[str, ...],
        value_fields: tuple[str, ...],
        *,
        created_at: datetime,
    ) -> StoredIssues:
        try:
            return self.store.save(
                frames,
                jira=self.settings.jira,
                fields=fields,
                value_fields=value_fields,
                created_at=created_at,
                last_sync_at=self.now,
            )
        except OSError as exc:
            raise CacheError(
                f"Cannot write the issue cache in {self.store.root} ({exc.strerror})."
            ) from None
