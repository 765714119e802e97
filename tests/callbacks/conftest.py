"""Fixtures of the callback tests: the private Redis for team-mode tests."""

from __future__ import annotations

from tests.conftest_redis import redis_server, redis_url  # noqa: F401 (fixtures)
