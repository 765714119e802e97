"""The shared token bucket against a real redis-server, across real processes."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis

from configuration.settings import JiraSettings, RateLimit
from data.scale.redis_bucket import RedisTokenBucket, bucket_key

pytestmark = pytest.mark.redis

KEY = "jdm:bucket:test"


class RecordingSleep:
    """A sleep that records what it was asked and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _bucket(url: str, capacity: int, per_seconds: float, **kwargs: object) -> RedisTokenBucket:
    return RedisTokenBucket(redis.Redis.from_url(url), KEY, capacity, per_seconds, **kwargs)


def test_full_bucket_lets_a_burst_through_then_reserves_debt(redis_url: str) -> None:
    sleep = RecordingSleep()
    bucket = _bucket(redis_url, 2, 10.0, sleep=sleep)  # refills 0.2 tokens per second
    assert bucket.acquire() == 0.0
    assert bucket.acquire() == 0.0
    assert bucket.acquire() == pytest.approx(5.0, abs=0.1)
    assert bucket.acquire() == pytest.approx(10.0, abs=0.1)
    assert bucket.available() == pytest.approx(-2.0, abs=0.05)


def test_two_objects_on_one_key_share_the_budget(redis_url: str) -> None:
    first, second = _bucket(redis_url, 3, 30.0), _bucket(redis_url, 3, 30.0)
    for _ in range(3):
        first.acquire()
    assert second.available() == pytest.approx(0.0, abs=0.05)


def test_pause_empties_the_bucket_and_reports_the_time_left(redis_url: str) -> None:
    now = 1000.0
    bucket = _bucket(redis_url, 5, 1.0, clock=lambda: now)
    bucket.pause_until(now + 30.0)
    assert bucket.available() < 0.05  # emptied; only what refilled since then is back
    assert bucket.paused_for() == pytest.approx(30.0, abs=0.1)
    bucket.pause_until(now + 1.0)  # an earlier deadline never shortens a pause
    assert bucket.paused_for() == pytest.approx(30.0, abs=0.1)


def test_script_is_reloaded_after_the_server_forgets_it(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    bucket = RedisTokenBucket(client, KEY, 5, 1.0)
    bucket.acquire()
    client.script_flush()
    assert bucket.acquire() == 0.0
    assert bucket.available() == pytest.approx(3.0, abs=0.1)


def test_more_tokens_than_capacity_is_refused(redis_url: str) -> None:
    with pytest.raises(ValueError, match="cannot take 3"):
        _bucket(redis_url, 2, 1.0).acquire(3)


@pytest.mark.parametrize(
    ("url_a", "url_b", "same"),
    [
        ("https://acme.atlassian.net", "https://acme.atlassian.net/", True),
        ("https://acme.atlassian.net", "https://ACME.atlassian.net", True),
        ("https://acme.atlassian.net", "https://other.atlassian.net", False),
    ],
)
def test_bucket_key_is_one_per_site_and_hides_the_url(url_a: str, url_b: str, same: bool) -> None:
    assert (bucket_key(url_a) == bucket_key(url_b)) is same
    assert "acme" not in bucket_key(url_a)


def test_for_jira_keeps_the_rate_with_one_token_of_headroom(redis_url: str) -> None:
    jira = JiraSettings(url="https://acme.atlassian.net", rate_limit=RateLimit(7, 2.0))
    bucket = RedisTokenBucket.for_jira(redis.Redis.from_url(redis_url), jira)
    assert bucket.capacity == 6
    assert bucket.capacity / bucket.per_seconds == pytest.approx(7 / 2.0)
    assert bucket.key == bucket_key("https://acme.atlassian.net")


# --- across processes -----------------------------------------------------------------


def _acquire_many(url: str, limit: tuple[int, float], count: int, gun, out) -> None:
    ready, start = gun  # each process says it is ready, then all wait for the start
    bucket = _bucket(url, *limit)
    bucket.paused_for()  # connected and the script loaded: ready for the gun
    ready.release()
    start.wait()
    spans = []
    for _ in range(count):
        before = time.time()
        waited = bucket.acquire()
        spans.append((before + waited, time.time()))
    out.put(spans)


def _excess_over_limit(spans: list[tuple[float, float]], capacity: int, rate: float) -> float:
    """The most requests any set of consecutive grants holds beyond ``capacity + rate *
    width``, with each grant known only within ``(earliest, latest)``.

    A grant happened no earlier than the stamp before its acquire plus the wait it was
    told (the reservation was made after that stamp) and no later than the stamp after
    it. Measuring each set over its widest possible width makes the check looser, never
    stricter, when the machine is slow to take a stamp: load cannot fail it.
    """
    spans = sorted(spans, key=lambda span: span[1])
    worst = float("-inf")
    for i in range(len(spans)):
        earliest = spans[i][0]
        for j in range(i, len(spans)):
            earliest = min(earliest, spans[j][0])
            worst = max(worst, (j - i + 1) - (capacity + rate * (spans[j][1] - earliest)))
    return worst


def test_the_limit_check_tells_a_shared_budget_from_three_separate_ones():
    """The check itself: 10 at once then 20 per second passes; three buckets of 10 at once
    (30 grants in the same instant) exceed the limit by 20."""
    paced = [(0.0, 0.001)] * 10 + [(n / 20, n / 20 + 0.001) for n in range(1, 36)]
    assert _excess_over_limit(paced, 10, 20.0) <= 0.05
    separate = [(0.0, 0.001)] * 30
    assert _excess_over_limit(separate, 10, 20.0) == pytest.approx(20.0, abs=0.05)


def test_three_processes_together_stay_within_the_limit(redis_url: str) -> None:
    capacity, per_seconds, each = 10, 0.5, 15  # 20 requests/s; 45 requests need >= 1.75 s
    ctx = multiprocessing.get_context("spawn")
    ready, start, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    args = (redis_url, (capacity, per_seconds), each, (ready, start), out)
    workers = [ctx.Process(target=_acquire_many, args=args) for _ in range(3)]
    for worker in workers:
        worker.start()
    for _ in workers:  # every process imported and connected before the gun
        assert ready.acquire(timeout=60)
    began = time.time()
    start.set()
    spans = [span for _ in workers for span in out.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=10)
    assert len(spans) == 45
    # One token of slack for Redis's clock against this one (same machine, not the same call).
    assert _excess_over_limit(spans, capacity, capacity / per_seconds) <= 1.0
    assert max(latest for _, latest in spans) - began >= (45 - capacity) / (
        capacity / per_seconds) - 0.05


def _pause(url: str, seconds: float, done) -> None:
    bucket = _bucket(url, 100, 1.0)
    bucket.pause_until(time.monotonic() + seconds)
    done.set()


class Woken(Exception):
    """Raised by :class:`SleepOnce` instead of a second sleep."""


class SleepOnce(RecordingSleep):
    """Records the first wait and ends the acquire there, instead of sleeping it out."""

    def __call__(self, seconds: float) -> None:
        super().__call__(seconds)
        raise Woken


def test_a_pause_set_by_one_process_holds_every_other_process(redis_url: str) -> None:
    """Rule: a pause lives in Redis, so a process that never got the 429 waits for it
    too. The pause is long (60 s) and this process only records the wait it is asked
    for, so the check holds however long spawning the other process took."""
    ctx = multiprocessing.get_context("spawn")
    done = ctx.Event()
    pauser = ctx.Process(target=_pause, args=(redis_url, 60.0, done))
    pauser.start()
    assert done.wait(timeout=30)
    pauser.join(timeout=10)
    sleep = SleepOnce()
    bucket = _bucket(redis_url, 100, 1.0, sleep=sleep)
    left = bucket.paused_for()
    with pytest.raises(Woken):
        bucket.acquire()
    assert 0.0 < sleep.calls[0] <= left <= 60.0
    assert left > 20.0  # most of the pause is still ahead: it was set for this key


@pytest.mark.parametrize(("capacity", "per_seconds"), [(0, 1.0), (1, 0.0)])
def test_the_shared_bucket_has_the_same_size_rules(
    redis_url: str, capacity: int, per_seconds: float
) -> None:
    with pytest.raises(ValueError, match="capacity"):
        _bucket(redis_url, capacity, per_seconds)


def test_the_shared_bucket_refuses_more_than_capacity_and_names_itself(redis_url: str) -> None:
    bucket = _bucket(redis_url, 2, 1.0)
    with pytest.raises(ValueError, match="cannot take 3"):
        bucket.acquire(3)
    assert repr(bucket) == "RedisTokenBucket(capacity=2, per_seconds=1.0)"
