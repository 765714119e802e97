"""Team-mode entry module: what the Celery worker (and gunicorn, via app.py) imports.

    celery -A celery_app worker --loglevel=INFO --concurrency=2

Terms:

- *worker discovery*: Dash's ``CeleryManager`` turns each ``background=True`` callback
  into a Celery task named after a hash of the callback's source and ids, registered
  when the callback is declared. A worker therefore has to build the very same Dash
  app: importing this module does that (``dash_app``), with the settings file named
  by ``DASHBOARD_SETTINGS`` (default: ``settings.json`` in the project root) and the
  cache directory named by ``DASHBOARD_CACHE_DIR`` (default: ``cache/``), and exposes
  the Celery app those tasks were registered on as ``celery``, the attribute that
  ``celery -A`` looks for.
- *server*: the Flask server of the same app, for WSGI servers (``app:server``).

- *in a worker*: this process was started as ``celery ... worker`` (its command
  line: the program is ``celery`` or ``python -m celery``, and ``worker`` is among
  the arguments). The app is then built with ``start_up=False``: the start-up
  prefetch is a thread, and a thread started in the worker's main process before it
  forks its pool leaves the pool processes with a half-copied thread and locks. The
  web processes fill an empty cache themselves, so a worker needs no prefetch.
  ``DASHBOARD_START_UP=0`` or ``1`` overrides the guess (e.g. a worker started
  through another launcher); see ``callbacks.background.wants_start_up``.

The access policy comes from the environment (``DASH_USERS``, ``TRUST_PROXY_AUTH``,
...; see configuration/access.py) and is applied by ``create_app``. Refusing an
exposed bind address at start happens where the address is known (``app.py serve``
and ``gunicorn.conf.py``); without either, the app itself refuses every request that
arrives on a non-loopback socket (callbacks/http_guard.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from callbacks.app_factory import create_app
from callbacks.background import celery_app as _celery_app
from callbacks.background import wants_start_up
from configuration.access import access_from_env
from configuration.errors import ConfigError
from configuration.paths import DEFAULT_SETTINGS_PATH, cache_dir
from configuration.private_files import use_private_umask
from data.scale.connection import redis_url

SETTINGS_VARIABLE = "DASHBOARD_SETTINGS"


def settings_path(env: Mapping[str, str] | None = None) -> Path:
    """The settings file the web and worker processes share."""
    env = os.environ if env is None else env
    return Path(env.get(SETTINGS_VARIABLE) or DEFAULT_SETTINGS_PATH)


def build_dash_app(env: Mapping[str, str] | None = None,
                   argv: Sequence[str] | None = None) -> Any:
    """The dashboard as every team-mode process builds it: same callbacks, same login."""
    env = os.environ if env is None else env
    path = settings_path(env)
    if redis_url(env) and not path.is_file():
        # Demo mode starts a simulator inside each process: every worker would see a
        # different JIRA, so team mode needs one real settings file for all of them.
        raise ConfigError(
            f"Team mode (REDIS_URL set) needs a settings file; {path} does not exist.",
            key=SETTINGS_VARIABLE,
        )
    return create_app(path, cache_dir=cache_dir(env), start_up=wants_start_up(env, argv),
                      access=access_from_env(env))


use_private_umask()  # web and worker processes: cache and logs readable by us only
dash_app = build_dash_app()
server = dash_app.server


def __getattr__(name: str) -> Any:
    """``celery``: the Celery app of ``REDIS_URL`` (only team mode has one)."""
    if name != "celery":
        raise AttributeError(name)
    url = redis_url()
    if url is None:
        raise ConfigError(
            "is not set; Celery workers are only used in team mode.", key="REDIS_URL"
        )
    return _celery_app(url)
