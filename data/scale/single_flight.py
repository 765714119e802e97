"""One fetch per issue-store key across every process: a Redis lock plus shared progress.

Terms:

- *key*: the issue-store key (``data.cache.keys.store_key``); one JIRA query.
- *flight*: one run of the fetch for a key. The process that takes the key's lock is
  the *leader* and runs ``lead(progress)``; every process that asks while the lock is
  held is a *follower*: it never calls JIRA, it mirrors the leader's progress and,
  when the leader succeeded, calls ``follow()`` (typically: read the shared store).
  A leader's failure is raised again, as the same error type, in every follower,
  except a cancellation: that was the leader's user's choice, so a follower then
  takes the lock and fetches itself.
- *progress hash*: ``jdm:flight:<key>`` with ``state`` (``running``/``done``/
  ``failed``), ``fetched``, ``expected``, ``error`` (a user-facing sentence),
  ``error_type`` and ``leader`` (``host:pid`` of the process that fetches, for
  operators). The leader writes its final state *before* it releases the lock,
  so whoever sees the lock free reads the finished flight's outcome.
- *abandoned*: the hash says ``running`` but nobody holds the lock: the leader died
  (e.g. its Celery worker was killed) and its lock expired. The store still holds
  the last good data; the flight is reported as failed with that sentence.

Why redis-py's ``Lock`` is enough: there is one Redis, the lock only prevents
duplicate work (the store's own atomic manifest switch keeps data consistent even
if two writers ever overlapped), the lock carries a random token so only its owner
can release or extend it (both are Lua scripts), and it has a timeout so a dead
leader cannot block a key for longer than ``lock_timeout``. A live leader keeps it
with a heartbeat thread that extends it every third of the timeout; the token is
therefore not thread-local (``thread_local=False``), or the heartbeat thread could
not see it. Redlock-style multi-server locking is not needed with one Redis.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from configuration import errors
from configuration.errors import DashboardError, JiraCancelled, JiraError
from data.cache.files import check_waiting
from data.scale.connection import redis_errors, redis_module

if TYPE_CHECKING:  # redis is imported on use: only team mode needs it
    import redis

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[int, "int | None"], None]
Lead = Callable[[Progress], T]  # the fetch itself, reporting its progress
Follow = Callable[[], T]  # what a follower returns once the leader succeeded
Cancel = Callable[[], bool]
# ``beat_wait(stop, interval)``: wait for the next heartbeat; True once ``stop`` is set.
# ``threading.Event.wait`` in production; tests inject one they can step.
BeatWait = Callable[[threading.Event, float], bool]
FlightState = Literal["idle", "running", "done", "failed", "abandoned"]
_HASH_TTL_SECONDS = 7 * 24 * 3600  # long enough for anyone to read the last outcome
ABANDONED_MESSAGE = (
    "The fetch stopped before it finished (its worker ended); the last good data is shown."
)
UNEXPECTED_MESSAGE = "The fetch failed unexpectedly; the last good data is shown."


class FetchInterrupted(JiraError):
    """The process running a fetch died before finishing it (see *abandoned*)."""


@dataclass(frozen=True)
class FlightStatus:
    """The shared view of a key's latest flight, as any process sees it."""

    key: str
    state: FlightState
    fetched: int = 0
    expected: int | None = None
    error: str | None = None
    error_type: str | None = None
    leader: str | None = None


class SingleFlight(Protocol):
    """What the service needs: run a fetch once per key, however many ask."""

    def run(
        self, key: str, lead: Lead[T], follow: Follow[T], *,
        progress: Progress | None = None, cancel: Cancel | None = None,
    ) -> T: ...


class LocalSingleFlight:
    """Single-process mode: every caller leads (the store's file lock serializes them)."""

    def run(
        self, key: str, lead: Lead[T], follow: Follow[T], *,
        progress: Progress | None = None, cancel: Cancel | None = None,
    ) -> T:
        return lead(progress or _ignore)


class RedisSingleFlight:
    """Single flight through one Redis; see the module docstring for the protocol."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        lock_timeout: float = 30.0,
        poll_seconds: float = 0.2,
        wait_timeout: float = 3600.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        beat_wait: BeatWait = threading.Event.wait,
    ) -> None:
        self._client = client
        self._beat_wait = beat_wait
        self.lock_timeout = lock_timeout
        self._poll = poll_seconds
        self._wait_timeout = wait_timeout
        self._sleep = sleep
        self._clock = clock

    def run(
        self, key: str, lead: Lead[T], follow: Follow[T], *,
        progress: Progress | None = None, cancel: Cancel | None = None,
    ) -> T:
        """Lead the flight for ``key`` if nobody does, else follow the one in the air."""
        progress = progress or _ignore
        while True:
            lock = self._client.lock(
                _lock_key(key), timeout=self.lock_timeout, thread_local=False
            )
            with redis_errors():
                acquired = lock.acquire(blocking=False)
            if acquired:
                return self._lead(key, lock, lead, progress)
            outcome = self._follow(key, progress, cancel)
            if outcome is not None:
                return follow()
            # None: the leader finished without a readable outcome; try to lead.

    def status(self, key: str) -> FlightStatus:
        """The latest flight of ``key`` as every process sees it."""
        with redis_errors(), self._client.pipeline(transaction=True) as pipe:
            pipe.exists(_lock_key(key))
            pipe.hgetall(_hash_key(key))
            held, raw = pipe.execute()
        return _status(key, raw, bool(held))

    def _lead(self, key: str, lock: redis.lock.Lock, lead: Lead[T], progress: Progress) -> T:
        def report(fetched: int, expected: int | None) -> None:
            self._publish(key, fetched=fetched, expected="" if expected is None else expected)
            progress(fetched, expected)

        try:
            with _heartbeat(lock, self.lock_timeout / 3, self._beat_wait):
                self._publish(key, state="running", fetched=0, expected="", error="",
                              error_type="", leader=f"{socket.gethostname()}:{os.getpid()}")
                value = lead(report)
        except DashboardError as exc:
            self._publish(key, state="failed", error=str(exc), error_type=type(exc).__name__)
            raise
        except BaseException:
            self._publish(key, state="failed", error=UNEXPECTED_MESSAGE, error_type="")
            raise
        else:
            self._publish(key, state="done")
            return value
        finally:
            _release(lock, key)

    def _follow(
        self, key: str, progress: Progress, cancel: Cancel | None
    ) -> FlightStatus | None:
        """Wait for the leader; return its successful status, raise its error."""
        deadline = self._clock() + self._wait_timeout
        seen: tuple[int, int | None] | None = None
        while True:
            status = self.status(key)
            if (status.fetched, status.expected) != seen and status.state == "running":
                seen = (status.fetched, status.expected)
                progress(*seen)
            if status.state == "done":
                return status
            if status.state == "failed" and status.error_type == JiraCancelled.__name__:
                return None  # the leader's user gave up, not us: fetch it ourselves
            if status.state in {"failed", "abandoned"}:
                raise rebuild_error(status)
            if status.state == "idle":  # the lock is free and no flight ever published
                return None
            check_waiting(cancel, timed_out=self._clock() >= deadline)
            self._sleep(self._poll)

    def _publish(self, key: str, **fields: object) -> None:
        with redis_errors(), self._client.pipeline(transaction=True) as pipe:
            pipe.hset(_hash_key(key), mapping={k: str(v) for k, v in fields.items()})
            pipe.expire(_hash_key(key), _HASH_TTL_SECONDS)
            pipe.execute()


def rebuild_error(status: FlightStatus) -> DashboardError:
    """The leader's error for a follower: same type when it is one of ours."""
    if status.state == "abandoned":
        return FetchInterrupted(ABANDONED_MESSAGE)
    cls = getattr(errors, status.error_type or "", None)
    if isinstance(cls, type) and issubclass(cls, DashboardError):
        return cls(status.error or UNEXPECTED_MESSAGE)
    return FetchInterrupted(status.error or UNEXPECTED_MESSAGE)


def _status(key: str, raw: dict[str, str], lock_held: bool) -> FlightStatus:
    state = raw.get("state") or "idle"
    if lock_held and state != "running":
        # A new leader holds the lock but has not published yet: nothing fetched so far.
        return FlightStatus(key=key, state="running")
    if state == "running" and not lock_held:
        state = "abandoned"
    expected = raw.get("expected") or ""
    return FlightStatus(
        key=key,
        state=state,  # type: ignore[arg-type]
        fetched=int(raw.get("fetched") or 0),
        expected=int(expected) if expected else None,
        error=raw.get("error") or None,
        error_type=raw.get("error_type") or None,
        leader=raw.get("leader") or None,
    )


@contextlib.contextmanager
def _heartbeat(lock: redis.lock.Lock, interval: float, beat_wait: BeatWait) -> Iterator[None]:
    """Extend ``lock`` every ``interval`` seconds while the body runs."""
    redis_ = redis_module()
    stop = threading.Event()

    def beat() -> None:
        while not beat_wait(stop, interval):
            try:
                lock.extend(lock.timeout, replace_ttl=True)
            except (redis_.exceptions.LockError, redis_.RedisError):
                # Lost the lock or Redis: keep fetching (the store stays consistent);
                # at worst another process starts a duplicate fetch.
                log.warning("Could not extend the fetch lock; another fetch may start.")
                return

    thread = threading.Thread(target=beat, name="flight-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _release(lock: redis.lock.Lock, key: str) -> None:
    redis_ = redis_module()
    try:
        lock.release()
    except redis_.exceptions.LockError:
        log.warning("The fetch lock of %s had expired before the fetch ended.", key)
    except redis_.RedisError:
        log.warning("Could not release the fetch lock of %s; it expires by itself.", key)


def _ignore(fetched: int, expected: int | None) -> None:
    """The progress callback used when the caller gives none."""


def _lock_key(key: str) -> str:
    return f"jdm:flight-lock:{key}"


def _hash_key(key: str) -> str:
    return f"jdm:flight:{key}"
