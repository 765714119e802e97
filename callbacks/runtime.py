"""Server-side state of one dashboard process, behind the thin callbacks.

Terms:

- *demo mode*: no settings file exists. The project's JIRA simulator runs in this
  process on 127.0.0.1 and the settings point at it (``demo_settings``); data is
  still fetched through the real client and cache.
- *window*: what the pages show, ``[as_of - period_days, as_of)``. A preset period
  ends at *now*, taken to the minute so that every page and callback of the same
  minute shares one ``as_of`` (and so the results cache); a custom range covers
  whole UTC days, the end day included.
- *stored data*: the last good issues in the cache (read without fetching). A
  failed or cancelled fetch leaves it as it was, so the pages keep showing it.

The runtime never hands the token to the browser: :meth:`public_settings` is the
only settings view callbacks send out.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from configuration.errors import DashboardError
from configuration.settings import Settings
from configuration.settings_file import load_settings, save_settings
from configuration.validation import settings_to_dict
from data import exports, service
from data.cache.sync import SyncResult
from data.metrics.context import CalculationContext

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
ITEMS_MEMO = 16  # page-item tables kept in memory (a few periods x a few settings)


@dataclass(frozen=True)
class Window:
    """The period a page shows: ``[as_of - period_days, as_of)``."""

    as_of: datetime
    period_days: int
    label: str

    def previous(self) -> Window:
        """The period of the same length that ends where this one starts."""
        return Window(self.as_of - timedelta(days=self.period_days), self.period_days,
                      "previous period")


def now_to_the_minute(clock: Clock) -> datetime:
    return clock().astimezone(UTC).replace(second=0, microsecond=0)


def window_for(period: dict | None, default_days: int, now: datetime) -> Window:
    """The window of the header's period store (preset days, or a custom date range)."""
    period = period or {}
    start, end = period.get("start"), period.get("end")
    if start and end:
        first, last = sorted((date.fromisoformat(start[:10]), date.fromisoformat(end[:10])))
        as_of = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
        days = (last - first).days + 1
        return Window(as_of, days, f"{first:%d %b %Y} – {last:%d %b %Y}")
    days = int(period.get("period_days") or default_days)
    return Window(now, days, f"last {days} days")


class Runtime:
    """Settings, demo simulator, stored data and memoized page items of one app."""

    def __init__(self, settings_path: Path, cache_dir: Path, *,
                 as_of_provider: Clock | None = None) -> None:
        self.settings_path = Path(settings_path)
        self.cache_dir = Path(cache_dir)
        self._clock: Clock = as_of_provider or (lambda: datetime.now(UTC))
        self._fixed_clock = as_of_provider is not None
        self._lock = threading.RLock()
        self._items: OrderedDict[tuple, exports.PageItems] = OrderedDict()
        self.simulator = None
        self.demo = not self.settings_path.exists()
        self.settings = self._initial_settings()

    # ---- settings --------------------------------------------------------------

    def _initial_settings(self) -> Settings:
        if not self.demo:
            return load_settings(self.settings_path)
        # Imported here: the simulator (and its demo data) only matter in demo mode.
        from data.simulator.demo_settings import demo_settings  # noqa: PLC0415

        from data.simulator.server import JiraSimulator  # noqa: PLC0415

        self.simulator = JiraSimulator(clock=self._clock).start()
        log.info("Demo mode: simulated JIRA at %s", self.simulator.url)
        return demo_settings(self.simulator.url)

    def public_settings(self) -> dict[str, Any]:
        """The settings as a dict without the token: the only form sent to the browser."""
        return settings_to_dict(self.settings, include_token=False)

    @property
    def token_saved(self) -> bool:
        return bool(self.settings.jira.token)

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
            self.settings, self.demo = saved, False
            self._items.clear()
        # A new query, URL or a newly mapped field the store lacks: the cache cannot
        # answer, so the caller starts a fetch. Anything else recomputes from the cache.
        return service.load_cached(saved, cache_dir=self.cache_dir) is None

    # ---- time ------------------------------------------------------------------

    def now(self) -> datetime:
        moment = self._clock()
        return moment.astimezone(UTC) if self._fixed_clock else now_to_the_minute(self._clock)

    def window(self, period: dict | None) -> Window:
        return window_for(period, self.settings.period_days, self.now())

    # ---- data ------------------------------------------------------------------

    def stored(self) -> SyncResult | None:
        """The last good data in the cache, without fetching (None when there is none)."""
        return service.load_cached(self.settings, cache_dir=self.cache_dir)

    def needs_first_fetch(self) -> bool:
        return self.stored() is None

    def sync(self, *, full: bool, progress=None, cancel=None) -> SyncResult:
        """Fetch (incremental, or full on request) into the cache; raises DashboardError."""
        return service.load_frames(self.settings, full=full, refresh=True, progress=progress,
                                   cancel=cancel, cache_dir=self.cache_dir)

    def report(self, window: Window) -> dict[str, Any] | None:
        stored = self.stored()
        if stored is None:
            return None
        return service.compute_report_json(stored, self.settings, as_of=window.as_of,
                                           period_days=window.period_days,
                                           store_version=stored.store_version)

    def items(self, window: Window) -> exports.PageItems | None:
        """The items behind the numbers of ``window`` (memoized per data and settings)."""
        stored = self.stored()
        if stored is None:
            return None
        key = (stored.store_version, repr(self.settings), window.as_of, window.period_days)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        ctx = CalculationContext.build(stored.frames, self.settings, as_of=window.as_of,
                                       period_days=window.period_days)
        items = exports.page_items(ctx)
        with self._lock:
            self._items[key] = items
            while len(self._items) > ITEMS_MEMO:
                self._items.popitem(last=False)
        return items

    def last_sync(self) -> datetime | None:
        stored = self.stored()
        return None if stored is None else stored.metadata.last_sync_at

    def close(self) -> None:
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None


def error_message(exc: BaseException) -> str:
    """One sentence for the user: typed errors carry it; anything else is generic."""
    if isinstance(exc, DashboardError):
        return str(exc)
    return "Something unexpected went wrong; the details are in logs/errors.log."
