"""One JIRA request budget for every process on one machine: a token bucket in a file.

Same terms and behaviour as :mod:`data.jira.token_bucket` (*token*, *capacity*,
*reservation*, *pause*) and the same steps as the Redis bucket
(:mod:`data.scale.redis_bucket`), with the state in a small JSON file:

- *state file*: ``<root>/<digest of the JIRA URL>.json`` holding ``tokens`` (may be
  negative: reserved debt), ``updated`` and ``paused_until``. Both times are wall-clock
  epoch seconds (``time.time``), because several processes read them: a monotonic
  clock's zero is arbitrary, while the wall clock is the same for every process of one
  machine. The wall clock can step backwards (NTP); elapsed time is clamped to >= 0,
  so a step back only delays refill, never mints tokens.
- *lock file*: ``<state file>.lock``, held with an exclusive ``fcntl.flock`` around each
  step. A file and ``flock`` because the sharers are processes of one machine (Dash's
  background jobs, the CLI) with no server to ask; the kernel drops the lock of a
  process that dies, so a killed job never leaves the budget locked. The lock is a
  sibling file because the state file is replaced by rename on every write, and a lock
  on a replaced inode would not exclude the next writer.
- *step*: read, refill, then reserve (``take``), start a pause (``pause``) or only look
  (``peek``), write, and answer how long the caller must wait. The lock is held only
  for that; sleeping always happens after it is released.
- *caller's clock*: ``pause_until(deadline)`` takes a deadline on the caller's clock
  (the JIRA client passes ``time.monotonic() + retry_after``); it is turned into
  seconds from now and stored as a wall-clock time, as the Redis bucket does.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from configuration.atomic_files import open_lock_file, replace_atomically
from configuration.private_files import private_dir
from configuration.settings import JiraSettings
from data.jira.token_bucket import BucketStep, SharedBucket, with_headroom

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BucketState:
    """What the state file holds (times are wall-clock epoch seconds)."""

    tokens: float
    updated: float
    paused_until: float


def state_file_name(jira_url: str | None) -> str:
    """The state file of the budget for one JIRA site (the URL is hashed, not stored)."""
    site = (jira_url or "demo").rstrip("/").casefold()
    return hashlib.sha256(site.encode()).hexdigest()[:24] + ".json"


def step_state(
    state: BucketState, mode: str, amount: float, *, now: float, capacity: int, rate: float
) -> tuple[BucketState, BucketStep]:
    """One step of the bucket (pure): refill to ``now``, then take, pause or peek.

    ``amount`` is tokens for ``take`` and seconds from ``now`` for ``pause``. The same
    arithmetic as ``TokenBucket`` and the Redis bucket's script.
    """
    elapsed = max(0.0, now - state.updated)
    tokens = min(float(capacity), state.tokens + elapsed * rate)
    paused_until = state.paused_until
    if mode == "take":
        tokens -= amount
    elif mode == "pause":
        tokens = min(tokens, 0.0)
        paused_until = max(paused_until, now + amount)
    ready_at = max(now + max(0.0, -tokens) / rate, paused_until)
    answer = BucketStep(ready_at - now, tokens, max(0.0, paused_until - now))
    return BucketState(tokens, now, paused_until), answer


class FileTokenBucket(SharedBucket):
    """A token bucket shared by every process of this machine that uses ``path``.

    Implements ``data.jira.token_bucket.RateLimiter``. ``clock`` is the wall clock the
    state is kept in (with ``sleep``, injectable for tests); ``caller_clock`` is the
    clock in which callers express ``pause_until`` deadlines (the JIRA client's,
    ``time.monotonic`` by default).
    """

    def __init__(
        self,
        path: Path,
        capacity: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        caller_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(capacity, per_seconds, clock=clock, sleep=sleep)
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._caller_clock = caller_clock

    @classmethod
    def for_jira(cls, path_root: Path, jira: JiraSettings) -> FileTokenBucket:
        """The machine's bucket for ``jira.url`` under ``path_root``, paced like the
        JIRA client's own bucket and the Redis one (``with_headroom``)."""
        capacity, per_seconds = with_headroom(jira.rate_limit.requests,
                                              jira.rate_limit.per_seconds)
        return cls(Path(path_root) / state_file_name(jira.url), capacity, per_seconds)

    def _deadline_clock(self) -> float:
        return self._caller_clock()

    def _step(self, mode: str, amount: float) -> BucketStep:
        with self._locked():
            now = self._clock()
            state, answer = step_state(
                self._read(now), mode, amount, now=now, capacity=self.capacity,
                rate=self._rate,
            )
            self._write(state)
        return answer

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # Opened per step, not once per bucket: flock belongs to the open file, and a
        # descriptor inherited by a forked child would share the parent's lock instead
        # of excluding it. Blocking flock (no polling): it is held for microseconds.
        private_dir(self.path.parent)
        with open_lock_file(self._lock_path) as fd:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _read(self, now: float) -> BucketState:
        """The stored state; a full bucket when there is none or it is unusable."""
        full = BucketState(float(self.capacity), now, 0.0)
        try:
            raw = json.loads(self.path.read_bytes())
            state = BucketState(
                float(raw["tokens"]), float(raw["updated"]), float(raw["paused_until"])
            )
        except FileNotFoundError:
            return full
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("Rate-limit state %s is unreadable (%s); starting from a full bucket",
                        self.path, type(exc).__name__)
            return full
        if not all(map(math.isfinite, (state.tokens, state.updated, state.paused_until))):
            log.warning("Rate-limit state %s is not finite; starting from a full bucket",
                        self.path)
            return full
        return state

    def _write(self, state: BucketState) -> None:
        # Temp file + rename: a process killed mid-write leaves the old state, never half
        # a file. (No directory fsync: after a power loss a full bucket is harmless.)
        data = {"tokens": state.tokens, "updated": state.updated,
                "paused_until": state.paused_until}
        replace_atomically(self.path, json.dumps(data).encode())
