"""Where team mode finds Redis: the ``REDIS_URL`` environment variable.

Terms:

- *Redis URL*: ``redis://[:password@]host:port/db`` (or ``rediss://`` for TLS), as
  understood by redis-py's ``Redis.from_url``. It may hold a password, so it is never
  logged or put into an error message.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from configuration.errors import CacheError

if TYPE_CHECKING:  # imported on use, so that single-process commands never load redis
    import redis

log = logging.getLogger(__name__)

REDIS_URL_VARIABLE = "REDIS_URL"


def redis_url(env: Mapping[str, str] | None = None) -> str | None:
    """The configured Redis URL, or None when team mode is off (unset or blank)."""
    value = (os.environ if env is None else env).get(REDIS_URL_VARIABLE, "").strip()
    return value or None


@lru_cache(maxsize=8)
def connect(url: str) -> redis.Redis:
    """One client (and connection pool) per URL and process.

    redis-py's pool notices a fork and opens fresh sockets in the child, so the cached
    client is safe under gunicorn's and Celery's pre-fork workers. Replies are decoded
    to ``str`` because every value stored here is text.
    """
    return redis_module().Redis.from_url(
        url, decode_responses=True, socket_connect_timeout=5, health_check_interval=30
    )


def redis_module() -> Any:
    """redis-py, imported on first use: only team mode needs it, and importing it
    costs the command line (``metrics``, ``fetch``) a tenth of a second."""
    return importlib.import_module("redis")


UNREACHABLE_MESSAGE = (
    "The shared store (Redis) cannot be reached; check REDIS_URL and that Redis is running."
)


@contextlib.contextmanager
def redis_errors() -> Iterator[None]:
    """Turn any Redis failure into the user-facing ``CacheError`` (no URL, no password)."""
    errors = redis_module().RedisError
    try:
        yield
    except errors as exc:
        log.warning("Redis failed: %s", type(exc).__name__)
        raise CacheError(UNREACHABLE_MESSAGE) from exc
