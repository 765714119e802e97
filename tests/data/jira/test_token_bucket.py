"""The token bucket: bursts, refill, debt reservations, pauses, threads, real time."""

from __future__ import annotations

import threading

import pytest

from data.jira.token_bucket import BucketStep, RateLimiter, SharedBucket, TokenBucket, with_headroom
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
    with pytest.raises(ValueError, match=r"^a token bucket needs capacity >= 1 and "
                                         r"per_seconds > 0$"):
        TokenBucket(capacity, per_seconds)


def test_cannot_take_more_than_capacity_at_once() -> None:
    with pytest.raises(ValueError, match="cannot take 3"):
        TokenBucket(2, 1.0).acquire(3)


def test_repr_names_the_bucket_and_its_size() -> None:
    assert repr(TokenBucket(2, 1.0)) == "TokenBucket(capacity=2, per_seconds=1.0)"


def test_threads_reserve_first_come_first_served_without_losing_a_token() -> None:
    """Rule: every reservation is made under the lock, so 4 threads taking 3 tokens each
    from a bucket of 4 per 0.4 s (10/s) get exactly the schedule one thread would: 4 at
    once, then one every 0.1 s. Time stands still (the fake sleep does not advance the
    clock), so each wait is the reservation itself, whatever the machine's load."""
    clock = FakeClock()
    sleeps: list[float] = []
    bucket = TokenBucket(4, 0.4, clock=clock, sleep=sleeps.append)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            waited = bucket.acquire()
            with lock:
                waits.append(waited)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([0.0] * 4 + [0.1 * n for n in range(1, 9)])
    assert sorted(sleeps) == pytest.approx([0.1 * n for n in range(1, 9)])


def test_the_lock_is_not_held_while_sleeping() -> None:
    """Rule: a thread waiting for its tokens holds no lock, so another thread can reserve
    meanwhile. A sleeps (blocked until B is done); B must get its reservation, which
    queues behind A's, while A is still asleep."""
    clock = FakeClock()
    a_asleep, b_done = threading.Event(), threading.Event()

    def sleep(seconds: float) -> None:
        if threading.current_thread().name == "A":
            a_asleep.set()
            b_done.wait(timeout=30)  # a held lock would keep B out until this times out
        clock.sleep(seconds)

    bucket = TokenBucket(1, 1.0, clock=clock, sleep=sleep)
    waits: dict[str, float] = {}
    b_finished_first: list[bool] = []

    def take(name: str) -> None:
        waits[name] = bucket.acquire()
        if name == "B":
            b_done.set()
        else:
            b_finished_first.append(b_done.is_set())

    bucket.acquire()  # the one token: A must wait one second
    a_thread = threading.Thread(target=take, args=("A",), name="A")
    a_thread.start()
    assert a_asleep.wait(timeout=30)
    take("B")  # in the test's thread, while A sleeps
    a_thread.join()
    assert waits == pytest.approx({"A": 1.0, "B": 2.0})
    assert b_finished_first == [True]


class ScriptedSharedBucket(SharedBucket):
    """A shared bucket whose store answers from a script: what each step was asked is
    recorded in ``asked``, and the answers are served in order."""

    def __init__(self, answers: list[BucketStep], clock: FakeClock) -> None:
        super().__init__(3, 1.0, clock=clock, sleep=clock.sleep)
        self.answers = list(answers)
        self.asked: list[tuple[str, float]] = []

    def _step(self, mode: str, amount: float) -> BucketStep:
        self.asked.append((mode, amount))
        return self.answers.pop(0)


def test_the_shared_bucket_returns_the_sum_of_its_waits() -> None:
    """Rule: ``acquire`` returns every second it slept: the reservation's wait plus each
    pause another process started meanwhile (not only the last of them)."""
    clock = FakeClock()
    bucket = ScriptedSharedBucket(
        [BucketStep(2.0, -1.0, 0.0), BucketStep(0.0, 0.0, 3.0), BucketStep(0.0, 0.0, 0.0)],
        clock)
    assert bucket.acquire(2) == pytest.approx(5.0)
    assert clock.sleeps == pytest.approx([2.0, 3.0])
    assert bucket.asked == [("take", 2), ("peek", 0), ("peek", 0)]


def test_the_shared_bucket_takes_without_waiting_when_tokens_are_there() -> None:
    clock = FakeClock()
    bucket = ScriptedSharedBucket([BucketStep(0.0, 2.0, 0.0)], clock)
    assert bucket.acquire() == 0.0
    assert (clock.sleeps, bucket.asked) == ([], [("take", 1)])


def test_the_shared_bucket_pauses_for_the_time_left_and_reports_its_state() -> None:
    """Rule: a deadline on the caller's clock becomes the seconds left (never negative);
    ``available`` and ``paused_for`` report the store's peek."""
    clock = FakeClock()
    peek = BucketStep(0.0, 1.5, 4.0)
    bucket = ScriptedSharedBucket([peek, peek, peek, peek], clock)
    bucket.pause_until(clock.now + 7.5)
    bucket.pause_until(clock.now - 2.0)
    assert (bucket.available(), bucket.paused_for()) == (1.5, 4.0)
    assert bucket.asked == [("pause", 7.5), ("pause", 0.0), ("peek", 0), ("peek", 0)]


def test_the_shared_bucket_refuses_more_than_capacity() -> None:
    bucket = ScriptedSharedBucket([], FakeClock())
    with pytest.raises(ValueError, match="cannot take 4"):
        bucket.acquire(4)
    assert bucket.asked == []


@pytest.mark.parametrize(("requests", "per_seconds", "expected"), [
    (10, 1.0, (9, 0.9)),  # one token less, same rate (9 / 0.9 = 10 per second)
    (2, 4.0, (1, 2.0)),
    (1, 5.0, (1, 5.0)),  # a limit of one request keeps its one token
])
def test_with_headroom(requests, per_seconds, expected):
    """Rule: the client's bucket has one token less than the server's, at the same rate."""
    capacity, seconds = with_headroom(requests, per_seconds)
    assert (capacity, seconds) == (expected[0], pytest.approx(expected[1]))
