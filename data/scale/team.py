"""The one switch: ``REDIS_URL`` set means team mode; these factories honour it.

Terms: see :mod:`data.scale`. The service facade calls these instead of reading the
environment itself, so single-process mode and team mode share one code path:

- ``shared_limiter(jira, cache_dir=...)``: the Redis-backed bucket in team mode; else,
  given a cache directory, the machine's file-backed bucket
  (``<cache_dir>/ratelimit/<digest of the JIRA URL>.json``), so that consecutive
  background jobs (each its own process) share one budget and one ``Retry-After``
  pause; else None (the JIRA client then builds its own in-process ``TokenBucket``).
- ``single_flight()``: ``RedisSingleFlight`` in team mode, else ``LocalSingleFlight``
  (every caller leads; the issue store's file lock serializes them).
- ``fetch_status(key)``: the shared view of a store key's latest fetch in team mode
  (``abandoned`` when its worker died), else None. A page can show it to the user
  whose own background job vanished with the worker.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path

from configuration.errors import ConfigError
from configuration.settings import JiraSettings
from data.jira.file_bucket import FileTokenBucket
from data.jira.token_bucket import SharedBucket
from data.scale.connection import connect, redis_url
from data.scale.single_flight import (
    FlightStatus,
    LocalSingleFlight,
    RedisSingleFlight,
    SingleFlight,
)

LOCK_SECONDS_VARIABLE = "FETCH_LOCK_SECONDS"
DEFAULT_LOCK_SECONDS = 30.0


def team_mode(env: Mapping[str, str] | None = None) -> bool:
    """True when ``REDIS_URL`` is set (and not blank)."""
    return redis_url(env) is not None


RATE_LIMIT_DIR = "ratelimit"


def shared_limiter(
    jira: JiraSettings,
    env: Mapping[str, str] | None = None,
    *,
    cache_dir: Path | None = None,
) -> SharedBucket | None:
    """The JIRA budget shared by every process: in Redis (team mode), else in a file
    under ``cache_dir`` (this machine's processes), else None (this client only)."""
    url = redis_url(env)
    if url:
        # imported here: only team mode loads redis-py
        buckets = importlib.import_module("data.scale.redis_bucket")
        return buckets.RedisTokenBucket.for_jira(connect(url), jira)
    if cache_dir is not None:
        return FileTokenBucket.for_jira(Path(cache_dir) / RATE_LIMIT_DIR, jira)
    return None


def single_flight(env: Mapping[str, str] | None = None) -> SingleFlight:
    """One fetch per store key across processes (team mode) or this process only.

    ``FETCH_LOCK_SECONDS`` (default 30) is how long a dead fetcher can hold its key:
    shorter notices a killed worker sooner, at the cost of more lock extensions.
    """
    env = os.environ if env is None else env
    url = redis_url(env)
    if url is None:
        return LocalSingleFlight()
    lock_seconds = env.get(LOCK_SECONDS_VARIABLE, "").strip()
    try:
        timeout = float(lock_seconds) if lock_seconds else DEFAULT_LOCK_SECONDS
    except ValueError:
        raise ConfigError("must be a number of seconds.", key=LOCK_SECONDS_VARIABLE) from None
    if timeout <= 0:
        raise ConfigError("must be a number of seconds.", key=LOCK_SECONDS_VARIABLE)
    return RedisSingleFlight(connect(url), lock_timeout=timeout)


def fetch_status(key: str, env: Mapping[str, str] | None = None) -> FlightStatus | None:
    """The latest fetch of store ``key`` as every process sees it; None without Redis."""
    url = redis_url(env)
    return RedisSingleFlight(connect(url)).status(key) if url else None
