"""Build the dashboard: the Dash app, its shell layout and every callback.

``create_app(settings_path)`` is what ``python app.py`` serves. With no settings
file it starts in *demo mode* (see :mod:`callbacks.runtime`): the JIRA simulator
runs in-process and the first page load fetches its issues through the real
client and cache. The layout is a function, so every page load reflects the
current settings (demo badge, default period, whether a first fetch is needed)
and carries a fresh *page load id* (see :mod:`callbacks.fetch`).

*Start-up prefetch*: a thread that fills an empty cache without waiting for a
browser; in single-process mode the job server of the background fetches
(:mod:`callbacks.job_process`) starts with it. ``start_up=False`` skips both;
``celery_app`` passes that inside a Celery worker, whose main process must not
start threads before it forks its pool (the web processes fill the cache anyway).

Every web request first calls :meth:`Runtime.refresh_settings` (one ``stat``), so a
settings file saved by another process is in use from the next request on.
"""

from __future__ import annotations

import atexit
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import dash
from dash import dcc
from dash.development.base_component import Component

from callbacks import (
    compare,
    fetch,
    forecast_scope,
    pages,
    segments,
    settings,
    settings_profiles,
    shell,
)
from callbacks.access import protect
from callbacks.background import background_manager
from callbacks.job_process import CleanProcessDiskcacheManager
from callbacks.runtime import Runtime, utc_now
from configuration.access import AccessPolicy
from configuration.errors import DashboardError
from configuration.paths import CACHE_DIR, PROJECT_ROOT
from data.segments.options import filter_fields
from ui import ids
from ui.shell import layout as shell_layout

log = logging.getLogger(__name__)
ASSETS_DIR = PROJECT_ROOT / "assets"
TITLE = "Delivery Metrics"


def create_app(settings_path: Path, *, cache_dir: Path = CACHE_DIR,
               as_of_provider: Callable[[], datetime] | None = None,
               clock: Callable[[], datetime] = utc_now, start_up: bool = True,
               access: AccessPolicy | None = None) -> dash.Dash:
    """The dashboard for ``settings_path`` (demo mode when the file does not exist).

    ``start_up`` False: no start-up prefetch thread (Celery workers; see above).
    ``clock``: "now" (see :class:`callbacks.runtime.Runtime`).
    ``access``: the access policy (default: from the environment, see
    :func:`configuration.access.access_from_env`); applied here, where the WSGI app
    is built, so that no way of serving the app skips it.
    """
    runtime = Runtime(settings_path, cache_dir, as_of_provider=as_of_provider,
                      clock=clock).start()
    atexit.register(runtime.close)
    manager = background_manager(cache_dir)
    app = dash.Dash(__name__, title=TITLE, assets_folder=str(ASSETS_DIR),
                    background_callback_manager=manager,
                    suppress_callback_exceptions=True, update_title=None)
    # The page's language, for screen readers and the browser's spell and hyphen rules.
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.layout = lambda: page_layout(runtime)
    app.server.config["DASHBOARD_RUNTIME"] = runtime  # for tests and benchmarks
    protect(app, access)  # first: nobody unchecked reaches anything below
    app.server.before_request(lambda: _refresh(runtime))
    for module in (shell, pages, forecast_scope, fetch, settings, segments, compare,
                   settings_profiles):
        module.register(app, runtime)
    if start_up:
        if isinstance(manager, CleanProcessDiskcacheManager):
            manager.start_job_server()
        runtime.in_background(lambda: prefetch_and_warm(runtime), "start-up")
    # Dash prepares its registry of script paths on a process's first request and marks
    # it done before it is: in a threaded gunicorn worker that had not served the page
    # itself, the page's concurrent script requests found no registered library and got
    # 500s (a blank page). Prepared here, before any request.
    app._setup_server()
    return app


def _refresh(runtime: Runtime) -> None:
    # Returns None on purpose: anything else from a before_request hook would be
    # sent to the browser as the response.
    runtime.refresh_settings()


def prefetch_and_warm(runtime: Runtime) -> None:
    """Fill an empty cache (demo start) without waiting for a browser, then warm up.

    A page opened meanwhile still starts its own fetch; it waits for this one on the
    store's lock and then finds the cache fresh (no second download).
    """
    try:
        runtime.prefetch()
    except DashboardError as exc:  # the page's own fetch will show the message
        log.warning("First fetch failed: %s", exc)
        return
    pages.warm(runtime)


def page_layout(runtime: Runtime) -> list[Component]:
    return [shell_layout(default_days=runtime.settings.period_days, demo=runtime.demo,
                         problem=runtime.settings_problem, page_load_id=uuid.uuid4().hex,
                         filter_fields=filter_fields(runtime.settings),
                         profiles=tuple(runtime.profiles())),
            dcc.Store(id=ids.SETTINGS_JIRA_META)]
