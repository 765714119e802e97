"""One fetch per key across processes, against a real redis-server."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable

import pytest
import redis

from configuration.errors import (
    CacheError,
    JiraAuthError,
    JiraCancelled,
    JiraRateLimited,
)
from data.scale.single_flight import (
    ABANDONED_MESSAGE,
    UNEXPECTED_MESSAGE,
    FetchInterrupted,
    FlightStatus,
    LocalSingleFlight,
    RedisSingleFlight,
    rebuild_error,
)

pytestmark = pytest.mark.redis

KEY = "0123456789abcdef"


def _flights(url: str, **kwargs: object) -> RedisSingleFlight:
    return RedisSingleFlight(redis.Redis.from_url(url, decode_responses=True), **kwargs)


class Leader:
    """A ``lead`` that reports progress, then blocks until released."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls = 0
        self.reported = threading.Event()
        self.release = threading.Event()
        self.fail = fail

    def __call__(self, progress) -> str:
        self.calls += 1
        progress(5, 10)
        self.reported.set()
        assert self.release.wait(timeout=30)
        if self.fail is not None:
            raise self.fail
        return "fetched by the leader"


def _in_thread(fn) -> tuple[threading.Thread, dict[str, object]]:
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except Exception as exc:  # handed to the test's assertions
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    return thread, box


def _lead_then_follow(
    url: str,
    leader: Leader,
    follow_run: Callable[[RedisSingleFlight], object],
    while_both_run: Callable[[RedisSingleFlight], None] = lambda flights: None,
) -> tuple[RedisSingleFlight, dict[str, object], dict[str, object]]:
    """One flight leads with ``leader``; once it has reported, ``follow_run`` runs with a
    second flight; ``while_both_run`` looks on before the leader is released.

    Returns the leading flight and what each thread returned or raised.
    """
    polling = threading.Event()

    def poll_sleep(seconds: float) -> None:
        polling.set()  # the follower has seen the leader running and waits for it
        time.sleep(seconds)

    first = _flights(url, poll_seconds=0.02)
    second = _flights(url, poll_seconds=0.02, sleep=poll_sleep)
    lead_thread, lead_box = _in_thread(lambda: first.run(KEY, leader, lambda: "unused"))
    assert leader.reported.wait(timeout=10)
    follow_thread, follow_box = _in_thread(lambda: follow_run(second))
    assert polling.wait(timeout=10)
    while_both_run(second)
    leader.release.set()
    lead_thread.join(timeout=10)
    follow_thread.join(timeout=10)
    return first, lead_box, follow_box


def test_second_caller_follows_the_first_and_never_fetches(redis_url: str) -> None:
    leader, follower_leads, follower_progress = Leader(), [], []

    def follow_run(second: RedisSingleFlight) -> object:
        return second.run(
            KEY,
            lambda progress: follower_leads.append(1),
            lambda: "read from the shared store",
            progress=lambda fetched, expected: follower_progress.append((fetched, expected)),
        )

    def while_both_run(second: RedisSingleFlight) -> None:
        status = second.status(KEY)
        assert (status.state, status.fetched, status.expected) == ("running", 5, 10)
        assert status.leader is not None
        assert status.leader.endswith(f":{os.getpid()}")

    first, lead_box, follow_box = _lead_then_follow(redis_url, leader, follow_run, while_both_run)
    assert lead_box == {"value": "fetched by the leader"}
    assert follow_box == {"value": "read from the shared store"}
    assert (leader.calls, follower_leads) == (1, [])
    assert follower_progress == [(5, 10)]
    assert first.status(KEY).state == "done"


def test_leader_failure_is_raised_in_the_follower_with_its_type(redis_url: str) -> None:
    leader = Leader(fail=JiraAuthError("JIRA rejected the credentials.", status=401))
    first, lead_box, follow_box = _lead_then_follow(
        redis_url, leader, lambda second: second.run(KEY, leader, lambda: "unused")
    )
    assert isinstance(lead_box["error"], JiraAuthError)
    assert isinstance(follow_box["error"], JiraAuthError)
    assert str(follow_box["error"]) == "JIRA rejected the credentials."
    assert leader.calls == 1
    status = first.status(KEY)
    assert (status.state, status.error_type) == ("failed", "JiraAuthError")


def test_a_cancelled_leader_hands_the_fetch_to_its_follower(redis_url: str) -> None:
    leader = Leader(fail=JiraCancelled("The fetch was cancelled."))
    first, lead_box, follow_box = _lead_then_follow(
        redis_url, leader,
        lambda second: second.run(KEY, lambda progress: "fetched by the follower",
                                  lambda: "unused"),
    )
    assert isinstance(lead_box["error"], JiraCancelled)
    assert follow_box == {"value": "fetched by the follower"}
    assert first.status(KEY).state == "done"


def test_unexpected_error_is_re_raised_and_published_without_its_text(redis_url: str) -> None:
    flights = _flights(redis_url)

    def lead(progress) -> str:
        raise ValueError("token=abc123 leaked into a bug")

    with pytest.raises(ValueError, match="leaked"):
        flights.run(KEY, lead, lambda: "unused")
    status = flights.status(KEY)
    assert (status.state, status.error) == ("failed", UNEXPECTED_MESSAGE)


def test_a_failed_flight_does_not_stop_the_next_one_from_leading(redis_url: str) -> None:
    flights = _flights(redis_url)
    with pytest.raises(JiraRateLimited):
        flights.run(KEY, _raise(JiraRateLimited("JIRA kept refusing.")), lambda: "unused")
    assert flights.run(KEY, lambda progress: "second try", lambda: "unused") == "second try"
    assert flights.status(KEY).state == "done"


def test_a_follower_can_cancel_its_wait(redis_url: str) -> None:
    leader = Leader()
    first, second = _flights(redis_url), _flights(redis_url, poll_seconds=0.02)
    lead_thread, _ = _in_thread(lambda: first.run(KEY, leader, lambda: "unused"))
    assert leader.reported.wait(timeout=10)
    with pytest.raises(JiraCancelled):
        second.run(KEY, leader, lambda: "unused", cancel=lambda: True)
    leader.release.set()
    lead_thread.join(timeout=10)
    assert leader.calls == 1


def test_a_follower_gives_up_after_its_wait_timeout(redis_url: str) -> None:
    leader = Leader()
    first = _flights(redis_url)
    second = _flights(redis_url, poll_seconds=0.02, wait_timeout=0.1)
    lead_thread, _ = _in_thread(lambda: first.run(KEY, leader, lambda: "unused"))
    assert leader.reported.wait(timeout=10)
    with pytest.raises(CacheError, match="still running"):
        second.run(KEY, leader, lambda: "unused")
    leader.release.set()
    lead_thread.join(timeout=10)


class SteppedBeats:
    """A heartbeat wait the test steps: each ``step()`` lets exactly one beat run and
    returns once that beat has extended the lock."""

    def __init__(self) -> None:
        self._go = threading.Semaphore(0)
        self._done = threading.Semaphore(0)
        self._waits = 0

    def __call__(self, stop: threading.Event, interval: float) -> bool:
        self._waits += 1
        if self._waits > 1:  # called again: the previous beat has finished
            self._done.release()
        while not self._go.acquire(timeout=0.05):
            if stop.is_set():
                return True
        return stop.is_set()

    def step(self) -> None:
        self._go.release()
        assert self._done.acquire(timeout=10)


def test_heartbeat_keeps_the_lock_while_a_long_fetch_runs(redis_url: str) -> None:
    """Rule: while the leader fetches, each heartbeat resets the lock's time to live to
    the full lock timeout, so a fetch longer than the timeout keeps its lock. The test
    runs the lock down to 2 s itself (no waiting), then steps one beat."""
    beats = SteppedBeats()
    flights = _flights(redis_url, lock_timeout=30.0, beat_wait=beats)
    observer = redis.Redis.from_url(redis_url, decode_responses=True)
    lock_key = f"jdm:flight-lock:{KEY}"
    seen = []

    def lead(progress) -> str:
        for _ in range(3):
            observer.pexpire(lock_key, 2000)  # as if the timeout had nearly run out
            beats.step()
            seen.append((observer.pttl(lock_key) > 20_000, _flights(redis_url).status(KEY).state))
        return "done"

    assert flights.run(KEY, lead, lambda: "unused") == "done"
    assert seen == [(True, "running")] * 3
    assert observer.exists(lock_key) == 0  # released at the end


def test_local_single_flight_always_leads() -> None:
    seen = []
    value = LocalSingleFlight().run(KEY, lambda progress: progress(1, 2) or "led", lambda: "no",
                                    progress=lambda f, e: seen.append((f, e)))
    assert (value, seen) == ("led", [(1, 2)])


@pytest.mark.parametrize(
    ("status", "expected_type", "message"),
    [
        (FlightStatus(KEY, "failed", error="Bad JQL.", error_type="JiraQueryError"),
         "JiraQueryError", "Bad JQL."),
        (FlightStatus(KEY, "failed", error="Bad key.", error_type="ConfigError"),
         "ConfigError", "Bad key."),
        (FlightStatus(KEY, "failed", error="Odd.", error_type="os"), "FetchInterrupted", "Odd."),
        (FlightStatus(KEY, "failed", error=None, error_type=None), "FetchInterrupted",
         UNEXPECTED_MESSAGE),
        (FlightStatus(KEY, "abandoned", fetched=3), "FetchInterrupted", ABANDONED_MESSAGE),
    ],
)
def test_rebuild_error(status: FlightStatus, expected_type: str, message: str) -> None:
    error = rebuild_error(status)
    assert (type(error).__name__, str(error)) == (expected_type, message)


# --- a leader process that dies -------------------------------------------------------


def _lead_forever(url: str, started) -> None:
    flights = _flights(url, lock_timeout=1.0)

    def lead(progress) -> None:
        progress(40, 100)
        started.set()
        time.sleep(600)

    flights.run(KEY, lead, lambda: None)


def test_a_killed_leader_is_reported_as_abandoned_to_its_followers(redis_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    started = ctx.Event()
    process = ctx.Process(target=_lead_forever, args=(redis_url, started))
    process.start()
    assert started.wait(timeout=30)
    follower = _flights(redis_url, poll_seconds=0.05)
    progress = []
    process.kill()  # SIGKILL: no cleanup runs, as when a Celery worker is killed
    process.join(timeout=10)
    with pytest.raises(FetchInterrupted, match="last good data"):
        follower.run(KEY, _raise(AssertionError("must not lead")), lambda: None,
                     progress=lambda f, e: progress.append((f, e)))
    assert progress == [(40, 100)]
    status = follower.status(KEY)
    assert (status.state, status.fetched, status.expected) == ("abandoned", 40, 100)
    assert status.leader is not None
    assert status.leader.endswith(f":{process.pid}")


def _raise(error: Exception):
    def lead(progress) -> None:
        raise error

    return lead
