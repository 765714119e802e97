"""One JIRA request budget for every process: a token bucket kept in Redis.

Same terms and behaviour as :mod:`data.jira.token_bucket` (*token*, *capacity*,
*reservation*, *pause*), with the state in one Redis hash instead of process memory:

- *bucket key*: ``jdm:bucket:<digest of the JIRA URL>``, a hash with ``tokens`` (may be
  negative: reserved debt), ``updated`` and ``paused_until``. Times are the Redis
  server's own clock (``TIME``), read inside the script, so the clocks of the machines
  running workers never need to agree.
- *step*: one atomic run of the Lua script: refill from the elapsed server time, then
  either reserve tokens (``take``), start a pause (``pause``) or only look (``peek``).
  It answers how long the caller must wait before it may send, and the balance.

A process that reserved tokens sleeps locally for the returned wait, then asks Redis
whether a pause began meanwhile (another process got a 429 with ``Retry-After``) and
waits that out too, exactly like the in-process bucket does with its own lock.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import redis

from configuration.settings import JiraSettings
from data.jira.token_bucket import BucketStep, SharedBucket, with_headroom
from data.scale.connection import redis_errors

# Values are written with "%.17g": Lua's default number formatting keeps 14 digits,
# which would round a Unix time with microseconds to a tenth of a millisecond.
_STEP_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local mode, capacity = ARGV[1], tonumber(ARGV[2])
local rate, amount = tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'paused_until')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
local paused_until = tonumber(state[3]) or 0
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
if mode == 'take' then
  tokens = tokens - amount
elseif mode == 'pause' then
  tokens = math.min(tokens, 0)
  paused_until = math.max(paused_until, now + amount)
end
local ready_at = math.max(now + math.max(0, -tokens) / rate, paused_until)
local f = '%.17g'
redis.call('HSET', KEYS[1], 'tokens', string.format(f, tokens),
  'updated', string.format(f, now), 'paused_until', string.format(f, paused_until))
local keep = math.max(ready_at - now, capacity / rate) + 60
redis.call('PEXPIRE', KEYS[1], math.ceil(keep * 1000))
return {string.format(f, ready_at - now), string.format(f, tokens),
  string.format(f, math.max(0, paused_until - now))}
"""


def bucket_key(jira_url: str | None) -> str:
    """The Redis key of the budget for one JIRA site (the URL is hashed, not stored)."""
    site = (jira_url or "demo").rstrip("/").casefold()
    return "jdm:bucket:" + hashlib.sha256(site.encode()).hexdigest()[:24]


class RedisTokenBucket(SharedBucket):
    """A token bucket shared by every process that uses the same Redis and key.

    Implements ``data.jira.token_bucket.RateLimiter``. ``clock`` is only the local
    clock in which callers express ``pause_until`` deadlines (the JIRA client passes
    ``time.monotonic() + retry_after``); the bucket itself runs on Redis time.
    """

    def __init__(
        self,
        client: redis.Redis,
        key: str,
        capacity: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(capacity, per_seconds, clock=clock, sleep=sleep)
        self.key = key
        # redis-py's Script runs EVALSHA and, on NOSCRIPT (a restarted or flushed
        # server), loads the script and retries: the fallback the protocol asks for.
        self._script = client.register_script(_STEP_SCRIPT)

    @classmethod
    def for_jira(cls, client: redis.Redis, jira: JiraSettings) -> RedisTokenBucket:
        """The shared bucket for ``jira.url`` paced like the in-process one.

        Same sizing as the JIRA client's own bucket (``with_headroom``): the rate of
        ``jira.rate_limit`` with one token less burst, for arrival-time jitter.
        """
        capacity, per_seconds = with_headroom(jira.rate_limit.requests,
                                              jira.rate_limit.per_seconds)
        return cls(client, bucket_key(jira.url), capacity, per_seconds)

    def _step(self, mode: str, amount: float) -> BucketStep:
        with redis_errors():
            wait, tokens, paused_for = self._script(
                keys=[self.key], args=[mode, self.capacity, repr(self._rate), repr(amount)]
            )
        return BucketStep(float(wait), float(tokens), float(paused_for))
