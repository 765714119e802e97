"""The one switch: ``REDIS_URL`` set means team mode; these factories honour it.

Terms: see :mod:`data.scale`. The service facade calls these instead of reading the
environment itself, so single-process mode and team mode share one code path:

- ``shared_limiter(jira)``: the Redis-backed bucket in team mode, else None (the
  JIRA client then builds its own in-process ``TokenBucket``).
- ``single_flight()``: ``RedisSingleFlight`` in team mode, else ``LocalSingleFlight``
  (every caller leads; the issue store's file lock serializes them).
"""

from __future__ import annotations

from collections.abc import Mapping

from configuration.settings import JiraSettings
from data.scale.connection import connect, redis_url
from data.scale.redis_bucket import RedisTokenBucket
from data.scale.single_flight import LocalSingleFlight, RedisSingleFlight, SingleFlight


def team_mode(env: Mapping[str, str] | None = None) -> bool:
    """True when ``REDIS_URL`` is set (and not blank)."""
    return redis_url(env) is not None


def shared_limiter(
    jira: JiraSettings, env: Mapping[str, str] | None = None
) -> RedisTokenBucket | None:
    """The JIRA budget shared by every process, or None in single-process mode."""
    url = redis_url(env)
    return RedisTokenBucket.for_jira(connect(url), jira) if url else None


def single_flight(env: Mapping[str, str] | None = None) -> SingleFlight:
    """One fetch per store key across processes (team mode) or this process only."""
    url = redis_url(env)
    return RedisSingleFlight(connect(url)) if url else LocalSingleFlight()
