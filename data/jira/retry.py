"""When and how long the JIRA client waits before trying a request again.

Terms:

- *retryable*: a 429 (rate limited), a 502/503/504 (JIRA or its gateway is briefly
  unavailable), a timeout or a connection error. Every other answer is final.
- *Retry-After*: the header JIRA sends with 429 and 503, either a number of seconds
  or an HTTP date. The client waits at least that long, never less.
- *back-off*: without ``Retry-After``, the n-th retry (n = 0, 1, ...) waits
  ``min(base * 2**n, cap)`` seconds (1, 2, 4, 8, 16 s) plus a random *jitter* of up
  to ``jitter`` times that, so that many clients do not retry in lockstep.

We hand-write this instead of using urllib3's ``Retry`` because the waits must go
through the shared token bucket (every thread pauses, not only the one that was
told) and ``Retry-After`` must be honoured exactly; urllib3 sleeps privately.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; the defaults are issue 3 item 6."""

    max_retries: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 16.0
    jitter: float = 0.2
    # A server asking for a longer wait than this is treated as "not today": the
    # client gives up with a clear error instead of hanging a dashboard for an hour.
    max_retry_after_seconds: float = 600.0
    # The most one request may take, attempts and waits together (issue 11 item 8): a
    # retry that would end later is not made, and the error names this limit. A
    # single attempt always gets its full jira.timeout_seconds.
    total_seconds: float = 180.0


# The Settings page's buttons (Test connection, Validate, Load from JIRA): a person
# waits for the answer, so one attempt within jira.timeout_seconds, no retry at all
# (a refused connection or a 503 is shown at once).
INTERACTIVE = RetryPolicy(max_retries=0)


def parse_retry_after(value: str | None, now_epoch: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header, or None if absent/invalid.

    ``now_epoch`` is the current wall-clock time (seconds since the epoch), needed
    for the HTTP-date form. A date in the past means "retry now" (0.0).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        return _seconds_until_http_date(text, now_epoch)
    return seconds if seconds >= 0 else None


def _seconds_until_http_date(text: str, now_epoch: float) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive parse means no zone given
        return None
    return max(0.0, when.timestamp() - now_epoch)


def backoff_seconds(retry: int, policy: RetryPolicy, rng: random.Random) -> float:
    """The wait before retry number ``retry`` (0-based) when the server gave no hint."""
    base = min(policy.base_seconds * 2**retry, policy.cap_seconds)
    return base * (1.0 + policy.jitter * rng.random())
