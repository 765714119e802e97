"""The token bucket: bursts, refill, debt reservations, pauses, threads, real time."""

from __future__ import annotations

import threading
import time

import pytest

from data.jira.token_bucket import RateLimiter, TokenBucket
from tests.data.jira.fakes import FakeClock


def _bucket(capacity: int, per_seconds: float) -> tuple[TokenBucket, FakeClock]:
    clock = FakeClock()
    return TokenBucket(capacity, per_seconds, clock=clock, sleep=clock.sleep), clock


def test_is_a_rate_limiter() -> None:
    assert isinstance(TokenBucket(1, 1.0), RateLimiter)


def test_full_bucket_lets_a_burst_of_capacity_through_without_waiting() -> None:
    bucket, clock = _bucket(5, 10.0)
    assert [bucket.acquire() for _ in range(5)] == [0.0] * 5
    assert clock.sleeps == []
    assert bucket.available() == pytest.approx(0.0)


def test_beyond_the_burst_each_token_waits_one_refill_interval() -> None:
    bucket, clock = _bucket(5, 10.0)  # one token every 2 s
    for _ in range(5):
        bucket.acquire()
    waits = [bucket.acquire() for _ in range(3)]
    assert waits == pytest.approx([2.0, 2.0, 2.0])
    assert clock.sleeps == pytest.approx([2.0, 2.0, 2.0])


def test_a_burst_never_exceeds_the_limit_in_any_window() -> None:
    """Over 1,000 acquisitions, no window of per_seconds holds more than 2 x capacity
    (the full start burst plus one window's refill), and after the burst the rate is
    exactly capacity per per_seconds."""
    bucket, clock = _bucket(10, 1.0)
    times = []
    for _ in range(1000):
        bucket.acquire()
        times.append(clock.now)
    steady = times[10:]
    elapsed = steady[-1] - steady[0]
    assert (len(steady) - 1) / elapsed == pytest.approx(10.0)
    for i, t in enumerate(times):
        in_window = sum(1 for u in times[i:] if u < t + 1.0)
        assert in_window <= 20


def test_tokens_refill_with_time_up_to_capacity() -> None:
    bucket, clock = _bucket(4, 4.0)
    for _ in range(4):
        bucket.acquire()
    clock.now += 2.5
    assert bucket.available() == pytest.approx(2.5)
    clock.now += 100.0
    assert bucket.available() == pytest.approx(4.0)


def test_pause_makes_the_next_acquire_wait_until_the_deadline() -> None:
    bucket, clock = _bucket(10, 1.0)
    bucket.pause_until(clock.now + 7.5)
    assert bucket.acquire() == pytest.approx(7.5)
    assert clock.sleeps == pytest.approx([7.5])


def test_pause_empties_the_bucket_so_the_end_is_no_burst() -> None:
    bucket, clock = _bucket(10, 10.0)  # one token per second
    bucket.pause_until(clock.now + 3.0)
    waits = [bucket.acquire() for _ in range(5)]
    # three tokens refilled during the pause (not the ten it held), then one per second
    assert waits == pytest.approx([3.0, 0.0, 0.0, 1.0, 1.0])


def test_an_earlier_deadline_never_shortens_a_pause() -> None:
    bucket, clock = _bucket(10, 1.0)
    bucket.pause_until(clock.now + 5.0)
    bucket.pause_until(clock.now + 1.0)
    assert bucket.acquire() == pytest.approx(5.0)


def test_a_pause_that_starts_while_waiting_extends_the_wait() -> None:
    clock = FakeClock()
    holder: list[TokenBucket] = []

    def sleep_and_get_paused(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:  # another thread got a 429 while we slept
            holder[0].pause_until(clock.now + 4.0)

    bucket = TokenBucket(1, 2.0, clock=clock, sleep=sleep_and_get_paused)
    holder.append(bucket)
    bucket.acquire()
    assert bucket.acquire() == pytest.approx(6.0)
    assert clock.sleeps == pytest.approx([2.0, 4.0])


@pytest.mark.parametrize(
    ("capacity", "per_seconds"),
    [(0, 1.0), (1, 0.0), (1, -1.0)],
)
def test_invalid_configuration_is_rejected(capacity: int, per_seconds: float) -> None:
    with pytest.raises(ValueError, match="capacity"):
        TokenBucket(capacity, per_seconds)


def test_cannot_take_more_than_capacity_at_once() -> None:
    with pytest.raises(ValueError, match="cannot take 3"):
        TokenBucket(2, 1.0).acquire(3)


def test_repr_names_the_bucket_and_its_size() -> None:
    assert repr(TokenBucket(2, 1.0)) == "TokenBucket(capacity=2, per_seconds=1.0)"


def test_real_time_burst_stays_within_the_limit_across_threads() -> None:
    """4 threads take 3 tokens each from a bucket of 4 per 0.4 s (10/s): the first 4
    go at once, the other 8 take at least 0.8 s, and the lock is never held while
    sleeping (otherwise the waits would add up far beyond that)."""
    bucket = TokenBucket(4, 0.4)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            bucket.acquire()
            with lock:
                stamps.append(time.monotonic())

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    offsets = sorted(s - start for s in stamps)
    assert len(offsets) == 12
    assert offsets[3] < 0.05  # the burst
    assert offsets[-1] >= 0.8 - 0.01  # 8 more tokens at 10 per second
    assert offsets[-1] < 1.5
    for i, t in enumerate(offsets):  # never more than burst + refill in any 0.4 s
        assert sum(1 for u in offsets[i:] if u < t + 0.4) <= 4 + 4 + 1
