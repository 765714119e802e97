"""gunicorn settings for serving the dashboard: ``gunicorn -c gunicorn.conf.py app:server``.

Terms:

- *bind*: ``GUNICORN_BIND`` (comma-separated, default ``127.0.0.1:8050``); ``-b`` on
  the command line overrides it. Any non-loopback bind needs access control
  (``DASH_USERS`` or ``TRUST_PROXY_AUTH=1``, see configuration/access.py); without it
  the master refuses to start before opening a socket, printing one line and exiting
  with status 2, as ``app.py serve`` does.
- *workers*: ``WEB_CONCURRENCY`` processes (default 2), each with ``GUNICORN_THREADS``
  threads (default 4): Dash pages make many small requests (layout, callbacks,
  background-job polls), so threads keep one slow callback from blocking the others.
"""

from __future__ import annotations

import os
import sys

from configuration.access import bind_host, decide_access
from configuration.errors import ConfigError

bind = [part for part in os.environ.get("GUNICORN_BIND", "127.0.0.1:8050").split(",") if part]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Fetches run on Celery workers, so a web request never needs long; 60 s covers a
# cold metrics computation on a large store.
timeout = 60
graceful_timeout = 30
# Each worker imports the app itself (no preload): nothing opened at import time
# (Redis pools, diskcache handles) is shared across a fork.
preload_app = False
accesslog = "-"
# gunicorn's control socket lives at one default path per user, so two instances on
# one machine would fight over it; the dashboard never uses gunicornc.
control_socket_disable = True


def on_starting(server: object) -> None:
    """Refuse to start when a bind address is exposed without access control."""
    hosts = [bind_host(address) for address in server.cfg.bind]  # type: ignore[attr-defined]
    try:
        decide_access(hosts, os.environ)
    except ConfigError as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        sys.exit(2)
