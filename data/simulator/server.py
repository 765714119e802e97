"""``JiraSimulator``: a JIRA-compatible HTTP server for demo mode and tests.

It serves raw issues (the demo project by default) through JIRA's own endpoints for
both flavors (see :mod:`.routes`), checks credentials, words JQL errors as JIRA does,
cuts Cloud search changelogs at the newest 40 histories, and can throttle (429 with
``Retry-After``), fail (503) or answer with a proxy's HTML page on demand.

Built on the standard library's ``ThreadingHTTPServer`` (see :mod:`.http_server`): no
extra dependency, and clients talk real HTTP over a real socket (127.0.0.1, a free
port by default), so their retry, paging and error code runs exactly as against JIRA.

Terms: *flavor* is ``cloud`` or ``datacenter``; *changelog cut* is how many of the
newest histories a search result carries (40 on Cloud, complete on Data Center).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Self
from zoneinfo import ZoneInfo

from data.simulator.api import Api
from data.simulator.catalog import demo_fields, demo_issue_types, demo_statuses
from data.simulator.handler import make_handler
from data.simulator.http_server import SimulatorHTTPServer
from data.simulator.store import IssueStore
from data.simulator.traffic import Fault, FaultQueue, RateGate, SimulatorStats, StatsRecorder

CLOUD_CHANGELOG_CUT = 40
FLAVOR_DEFAULT = -1  # changelog_cut: 40 on Cloud, complete (None) on Data Center


class JiraSimulator:
    """A simulated JIRA, serving after :meth:`start` (or inside ``with``).

    Arguments (all optional):

    - ``issues``: raw issues with complete changelogs; the demo project (2,400 issues
      dated before ``clock()``) when ``None``. Kept by reference and never mutated.
    - ``flavor``: ``"cloud"`` or ``"datacenter"`` (which endpoints exist).
    - ``email``/``token``: the Basic credentials; ``pat``: a Bearer Personal Access
      Token, accepted as well when set.
    - ``rate_limit``: ``(requests, per_seconds)`` for the refusing token bucket, or
      ``None``; ``retry_after_seconds`` fixes the ``Retry-After`` of 429s and injected
      503s (fractions allowed, for fast tests) instead of the computed whole seconds.
    - ``fail_503``: answer the first n requests with 503 (``Retry-After: 1``).
    - ``changelog_cut``: histories per search result (default 40 on Cloud, complete
      on Data Center); ``None`` for complete.
    - ``user_timezone``: the zone JQL date literals are read in.
    - ``statuses``/``fields``/``issue_types``: catalogs (default: the demo's).
    - ``delay_seconds``: added before every answer (slow servers, timeouts).
    - ``host``/``port``: where to listen (port 0: a free port); ``clock``: "now".
    - ``rate_clock``: the monotonic clock of the rate limit (a test's fake clock, shared
      with the client's, paces both without waiting).
    """

    def __init__(
        self,
        issues: list[dict[str, Any]] | None = None,
        *,
        flavor: str = "cloud",
        email: str = "demo@example.com",
        token: str = "demo-token",
        pat: str | None = None,
        rate_limit: tuple[int, float] | None = None,
        fail_503: int = 0,
        changelog_cut: int | None = FLAVOR_DEFAULT,
        user_timezone: str = "UTC",
        retry_after_seconds: float | None = None,
        statuses: list[dict[str, Any]] | None = None,
        fields: list[dict[str, Any]] | None = None,
        issue_types: list[dict[str, Any]] | None = None,
        delay_seconds: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rate_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if flavor not in ("cloud", "datacenter"):
            raise ValueError("flavor must be 'cloud' or 'datacenter'")
        self.flavor = flavor
        self.email = email
        self._token, self._pat = token, pat
        self.user_timezone = user_timezone
        self.retry_after_seconds = retry_after_seconds
        self.delay_seconds = delay_seconds
        self.changelog_cut = _cut_for(flavor, changelog_cut)
        self._catalogs = (
            tuple(statuses if statuses is not None else demo_statuses()),
            tuple(fields if fields is not None else demo_fields()),
            tuple(issue_types if issue_types is not None else demo_issue_types()),
        )
        self._clock = clock
        self.store = IssueStore(_demo_if_none(issues, clock), statuses=list(self._catalogs[0]),
                                issue_types=list(self._catalogs[2]),
                                zone=ZoneInfo(user_timezone), clock=clock)
        self.gate = RateGate(rate_clock)
        self.gate.configure(rate_limit)
        self.faults = FaultQueue()
        self.fail_next(fail_503)
        self._stats = StatsRecorder()
        self._address = (host, port)
        self._server: SimulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.api: Api | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a background thread; returns ``self``."""
        if self._server is not None:
            return self
        server = SimulatorHTTPServer(self._address, make_handler(self))
        self._server = server
        statuses, fields, issue_types = self._catalogs
        self.api = Api(
            store=self.store, flavor=self.flavor, base_url=self.url,
            changelog_cut=self.changelog_cut, email=self.email,
            user_timezone=self.user_timezone, clock=self._clock, fields=fields,
            statuses=statuses, issue_types=issue_types,
        )
        self._thread = threading.Thread(target=server.serve_forever, name="jira-simulator",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, the base URL to put in settings."""
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- credentials (for the handler only) -----------------------------------------------

    def credentials(self) -> tuple[str, str, str | None]:
        """``(email, token, pat)``; read by the request handler, never logged."""
        return self.email, self._token, self._pat

    # -- traffic control ------------------------------------------------------------------

    @property
    def stats(self) -> SimulatorStats:
        """A snapshot of the counters since the last reset."""
        return self._stats.snapshot()

    @property
    def recorder(self) -> StatsRecorder:
        return self._stats

    def reset_stats(self) -> None:
        self._stats.reset()

    def set_rate_limit(self, requests: int | None, per_seconds: float = 1.0) -> None:
        """Allow ``requests`` per ``per_seconds`` from now on (``None``: no limit)."""
        self.gate.configure(None if requests is None else (requests, per_seconds))

    def fail_next(self, count: int, status: int = 503, *,
                  retry_after: float | None = 1.0) -> None:
        """Answer the next ``count`` requests with ``status``, whatever they ask.

        ``Retry-After`` is ``retry_after`` seconds (``retry_after_seconds`` when that is
        set); ``None`` sends none, for testing a client's own backoff.
        """
        if count <= 0:
            return
        if self.retry_after_seconds is not None and retry_after is not None:
            retry_after = self.retry_after_seconds
        self.faults.add(count, Fault(status=status, retry_after=retry_after))

    def serve_html_next(self, count: int = 1, status: int = 502) -> None:
        """Answer the next ``count`` requests with a proxy's HTML error page."""
        self.faults.add(count, Fault(status=status, retry_after=None, html=True))

    # -- data -----------------------------------------------------------------------------

    def upsert_issue(self, raw_issue: dict[str, Any]) -> None:
        """Add or replace a raw issue (for incremental-sync tests); a copy is kept."""
        self.store.upsert(json.loads(json.dumps(raw_issue)))

    def set_status(self, key: str, status_name: str, at: datetime) -> None:
        """Move ``key`` to ``status_name`` at ``at``: a new history; ``updated`` becomes ``at``.

        Moving into a done status sets ``resolutiondate``; moving out of one clears it.
        """
        self.store.set_status(key, status_name, at)

    def delete_issue(self, key: str) -> None:
        """Remove an issue, as when someone deletes it in JIRA (unknown keys are ignored)."""
        self.store.delete(key)


def _cut_for(flavor: str, changelog_cut: int | None) -> int | None:
    if changelog_cut == FLAVOR_DEFAULT:
        return CLOUD_CHANGELOG_CUT if flavor == "cloud" else None
    return changelog_cut


def _demo_if_none(issues: list[dict[str, Any]] | None,
                  clock: Callable[[], datetime]) -> list[dict[str, Any]]:
    if issues is not None:
        return issues
    # Imported here: only demo mode pays for the generator's import.
    from data.simulator.demo_data import generate_demo_issues  # noqa: PLC0415

    return generate_demo_issues(anchor=clock())
