"""Which Dash background-callback manager runs the dashboard's long callbacks.

Terms:

- *manager*: Dash's ``DiskcacheManager`` or ``CeleryManager``; it runs callbacks
  declared with ``background=True`` outside the web request and keeps their progress
  and results.
- *single-process mode* (``REDIS_URL`` unset): a ``DiskcacheManager`` on
  ``<cache_dir>/background`` whose jobs start in clean processes from a job server,
  never as forks of the threaded web server
  (:class:`callbacks.job_process.CleanProcessDiskcacheManager`, which says why).
- *team mode* (``REDIS_URL`` set): a ``CeleryManager`` (that reads a job's late
  result, see ``callbacks.job_process``) on the one Celery app of this process, whose
  broker and result backend are both that Redis. Jobs run on Celery workers started
  with ``celery -A celery_app worker``; the worker imports
  ``celery_app``, which builds the same Dash app, so every background callback is
  registered as a Celery task under the same name (Dash names the task after a hash
  of the callback's source and ids) in the web processes and in the workers.

A Celery worker builds the app without the start-up prefetch thread
(:func:`wants_start_up`; the reason is in ``celery_app``).

Managers are cached per directory / URL: Dash keeps every manager ever created in a
class-level list and registers every background callback with each of them, so
creating one per app build would pile up duplicates.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import diskcache
from celery import Celery
from dash import CeleryManager, DiskcacheManager

from callbacks.job_process import CleanProcessDiskcacheManager, job_result_key
from configuration.errors import ConfigError
from configuration.private_files import private_dir, restrict_tree
from data.scale.connection import redis_url

CELERY_APP_NAME = "jira_delivery_metrics"
# A job whose result nobody collected within a day is garbage; Dash reads results
# within seconds of completion.
RESULT_EXPIRES_SECONDS = 24 * 3600
START_UP_VARIABLE = "DASHBOARD_START_UP"


def background_manager(
    cache_dir: Path, env: Mapping[str, str] | None = None
) -> DiskcacheManager | CeleryManager:
    """``CeleryManager`` when ``REDIS_URL`` is set, else ``DiskcacheManager``."""
    url = redis_url(env)
    if url is None:
        return _diskcache_manager(str(Path(cache_dir) / "background"))
    return _celery_manager(url)


@lru_cache(maxsize=4)
def celery_app(url: str) -> Celery:
    """The one Celery app of this process for the Redis at ``url``.

    JSON only (Dash's job arguments and results are JSON), one task prefetched at a
    time because a fetch can run for minutes, and early acknowledgement (Celery's
    default): a worker killed mid-fetch loses that job instead of having it redelivered
    to another worker; the single-flight progress reports the failure and the user's
    next refresh starts a fresh fetch.
    """
    app = Celery(CELERY_APP_NAME, broker=url, backend=url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=RESULT_EXPIRES_SECONDS,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


@lru_cache(maxsize=4)
def _diskcache_manager(directory: str) -> DiskcacheManager:
    # diskcache unpickles what it reads (CVE-2025-69872): whoever could write this
    # directory would run code in the dashboard, so only our user may (0700, 0600).
    private_dir(Path(directory))
    cache = diskcache.Cache(directory)
    restrict_tree(Path(directory))  # cache.db; sqlite gives its -wal/-shm the same mode
    return CleanProcessDiskcacheManager(cache)


class LateResultCeleryManager(CeleryManager):
    """``CeleryManager`` that never takes a finished job with an unread result for a
    cancelled one (*late result*, see ``callbacks.job_process``)."""

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> str:
        job = super().call_job_fn(key, job_fn, args, context)
        # The backend's own ``set`` calls redis-py's deprecated ``setex``.
        self.handle.backend.client.set(job_result_key(job), key, ex=RESULT_EXPIRES_SECONDS)
        return job

    def job_running(self, job: Any) -> bool:
        if super().job_running(job):
            return True
        key = self.handle.backend.client.get(job_result_key(job)) if job else None
        if isinstance(key, bytes):
            key = key.decode()
        return key is not None and self.result_ready(key)


@lru_cache(maxsize=4)
def _celery_manager(url: str) -> CeleryManager:
    return LateResultCeleryManager(celery_app(url))


def in_celery_worker(argv: Sequence[str] | None = None) -> bool:
    """Whether ``argv`` (default: this process's) is a ``celery ... worker`` command."""
    argv = sys.argv if argv is None else argv
    if not argv:
        return False
    program = Path(argv[0])
    # ``celery`` (the console script) or ``python -m celery`` (argv[0] is
    # .../celery/__main__.py); ``worker`` is a sub-command, so it is an argument.
    is_celery = program.name == "celery" or program.parent.name == "celery"
    return is_celery and "worker" in argv[1:]


def wants_start_up(env: Mapping[str, str] | None = None,
                   argv: Sequence[str] | None = None) -> bool:
    """Start the prefetch thread? ``DASHBOARD_START_UP`` if set, else not in a worker."""
    env = os.environ if env is None else env
    choice = env.get(START_UP_VARIABLE, "").strip()
    if choice in ("0", "1"):
        return choice == "1"
    if choice:
        raise ConfigError("must be 0 or 1.", key=START_UP_VARIABLE)
    return not in_celery_worker(argv)
