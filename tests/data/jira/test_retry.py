"""Retry-After parsing and the back-off schedule."""

from __future__ import annotations

import random
from email.utils import formatdate

import pytest

from data.jira.retry import RetryPolicy, backoff_seconds, parse_retry_after

NOW = 1_780_000_000.0  # a wall-clock instant, seconds since the epoch


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("7", 7.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-3", None),
        ("soon", None),
        (formatdate(NOW + 30, usegmt=True), 30.0),
        (formatdate(NOW - 30, usegmt=True), 0.0),  # a date in the past: retry now
    ],
)
def test_retry_after_header(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_backoff_doubles_from_one_second_and_caps_at_sixteen() -> None:
    policy = RetryPolicy(jitter=0.0)
    rng = random.Random(1)
    assert [backoff_seconds(n, policy, rng) for n in range(7)] == [1, 2, 4, 8, 16, 16, 16]


def test_backoff_jitter_adds_at_most_the_jitter_fraction() -> None:
    policy = RetryPolicy()
    rng = random.Random(3)
    for retry, base in enumerate([1.0, 2.0, 4.0, 8.0, 16.0]):
        delays = {backoff_seconds(retry, policy, rng) for _ in range(200)}
        assert min(delays) >= base
        assert max(delays) <= base * (1 + policy.jitter)
        assert len(delays) > 100  # really random, so clients do not retry in lockstep
