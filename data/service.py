"""The service facade: what ``app.py`` and the Dash callbacks call. No Dash here.

Terms:

- *sync result*: :class:`data.cache.sync.SyncResult`: the frames in the issue store
  after a sync, with the store version, the requests it used and its mode
  (``cached`` / ``incremental`` / ``full``).
- *deferred client*: the JIRA client is built only when a sync actually needs to
  call JIRA, so a fresh store is usable with no credentials at hand, and settings
  without credentials fail (``ConfigError``) only when a fetch is needed.
- *flight*: in team mode (``REDIS_URL`` set) one process per store key fetches and
  the others wait for it and read the store (:mod:`data.scale.single_flight`);
  otherwise every caller syncs itself and the store's file lock serializes them.
- *request budget*: every client built here paces its requests with the budget
  shared by the machine (``<cache_dir>/ratelimit``) or, in team mode, by every
  process (Redis): see :func:`data.scale.team.shared_limiter`.

Results are memoized: by the store version when the frames came from the store,
else by a content hash of the frames (see :mod:`data.cache.results`).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from configuration.errors import ConfigError
from configuration.filters import Clause, custom_fields_of
from configuration.paths import CACHE_DIR
from configuration.settings import JiraSettings, Settings
from data.cache.keys import results_key
from data.cache.prune import prune_stale_stores
from data.cache.results import ResultsCache, frames_fingerprint
from data.cache.store import IssueStore
from data.cache.sync import Cancel, IssueSource, Needs, Progress, SyncResult, sync_issues
from data.issues.frames import IssueFrames
from data.issues.normalize import iter_raw_issues, normalize_issues
from data.jira.fields import value_field_ids
from data.metrics.context import CalculationContext, utc_timestamp
from data.metrics.report import compute_report, report_to_json
from data.scale.single_flight import SingleFlight
from data.scale.team import shared_limiter, single_flight
from data.segments.compute import segment_items_json, segment_report_json
from data.segments.items import METRICS as ITEM_METRICS

ClientFactory = Callable[..., Any]  # JiraClient(jira, *, bucket=...) or a test double


def jira_client(jira: JiraSettings, **options: Any) -> Any:
    """A ``JiraClient``; its module (and requests) is imported only when a sync calls
    JIRA, so that ``metrics`` on an issues file or a fresh cache never loads it."""
    return importlib.import_module("data.jira.client").JiraClient(jira, **options)


_MEMORY_RESULTS = ResultsCache()
_DISK_RESULTS: dict[Path, ResultsCache] = {}
_DISK_RESULTS_LOCK = threading.Lock()  # gunicorn threads may ask for the same directory


def issue_store(settings: Settings, cache_dir: Path = CACHE_DIR) -> IssueStore:
    """The issue store for the settings' JIRA query (nothing is read yet)."""
    return IssueStore.for_jira(Path(cache_dir) / "issues", settings.jira)


def load_frames(
    settings: Settings,
    *,
    full: bool = False,
    refresh: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    now: datetime | None = None,
    client_factory: ClientFactory = jira_client,
    cache_dir: Path = CACHE_DIR,
    flight: SingleFlight | None = None,
) -> SyncResult:
    """The configured query's issues, from the store or synced from JIRA first.

    ``full`` forces a full refetch; ``refresh`` syncs incrementally even when the
    store is fresh. Raises ``ConfigError`` for settings that cannot fetch, a
    ``JiraError`` when JIRA fails (the store keeps its last good data: see
    :func:`load_cached`), ``DataError`` for unusable issues, ``CacheError``.
    """
    require_query(settings.jira)
    store = issue_store(settings, cache_dir)
    with closing(_DeferredClient(settings.jira, client_factory, cache_dir)) as client:

        def lead(report: Progress | None) -> SyncResult:
            return sync_issues(
                settings, client, store, full=full, refresh=refresh, now=now,
                progress=report, cancel=cancel,
            )

        def follow() -> SyncResult:
            # The leader has just synced this key: read its store instead of syncing
            # again (a forced or refreshing sync would otherwise repeat the fetch).
            cached = load_cached(settings, cache_dir=cache_dir)
            return cached if cached is not None else lead(progress)

        runner = flight or single_flight()
        synced = runner.run(store.key, lead, follow, progress=progress, cancel=cancel)
    if synced.mode != "cached":
        prune_stale_stores(store.root, keep=store.key, now=synced.metadata.last_sync_at)
    return synced


def load_cached(settings: Settings, *, cache_dir: Path = CACHE_DIR) -> SyncResult | None:
    """The last good stored data for these settings, without any request, or None.

    None also when the store lacks a field the settings map (its numbers would be
    wrong). For showing the old data after a failed sync.
    """
    if not (settings.jira.url and settings.jira.jql):
        return None
    stored = issue_store(settings, cache_dir).load()
    if stored is None or not Needs.of(settings).covered_by(stored.metadata):
        return None
    return SyncResult(stored.frames, stored.metadata, 0, "cached")


def compute_report_json(
    frames_or_sync_result: IssueFrames | SyncResult,
    settings: Settings,
    *,
    as_of: datetime,
    period_days: int | None,
    store_version: str | None = None,
    results: ResultsCache | None = None,
    clauses: Sequence[Clause] = (),
) -> dict[str, Any]:
    """The report JSON (METRICS.md section 6 shape), memoized in ``results``;
    of the segment ``clauses`` keep when there are any (METRICS.md section 8)."""
    frames, version = _frames_and_version(frames_or_sync_result, store_version)
    end = utc_timestamp(as_of)
    days = settings.period_days if period_days is None else int(period_days)
    if clauses:
        return segment_report_json(frames, settings, version, clauses, as_of=end,
                                   period_days=days, results=results or _MEMORY_RESULTS)
    key = results_key(version, settings, as_of=end.to_pydatetime(), period_days=days)

    return (results or _MEMORY_RESULTS).get_or_compute(
        key, lambda: _report_json(frames, settings, end, days)
    )


def _report_json(
    frames: IssueFrames, settings: Settings, end: Any, period_days: int
) -> dict[str, Any]:
    ctx = CalculationContext.build(frames, settings, as_of=end, period_days=period_days)
    return report_to_json(compute_report(ctx))


def metrics_command(
    settings: Settings,
    issues_path: Path | None,
    as_of: datetime,
    period_days: int,
    *,
    cache_dir: Path = CACHE_DIR,
    client_factory: ClientFactory = jira_client,
    now: datetime | None = None,
    clauses: Sequence[Clause] = (),
) -> dict[str, Any]:
    """``python app.py metrics``: the report JSON (of the segment ``clauses`` keep)
    from a raw issues file or the cache."""
    settings = with_filter_fields(settings, clauses)
    if issues_path is not None:
        # The fields a sync stores: a forecast scope may name segment fields too.
        frames = _file_frames(issues_path, value_field_ids(settings))
        if not clauses:  # computed once, so not memoized (a memo key would hash the frames)
            return _report_json(frames, settings, utc_timestamp(as_of), period_days)
        return compute_report_json(frames, settings, as_of=as_of, period_days=period_days,
                                   clauses=clauses)
    synced = load_frames(settings, cache_dir=cache_dir, client_factory=client_factory, now=now)
    return compute_report_json(
        synced, settings, as_of=as_of, period_days=period_days,
        results=disk_results(cache_dir), clauses=clauses,
    )


def items_command(
    settings: Settings,
    issues_path: Path | None,
    metric: str,
    as_of: datetime,
    period_days: int,
    *,
    cache_dir: Path = CACHE_DIR,
    client_factory: ClientFactory = jira_client,
    now: datetime | None = None,
    clauses: Sequence[Clause] = (),
) -> list[dict[str, Any]]:
    """``python app.py items METRIC``: the items behind one headline number."""
    if metric not in ITEM_METRICS:
        raise ConfigError(f'Unknown metric "{metric}"; use one of {", ".join(ITEM_METRICS)}.')
    settings = with_filter_fields(settings, clauses)
    if issues_path is not None:
        frames = _file_frames(issues_path, value_field_ids(settings))
        version, results = frames_fingerprint(frames), _MEMORY_RESULTS
    else:
        synced = load_frames(settings, cache_dir=cache_dir, client_factory=client_factory,
                             now=now)
        frames, version, results = synced.frames, synced.store_version, disk_results(cache_dir)
    return segment_items_json(frames, settings, version, clauses, metric, as_of=as_of,
                              period_days=period_days, results=results)


def with_filter_fields(settings: Settings, clauses: Sequence[Clause]) -> Settings:
    """``settings`` whose stored value fields include the custom fields ``clauses``
    name, so that a sync fetches them (a newly named field triggers one fetch)."""
    named = tuple(f for f in custom_fields_of(clauses) if f not in settings.filter_fields)
    return replace(settings, filter_fields=settings.filter_fields + named) if named else settings


def _file_frames(issues_path: Path, field_ids: Sequence[str]) -> IssueFrames:
    """The frames of an issues file, decoding only ``field_ids`` besides the base
    fields; a sync stores ``value_field_ids(settings)``, a superset."""
    return normalize_issues(iter_raw_issues(issues_path, field_ids), field_ids)


def fetch_command(
    settings: Settings,
    full: bool,
    progress: Progress | None,
    *,
    cache_dir: Path = CACHE_DIR,
    client_factory: ClientFactory = jira_client,
    now: datetime | None = None,
) -> str:
    """``python app.py fetch``: sync (incrementally unless ``full``); a one-line summary."""
    synced = load_frames(
        settings, full=full, refresh=True, progress=progress, now=now,
        client_factory=client_factory, cache_dir=cache_dir,
    )
    return summarize(synced)


def summarize(synced: SyncResult) -> str:
    """One line saying what a sync did, for the CLI and the dashboard's status."""
    total = synced.metadata.issue_count
    requests = f"{synced.requests:,} request{'' if synced.requests == 1 else 's'}"
    if synced.mode == "full":
        return f"Fetched {total:,} issues (full sync, {requests}) into the cache"
    if synced.mode == "incremental":
        return (
            f"Updated {synced.fetched:,} changed issues; the cache holds {total:,} issues "
            f"(incremental sync, {requests})"
        )
    synced_at = synced.metadata.last_sync_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"The cache already holds {total:,} issues synced at {synced_at} (no requests)"


def disk_results(cache_dir: Path = CACHE_DIR) -> ResultsCache:
    """The results cache that also keeps reports in ``<cache_dir>/results``."""
    directory = Path(cache_dir) / "results"
    with _DISK_RESULTS_LOCK:
        return _DISK_RESULTS.setdefault(directory, ResultsCache(directory=directory))


def require_query(jira: JiraSettings) -> None:
    """ConfigError unless the settings name a JIRA URL and a JQL query."""
    if not jira.url:
        raise ConfigError(
            "is not set; it should look like https://your-domain.atlassian.net.", "jira.url"
        )
    if not (jira.jql or "").strip():
        raise ConfigError("is not set; it selects the issues to fetch, e.g. project = DEMO.",
                          "jira.jql")


def _frames_and_version(
    given: IssueFrames | SyncResult, store_version: str | None
) -> tuple[IssueFrames, str]:
    if isinstance(given, SyncResult):
        return given.frames, store_version or given.store_version
    return given, store_version or frames_fingerprint(given)


class _DeferredClient:
    """An ``IssueSource`` that builds the real client on first use (see module doc)."""

    def __init__(self, jira: JiraSettings, factory: ClientFactory, cache_dir: Path) -> None:
        self._jira = jira
        self._factory = factory
        self._cache_dir = cache_dir
        self._client: Any = None

    @property
    def requests_made(self) -> int:
        return 0 if self._client is None else int(self._client.requests_made)

    def search(self, jql: str, fields: Any, **kwargs: Any) -> list[Any]:
        return self._real().search(jql, fields, **kwargs)

    def statuses(self) -> list[dict]:
        return self._real().statuses()

    def _real(self) -> IssueSource:
        if self._client is None:
            # The budget outlives this client: in Redis, or in the cache directory so
            # that the next background job (another process) goes on pacing from here.
            bucket = shared_limiter(self._jira, cache_dir=self._cache_dir)
            extra = {} if bucket is None else {"bucket": bucket}
            self._client = self._factory(self._jira, **extra)
        return self._client

    def close(self) -> None:
        """Close the real client, if one was built and it can be closed."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()
