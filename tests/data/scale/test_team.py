"""The REDIS_URL switch picks the shared or the local implementation."""

from __future__ import annotations

import pytest

from configuration.errors import CacheError, ConfigError
from configuration.settings import JiraSettings, RateLimit
from data.scale import connection
from data.scale.connection import UNREACHABLE_MESSAGE
from data.scale.redis_bucket import RedisTokenBucket
from data.scale.single_flight import LocalSingleFlight, RedisSingleFlight
from data.scale.team import fetch_status, shared_limiter, single_flight, team_mode


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, None), ({"REDIS_URL": "   "}, None), ({"REDIS_URL": "redis://h:1/0"}, "redis://h:1/0")],
)
def test_redis_url_is_read_from_the_environment(env: dict[str, str], expected: str | None) -> None:
    assert connection.redis_url(env) == expected
    assert team_mode(env) is (expected is not None)


def test_single_process_mode_uses_local_parts() -> None:
    assert shared_limiter(JiraSettings(), env={}) is None
    assert isinstance(single_flight(env={}), LocalSingleFlight)
    assert fetch_status("k", env={}) is None


@pytest.mark.redis
def test_team_mode_uses_redis_parts_that_work(redis_url: str) -> None:
    env = {"REDIS_URL": redis_url}
    jira = JiraSettings(url="https://acme.atlassian.net", rate_limit=RateLimit(4, 1.0))
    limiter = shared_limiter(jira, env)
    assert isinstance(limiter, RedisTokenBucket)
    assert limiter.acquire() == 0.0
    assert limiter.available() == pytest.approx(2.0, abs=0.1)  # 4 less one of headroom
    flights = single_flight(env)
    assert isinstance(flights, RedisSingleFlight)
    assert flights.lock_timeout == 30.0
    assert flights.run("k", lambda progress: 42, lambda: 0) == 42
    assert fetch_status("k", env).state == "done"
    assert fetch_status("never-fetched", env).state == "idle"
    quick = single_flight({**env, "FETCH_LOCK_SECONDS": "2.5"})
    assert isinstance(quick, RedisSingleFlight)
    assert quick.lock_timeout == 2.5


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
def test_bad_lock_seconds_is_a_config_error(value: str) -> None:
    env = {"REDIS_URL": "redis://127.0.0.1:1/0", "FETCH_LOCK_SECONDS": value}
    with pytest.raises(ConfigError, match="FETCH_LOCK_SECONDS: must be a number of seconds"):
        single_flight(env)


def test_unreachable_redis_is_one_clear_cache_error_without_the_url() -> None:
    from tests.conftest_redis import free_port

    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"  # nobody listens there
    env = {"REDIS_URL": url}
    limiter = shared_limiter(JiraSettings(url="https://acme.atlassian.net"), env)
    assert limiter is not None
    for attempt in (limiter.acquire, lambda: single_flight(env).run("k", lambda p: 1, int)):
        with pytest.raises(CacheError) as caught:
            attempt()
        assert str(caught.value) == UNREACHABLE_MESSAGE
        assert "hunter2" not in str(caught.value)
