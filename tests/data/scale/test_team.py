"""The REDIS_URL switch picks the shared or the local implementation; without Redis,
the machine's file-backed bucket keeps consecutive fetches within one budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from configuration.errors import CacheError, ConfigError
from configuration.settings import JiraSettings, RateLimit, Settings
from data.jira.client import JiraClient
from data.jira.file_bucket import FileTokenBucket, state_file_name
from data.scale import connection
from data.scale.connection import UNREACHABLE_MESSAGE
from data.scale.redis_bucket import RedisTokenBucket
from data.scale.single_flight import LocalSingleFlight, RedisSingleFlight
from data.scale.team import fetch_status, shared_limiter, single_flight, team_mode
from data.service import ClientFactory, load_frames
from data.simulator.server import JiraSimulator
from tests.data.cache import conftest as cache_fixtures
from tests.data.cache.conftest import NOW, with_jira

# The cache tests' project on a simulator (pytest finds fixtures by module attribute).
simulator = cache_fixtures.simulator
settings = cache_fixtures.settings


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
    limiter = shared_limiter(jira, env, cache_dir=Path("unused"))
    assert isinstance(limiter, RedisTokenBucket)  # Redis wins over the cache directory
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


def test_single_process_mode_with_a_cache_dir_shares_a_file_bucket(tmp_path: Path) -> None:
    jira = JiraSettings(url="https://acme.atlassian.net", rate_limit=RateLimit(4, 1.0))
    limiter = shared_limiter(jira, env={}, cache_dir=tmp_path)
    assert isinstance(limiter, FileTokenBucket)
    assert limiter.path == tmp_path / "ratelimit" / state_file_name(jira.url)
    assert (limiter.capacity, limiter.per_seconds) == (3, pytest.approx(0.75))
    assert limiter.acquire() == 0.0
    again = shared_limiter(jira, env={}, cache_dir=tmp_path)  # the next job's
    assert again is not None
    assert again.available() == pytest.approx(2.0, abs=0.1)


# A full fetch of the cache tests' project takes 5 requests; the server allows a burst
# of 4 and 2 per second afterwards, so a fresh client's burst of 3 right after another
# fetch finds the server's bucket nearly empty.
SERVER_LIMIT = (4, 2.0)


def _two_full_fetches(settings: Settings, simulator: JiraSimulator, cache_dir: Path,
                      client_factory: ClientFactory = JiraClient) -> None:
    simulator.set_rate_limit(*SERVER_LIMIT)
    tight = with_jira(settings, rate_limit=RateLimit(*SERVER_LIMIT))
    for _ in range(2):
        synced = load_frames(tight, full=True, cache_dir=cache_dir, now=NOW,
                             client_factory=client_factory)
        assert synced.mode == "full"


def test_consecutive_fetches_share_the_budget_and_see_no_429(
    settings: Settings, simulator: JiraSimulator, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    _two_full_fetches(settings, simulator, tmp_path / "cache")
    assert simulator.stats.requests >= 2 * (SERVER_LIMIT[0] + 1)
    assert simulator.stats.rate_limited == 0
    assert list((tmp_path / "cache" / "ratelimit").glob("*.json"))


def test_without_the_shared_bucket_the_second_fetch_earns_a_429(
    settings: Settings, simulator: JiraSimulator, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The counterfactual: the setup above really needs the shared budget."""
    monkeypatch.delenv("REDIS_URL", raising=False)

    def own_bucket_each(jira: JiraSettings, **_shared: object) -> JiraClient:
        return JiraClient(jira)

    _two_full_fetches(settings, simulator, tmp_path / "cache", own_bucket_each)
    assert simulator.stats.rate_limited >= 1
