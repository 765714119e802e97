"""Server-side state of one dashboard process, behind the thin callbacks.

Terms:

- *start-up*: building a :class:`Runtime` does no I/O; :meth:`Runtime.start` (called
  once by ``create_app``) reads the settings file or starts demo mode.
- *demo mode*: no settings file exists. The project's JIRA simulator runs in this
  process on 127.0.0.1 and the settings point at it (``demo_settings``); data is
  still fetched through the real client and cache.
- *window*: what the pages show, ``[as_of - period_days, as_of)``. A preset period
  ends at the *last sync*: the cache knows JIRA as it was then, and measuring up to
  "now" would treat every item as unchanged since (still in progress, still
  ageing). It also keeps ``as_of`` stable between syncs, so every page, period and
  browser tab shares the computed results. A custom range covers whole UTC days,
  the end day included, and ends at the last sync at the latest. An injected
  ``as_of_provider`` overrides both (tests).
- *clock*: "now" for the runtime (before any sync, and the header's "synced 5 min
  ago"); injected so tests fix it.
- *page data*: the report of a window, the headline numbers of the period before
  it, and the items behind the numbers; memoized per data version, settings,
  ``as_of`` and length, as are the rendered pages (:meth:`Runtime.memo_page`).
- *warm-up*: after a sync (and at start), the preset periods are computed in a
  background thread, so switching between them is answered from memory.
- *stored data*: the last good issues in the cache (read without fetching). A
  failed or cancelled fetch leaves it as it was, so the pages keep showing it.
- *settings signature*: ``(inode, st_mtime_ns, size)`` of the settings file, None
  when it is missing. Every process (gunicorn workers, Celery workers) holds its own
  copy of the settings; :meth:`Runtime.refresh_settings` reloads them when the file's
  signature changed, so a save in one process reaches the others. It costs one
  ``stat`` and is called once per web request and once per fetch job. The inode
  counts because saves replace the file atomically (a new inode each time), which
  tells two saves within one mtime tick apart.
- *flight status*: team mode's shared view of the latest fetch of the configured
  query (:func:`data.scale.team.fetch_status`); None in single-process mode.

The runtime never hands the token to the browser: :meth:`public_settings` is the
only settings view callbacks send out.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from configuration.errors import ConfigError, DashboardError
from configuration.filters import Clause, filter_texts, parse_filter, require_fetched
from configuration.private_files import private_dir
from configuration.profiles import DEFAULT, Profile
from configuration.settings import JiraSettings, Settings
from configuration.settings_file import (
    load_settings,
    remove_stale_temp_files,
    save_settings,
    token_refusal,
)
from configuration.validation import settings_to_dict
from data import exports, service
from data import profiles as profile_data
from data.cache.memo import LruMemo
from data.cache.sync import SyncResult
from data.metrics.context import CalculationContext
from data.metrics.report import compute_report, report_to_json
from data.scale import team
from data.scale.single_flight import FlightStatus
from data.scope_view import QuickPick, ScopeView, parent_summaries, quick_picks, scope_view
from data.segments.compute import full_context
from data.segments.segment import prepare_frames, segment_context

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
DATA_MEMO = 12  # page data kept in memory: the presets and a few custom ranges
PAGE_MEMO = 48  # rendered pages: a few pages of each of those
CONTEXT_MEMO = 4  # segment contexts (drill-downs of the views in use); ~50 MB at 100k issues
PRESET_DAYS = (7, 30, 90, 180)
DEMO_CACHE = "demo"  # sub-folder of the cache directory used in demo mode
Signature = tuple[int, int, int] | None


@dataclass(frozen=True)
class PagePeriod:
    """The period a page shows: ``[as_of - period_days, as_of)``."""

    as_of: datetime
    period_days: int
    label: str

    def previous(self) -> PagePeriod:
        """The period of the same length that ends where this one starts."""
        return PagePeriod(self.as_of - timedelta(days=self.period_days), self.period_days,
                      "previous period")


@dataclass(frozen=True)
class PageData:
    """Everything the metric pages draw for one window (see the module docstring)."""

    window: PagePeriod
    report: dict[str, Any]
    previous: dict[str, Any]
    items: exports.PageItems
    key: tuple


def utc_now() -> datetime:
    """The current time in UTC: the runtime's clock unless a test injects one."""
    return datetime.now(UTC)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def window_for(period: dict | None, default_days: int, now: datetime) -> PagePeriod:
    """The window of the header's period store (preset days, or a custom date range).

    ``now`` is where data ends (the last sync): a custom range never reaches past it,
    since the days after it would count as days without deployments or throughput.
    """
    period = period or {}
    start, end = period.get("start"), period.get("end")
    if start and end:
        first, last = sorted((date.fromisoformat(start[:10]), date.fromisoformat(end[:10])))
        first, last = min(first, now.date()), min(last, now.date())
        as_of = min(_midnight(last) + timedelta(days=1), now)
        # Whole days back to the first day's midnight (a capped end keeps its hours).
        days = math.ceil((as_of - _midnight(first)) / timedelta(days=1))
        return PagePeriod(as_of, days, f"{first:%d %b %Y} – {last:%d %b %Y}")
    days = int(period.get("period_days") or default_days)
    return PagePeriod(now, days, f"last {days} days")


class Runtime:
    """Settings, demo simulator, stored data and memoized page items of one app."""

    def __init__(self, settings_path: Path, cache_dir: Path, *,
                 as_of_provider: Clock | None = None, clock: Clock = utc_now) -> None:
        self.settings_path = Path(settings_path)
        self.cache_dir = self._base_cache_dir = Path(cache_dir)
        self._as_of_provider = as_of_provider
        self.clock = clock
        self._lock = threading.RLock()
        self._data: LruMemo[PageData] = LruMemo(DATA_MEMO)
        self._pages: LruMemo[Any] = LruMemo(PAGE_MEMO)
        self._contexts: LruMemo[CalculationContext] = LruMemo(CONTEXT_MEMO)
        self._resolved: tuple[Settings, dict[str, Profile]] | None = None
        self.simulator = None
        self.team = team.team_mode()
        # No I/O here (a Runtime is cheap to build, and building one never starts a
        # server or deletes a folder): :meth:`start` reads the settings file and, in demo
        # mode, starts the simulator. Until then: the defaults, nothing to fetch.
        self._started = False
        self._signature: Signature = None
        self.demo = False
        self.settings_problem: str | None = None
        self.settings = Settings()

    def start(self) -> Runtime:
        """The start-up step: load the settings file, or start demo mode when there is
        none (simulator started on the day's demo folder). Once; returns ``self``."""
        with self._lock:
            if not self._started:
                self._started = True
                # A killed save leaves a temporary copy that may hold the token; the
                # cache holds issue summaries and the background-job store: ours only.
                remove_stale_temp_files(self.settings_path)
                private_dir(self._base_cache_dir)
                self._signature = file_signature(self.settings_path)
                self.demo = not self.settings_path.exists()
                self.settings = self._initial_settings()
        return self

    # ---- a background job's copy ------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """What a background job's process gets (``callbacks.job_process``): settings
        and paths. Not the locks and memos (the child makes its own, none held), nor the
        demo simulator (it keeps serving in this process; the settings point at it)."""
        state = dict(self.__dict__)
        for unshared in ("_lock", "_data", "_pages", "simulator", "_resolved"):
            del state[unshared]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._data = LruMemo(DATA_MEMO)
        self._pages = LruMemo(PAGE_MEMO)
        self._resolved = None
        self.simulator = None

    # ---- settings --------------------------------------------------------------

    def _initial_settings(self) -> Settings:
        if not self.demo:
            try:
                return load_settings(self.settings_path)
            except ConfigError as exc:
                # The dashboard still starts (on the defaults, nothing to fetch) and
                # says why, so the file can be fixed in Settings.
                log.warning("Settings not loaded: %s", exc)
                self.settings_problem = str(exc)
                return Settings()
        # Imported here: the simulator (and its demo data) only matter in demo mode.
        from data.simulator.demo_cache import demo_folder, start_demo_simulator  # noqa: PLC0415
        from data.simulator.demo_settings import demo_settings  # noqa: PLC0415

        # The day's demo project and its store are made at the first start and reused
        # by later ones (data.simulator.demo_cache): no generation, no fetch.
        self.cache_dir = demo_folder(self.cache_dir / DEMO_CACHE, self.clock())
        self.simulator = start_demo_simulator(self.cache_dir, self.clock())
        log.info("Demo mode: simulated JIRA at %s", self.simulator.url)
        return demo_settings(self.simulator.url)

    def refresh_settings(self) -> bool:
        """Reload the settings file when another process changed it; True if reloaded.

        One ``stat`` when nothing changed. A file that no longer loads keeps the
        current settings and says why (``settings_problem``); a file that vanished
        changes nothing (the process keeps what it has).
        """
        signature = file_signature(self.settings_path)
        if signature == self._signature or signature is None:
            return False
        with self._lock:
            if signature == self._signature:  # another thread reloaded meanwhile
                return False
            self._signature = signature
            try:
                loaded = load_settings(self.settings_path)
            except ConfigError as exc:
                log.warning("Settings not reloaded: %s", exc)
                self.settings_problem = str(exc)
                return False
            self._apply(loaded)
        log.info("Settings reloaded: %s changed", self.settings_path)
        return True

    def _apply(self, settings: Settings) -> None:
        """Use ``settings`` from now on (caller holds the lock); drop what they invalidate."""
        self.settings, self.demo, self.settings_problem = settings, False, None
        self.cache_dir = self._base_cache_dir  # saved settings outlive the demo cache
        self._data.clear()
        self._pages.clear()
        self._contexts.clear()

    def public_settings(self) -> dict[str, Any]:
        """The settings as a dict without the token: the only form sent to the browser."""
        return settings_to_dict(self.settings, include_token=False)

    @property
    def mappings_from_demo(self) -> bool:
        """Whether the field mappings in force are the demo's: in demo mode, or after
        settings were saved that still point at the demo's simulator. Either way they
        name the simulator's fields, which mean nothing in another JIRA."""
        if self.simulator is None:
            return False
        saved_url = (self.settings.jira.url or "").strip().rstrip("/")
        return self.demo or saved_url == self.simulator.url

    @property
    def token_saved(self) -> bool:
        return bool(self.settings.jira.token)

    def token_refusal(self, jira: JiraSettings, *, typed: bool) -> str | None:
        """Why saving ``jira`` would move the saved token to another JIRA, or None."""
        return token_refusal(jira, typed=typed, path=self.settings_path)

    def save(self, raw: dict[str, Any]) -> bool:
        """Validate and write ``raw``, then apply it; True when a fetch is needed.

        ``raw`` without ``jira.token`` keeps the current token (the file's, or the
        demo's while the URL still points at the simulator).
        """
        jira = raw.get("jira", {})
        if "token" not in jira and self.demo and jira.get("url") == self.settings.jira.url:
            raw = {**raw, "jira": {**jira, "token": self.settings.jira.token}}
        saved = save_settings(raw, self.settings_path)
        with self._lock:
            self._signature = file_signature(self.settings_path)  # our own write
            self._apply(saved)
        # A new query, URL or a newly mapped field the store lacks: the cache cannot
        # answer, so the caller starts a fetch. Anything else recomputes from the cache.
        return service.load_cached(saved, cache_dir=self.cache_dir) is None

    # ---- time ------------------------------------------------------------------

    def as_of(self) -> datetime:
        """Where preset periods end: the last sync (see the module docstring)."""
        if self._as_of_provider is not None:
            return self._as_of_provider().astimezone(UTC)
        return self.last_sync() or self.clock()

    def window(self, period: dict | None) -> PagePeriod:
        return window_for(period, self.settings.period_days, self.as_of())

    # ---- data ------------------------------------------------------------------

    def _current(self) -> tuple[Settings, Path]:
        """The settings and the cache folder they use, read together under the lock that
        ``_apply`` changes them under (new settings never pair with the old folder)."""
        with self._lock:
            return self.settings, self.cache_dir

    def stored(self, profile: str | None = None) -> SyncResult | None:
        """The last good data of a profile (None: ``default``) in the cache, without
        fetching (None when there is none)."""
        settings, cache_dir = self._current()
        if profile not in (None, DEFAULT):
            settings = self.profile(profile).settings
        return service.load_cached(settings, cache_dir=cache_dir)

    # ---- profiles (METRICS.md section 8) ----------------------------------------

    def profiles(self) -> dict[str, Profile]:
        """Every good profile of the current settings by name, ``default`` first."""
        settings, _cache_dir = self._current()
        return self._profiles_of(settings)

    def _profiles_of(self, settings: Settings) -> dict[str, Profile]:
        with self._lock:
            cached = self._resolved
            if cached is not None and cached[0] is settings:
                return cached[1]
        resolved = profile_data.usable(settings)
        with self._lock:
            self._resolved = (settings, resolved)
        return resolved

    def profile(self, name: str | None) -> Profile:
        """The profile ``name`` (None: ``default``). ``ConfigError`` when it is unknown,
        ``SettingsInvalid`` naming its key when it is bad."""
        settings, _cache_dir = self._current()
        good = self._profiles_of(settings)
        if (name or DEFAULT) in good:
            return good[name or DEFAULT]
        return profile_data.select(settings, name)  # raises, saying why

    def needs_first_fetch(self) -> bool:
        return self.stored() is None

    def sync(self, *, full: bool, refresh: bool = True, progress=None,
             cancel=None) -> SyncResult:
        """Fetch into the cache; raises DashboardError.

        ``full``: every issue again; ``refresh``: what changed, even when the cache is
        fresh (the Refresh button); neither: only when the cache cannot answer.
        """
        settings, cache_dir = self._current()
        profiles = self._profiles_of(settings)
        synced = service.load_frames(profiles[DEFAULT].settings, full=full, refresh=refresh,
                                     progress=progress, cancel=cancel, cache_dir=cache_dir)
        # Profiles with their own JQL have their own store: one sync for each (siblings
        # sharing a JQL share it, data.profiles).
        for other in profile_data.other_stores(profiles):
            service.load_frames(other.settings, full=full, refresh=refresh, cancel=cancel,
                                cache_dir=cache_dir)
        return synced

    def page_data(self, window: PagePeriod, clauses: Sequence[Clause] = (),
                  profile: str | None = None) -> PageData | None:
        """Report, previous period and items of ``window`` for the segment ``clauses``
        keep (every issue when empty) in ``profile`` (None: ``default``); None before
        any data."""
        settings, clauses = self._of_profile(profile, clauses)
        cache_dir = self._current()[1]
        stored = service.load_cached(settings, cache_dir=cache_dir)
        if stored is None:
            return None
        key = _data_key(stored, settings, window, clauses)

        def make() -> PageData:
            # One context for the report, the previous period and the items: building
            # it is the largest share of a page's server time. (``service.
            # compute_report_json`` would build its own; this memo already keeps the
            # result per data version, settings and window, as its results cache would.)
            ctx = self._context(stored, settings, window, clauses)
            report = report_to_json(compute_report(ctx))
            return PageData(window, report, exports.previous_period(ctx),
                            exports.page_items(ctx), key)

        return self._data.get_or_make(key, make)

    def _of_profile(self, profile: str | None,
                    clauses: Sequence[Clause]) -> tuple[Settings, tuple[Clause, ...]]:
        """The settings of ``profile`` and its filter followed by ``clauses``."""
        chosen = self.profile(profile)
        return chosen.settings, profile_data.clauses_of(chosen, clauses)

    def context(self, window: PagePeriod, clauses: Sequence[Clause] = (),
                profile: str | None = None) -> CalculationContext:
        """The calculation context of the segment in ``window`` (memoized: drill-downs
        and the page share it). Raises ``ConfigError`` when nothing is stored yet."""
        settings, clauses = self._of_profile(profile, clauses)
        cache_dir = self._current()[1]
        stored = service.load_cached(settings, cache_dir=cache_dir)
        if stored is None:
            raise ConfigError("No data yet: fetch from JIRA first.")
        require_fetched(clauses, stored.metadata.value_fields)
        return self._context(stored, settings, window, clauses)

    def _context(self, stored: SyncResult, settings: Settings, window: PagePeriod,
                 clauses: Sequence[Clause]) -> CalculationContext:
        def make() -> CalculationContext:
            whole = full_context(stored.frames, settings, stored.store_version,
                                 as_of=window.as_of, period_days=window.period_days)
            return segment_context(stored.frames, settings, clauses, as_of=window.as_of,
                                   full=whole)

        return self._contexts.get_or_make(_data_key(stored, settings, window, clauses), make)

    def scope_view(self, window: PagePeriod, scope: Sequence[str],
                   segment: Sequence[str] = (), profile: str | None = None) -> ScopeView:
        """The scope forecast of ``scope`` (clauses) in the segment of ``segment`` (clauses).

        Raises ``ConfigError`` for a bad clause or before any data (its message is the
        page's). Memoized with the segment's context.
        """
        clauses, kept = parse_filter(scope), parse_filter(segment)
        ctx = self.context(window, kept, profile)
        require_fetched(clauses, self.stored(profile).metadata.value_fields)
        points = self.profile(profile).settings.forecast.points_field
        return ctx.memo(("scope_view", filter_texts(clauses), points),
                        lambda: scope_view(ctx, clauses, points))

    def scope_picks(self, window: PagePeriod, segment: Sequence[str] = (),
                    profile: str | None = None) -> tuple[QuickPick, ...]:
        """The quick picks of the Forecast page's scope picker (empty before any data)."""
        try:
            ctx = self.context(window, parse_filter(segment), profile)
        except ConfigError:
            return ()
        stored = self.stored(profile)
        issues = stored.frames.issues if stored is not None else None
        return ctx.memo("scope_picks", lambda: quick_picks(
            ctx, parent_summaries(issues, ctx) if issues is not None else {}))

    def prepare_segments(self) -> None:
        """Index the stored issues for segments ahead of the first filter change."""
        settings, cache_dir = self._current()
        stored = service.load_cached(settings, cache_dir=cache_dir)
        if stored is not None:
            prepare_frames(stored.frames)

    def memo_page(self, key: tuple, build: Callable[[], Any]) -> Any:
        """A rendered page, built once per page data key and path."""
        return self._pages.get_or_make(key, build)

    def in_background(self, work: Callable[[], Any], name: str) -> threading.Thread:
        """Run ``work`` in a daemon thread; a failure is logged, never raised."""
        def run() -> None:
            try:
                work()
            except Exception:  # a background helper must not kill the server
                log.exception("Background %s failed", name)

        thread = threading.Thread(target=run, name=f"dashboard-{name}", daemon=True)
        thread.start()
        return thread

    def prefetch(self) -> None:
        """A first sync when the cache has nothing (demo start): no request otherwise."""
        settings, cache_dir = self._current()
        if service.load_cached(settings, cache_dir=cache_dir) is None:
            service.load_frames(settings, cache_dir=cache_dir)

    def flight_status(self) -> FlightStatus | None:
        """Team mode: the shared state of the latest fetch of this query, else None.

        None too when Redis cannot answer (logged): the page then has nothing to add,
        and the next fetch reports the outage itself.
        """
        settings, cache_dir = self._current()
        if not self.team or not settings.jira.url:
            return None
        try:
            key = service.issue_store(settings, cache_dir).key
            return team.fetch_status(key)
        except DashboardError as exc:
            log.warning("Fetch status unavailable: %s", exc)
            return None

    def last_sync(self) -> datetime | None:
        stored = self.stored()
        return None if stored is None else stored.metadata.last_sync_at

    def close(self) -> None:
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None


def _data_key(stored: SyncResult, settings: Settings, window: PagePeriod,
              clauses: Sequence[Clause]) -> tuple:
    return (stored.store_version, repr(settings), window.as_of, window.period_days,
            filter_texts(clauses))


def file_signature(path: Path) -> Signature:
    """``(inode, st_mtime_ns, size)`` of ``path``, None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def error_message(exc: BaseException) -> str:
    """One sentence for the user: typed errors carry it; anything else is generic."""
    if isinstance(exc, DashboardError):
        return str(exc)
    return "Something unexpected went wrong; the details are in logs/errors.log."
