"""Every test here talks to a private redis-server (see tests/conftest_redis.py)."""

from __future__ import annotations

from tests.conftest_redis import redis_server, redis_url  # noqa: F401 (pytest fixtures)
