"""Client-side pacing of JIRA requests: a thread-safe token bucket.

Terms:

- *token*: the right to send one HTTP request. Every request the client makes
  (search pages, changelog pages, discovery calls) takes one.
- *capacity*: the most tokens the bucket holds, i.e. the largest burst. It starts
  full. Tokens refill continuously at ``capacity / per_seconds`` per second, so a
  bucket configured like the server's own limit never sends faster than it allows.
- *reservation*: an acquirer that finds too few tokens takes them anyway (the
  balance goes negative) and sleeps until the refill has paid that debt. Waits are
  therefore computed once, first come first served, and nobody has to be woken up:
  that is why a plain lock suffices and no condition variable is needed.
- *pause*: ``pause_until(deadline)`` makes every acquirer wait until ``deadline``
  (on the bucket's clock). The client calls it on ``Retry-After`` and on back-off so
  that all threads sharing the bucket stop together, not only the one that was told.
  A pause also empties the bucket, since the server's own budget is spent.

``RateLimiter`` is the small interface the client depends on, so that a bucket
shared by several processes can replace this one. ``BucketSize`` holds what every
bucket shares: the size checks, the refill rate and the injected clock and sleep.
``SharedBucket`` is the base of the buckets whose state lives outside the process
(a file: :mod:`data.jira.file_bucket`; Redis: :mod:`data.scale.redis_bucket`): each
operation there is one atomic *step* on the shared state, and the sleeping happens
here, after the step.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


# The pragma keeps mutmut from rewriting the protocol's methods into trampolines,
# whose extra attributes would make every isinstance() check against it False.
@runtime_checkable
class RateLimiter(Protocol):  # pragma: no mutate block
    """What the JIRA client needs from a rate limiter."""

    def acquire(self, tokens: int = 1) -> float:
        """Block until ``tokens`` may be spent; return the seconds waited."""
        ...

    def pause_until(self, deadline: float) -> None:
        """Make every acquirer wait until ``deadline`` (on the limiter's clock)."""
        ...

    def available(self) -> float:
        """Tokens that could be spent right now (negative while in debt)."""
        ...


class BucketSize:
    """The shape of a token bucket, shared by the in-process and the Redis bucket.

    ``clock`` and ``sleep`` are injectable so tests run on a fake clock; they must
    agree (``sleep(s)`` advances ``clock()`` by ``s``).
    """

    def __init__(
        self,
        capacity: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if capacity < 1 or per_seconds <= 0:
            raise ValueError("a token bucket needs capacity >= 1 and per_seconds > 0")
        self.capacity = capacity
        self.per_seconds = per_seconds
        self._rate = capacity / per_seconds  # tokens per second
        self._clock = clock
        self._sleep = sleep

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(capacity={self.capacity}, per_seconds={self.per_seconds})"
        )

    def _check_request(self, tokens: int) -> None:
        """ValueError for a request no refill could ever satisfy."""
        if tokens > self.capacity:
            raise ValueError(f"cannot take {tokens} tokens from a bucket of {self.capacity}")


@dataclass(frozen=True)
class BucketStep:
    """What one step on shared state answered: seconds to wait, token balance, pause left."""

    wait: float
    tokens: float
    paused_for: float


class SharedBucket(BucketSize):
    """A bucket whose state is shared by processes; subclasses implement :meth:`_step`.

    A step refills the shared state to the store's *now*, then reserves ``amount``
    tokens (``take``), starts a pause of ``amount`` seconds (``pause``) or only looks
    (``peek``), atomically, and answers a :class:`BucketStep`.
    """

    def _step(self, mode: str, amount: float) -> BucketStep:
        raise NotImplementedError

    def _deadline_clock(self) -> float:
        """The clock in which callers express ``pause_until`` deadlines."""
        return self._clock()

    def acquire(self, tokens: int = 1) -> float:
        """Reserve ``tokens``, then sleep until they are paid and no pause holds.

        Returns the seconds waited (0.0 when the tokens were there).
        """
        self._check_request(tokens)
        waited = 0.0
        wait = self._step("take", tokens).wait
        while wait > 0:
            self._sleep(wait)
            waited += wait
            # A pause that began while we slept (another process got a 429) applies to us.
            wait = self._step("peek", 0).paused_for
        return waited

    def pause_until(self, deadline: float) -> None:
        """Pause every process until ``deadline`` and empty the bucket."""
        self._step("pause", max(0.0, deadline - self._deadline_clock()))

    def available(self) -> float:
        """Tokens that could be spent right now (negative while in debt), ignoring pauses."""
        return self._step("peek", 0).tokens

    def paused_for(self) -> float:
        """Seconds left in the shared pause (0.0 when none)."""
        return self._step("peek", 0).paused_for


class TokenBucket(BucketSize):
    """A token bucket shared by every thread of one process.

    The lock is never held while sleeping.
    """

    def __init__(
        self,
        capacity: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(capacity, per_seconds, clock=clock, sleep=sleep)
        self._lock = threading.Lock()
        self._tokens = float(capacity)
        self._updated = clock()
        self._paused_until = float("-inf")

    def acquire(self, tokens: int = 1) -> float:
        """Take ``tokens``, sleeping first if the bucket is short or paused.

        Returns the seconds waited (0.0 when the tokens were there).
        """
        self._check_request(tokens)
        with self._lock:
            start = self._refill()
            ready_at = self._reserve(tokens, start)
        waited = 0.0
        while ready_at > start + waited:
            self._sleep(ready_at - start - waited)
            waited = ready_at - start
            # A pause that began while we slept (another thread got a 429) still
            # applies to us; a pause we already waited out does not.
            with self._lock:
                ready_at = max(ready_at, self._paused_until)
        return waited

    def pause_until(self, deadline: float) -> None:
        """Every acquirer waits until ``deadline``; an earlier deadline never shortens it.

        The bucket is also emptied: the server has just told us that its own budget
        is spent, so only what refills during the pause may be sent when it ends
        (otherwise the end of the pause would be a burst that earns another 429).
        """
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, 0.0)
            self._paused_until = max(self._paused_until, deadline)

    def available(self) -> float:
        """Tokens that could be spent right now, ignoring any pause."""
        with self._lock:
            self._refill()
            return self._tokens

    def _refill(self) -> float:
        """Add the tokens earned since the last update; return the current time."""
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.capacity), self._tokens + elapsed * self._rate)
        self._updated = now
        return now

    def _reserve(self, tokens: int, now: float) -> float:
        """Spend ``tokens`` (possibly into debt) and return when the caller may go."""
        self._tokens -= tokens
        debt_paid_at = now + max(0.0, -self._tokens) / self._rate
        return max(debt_paid_at, self._paused_until)


def with_headroom(requests: int, per_seconds: float) -> tuple[int, float]:
    """``(capacity, per_seconds)`` for a client bucket facing a server limit of
    ``requests`` per ``per_seconds``: the same rate, one token less capacity.

    The server counts requests when they arrive, and arrival times jitter with network
    latency (the first request also pays for the TCP connection). A bucket identical to
    the server's would therefore sometimes send a request a few milliseconds "early"
    and earn a 429. One token of headroom tolerates a jitter of up to one refill
    interval at no cost in sustained rate. A limit of one request keeps its one token.
    """
    if requests < 2:
        return requests, per_seconds
    return requests - 1, per_seconds * (requests - 1) / requests
