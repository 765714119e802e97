"""Failed logins per client: 10 a minute, then refused; two log lines a minute at most."""

from __future__ import annotations

import logging

from configuration.login_throttle import FailedLogins


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "configuration.login_throttle" and r.levelno == logging.WARNING]


def test_a_client_is_blocked_after_the_limit_until_the_window_ends(caplog) -> None:
    clock = Clock()
    throttle = FailedLogins(limit=10, window_seconds=60, clock=clock)
    for _ in range(10):
        assert not throttle.blocked("10.0.0.9")
        throttle.failed("10.0.0.9", "a wrong user name or password")
    assert throttle.blocked("10.0.0.9")
    assert not throttle.blocked("10.0.0.7")  # another client is not affected
    clock.now += 59.9
    assert throttle.blocked("10.0.0.9")
    clock.now += 0.2
    assert not throttle.blocked("10.0.0.9")


def test_a_flood_logs_one_line_and_one_summary_per_minute(caplog) -> None:
    caplog.set_level(logging.WARNING)
    clock = Clock()
    throttle = FailedLogins(limit=10, window_seconds=60, clock=clock)
    for _ in range(100):
        if not throttle.blocked("10.0.0.9"):
            throttle.failed("10.0.0.9", "an Authorization header that is not base64")
    assert _warnings(caplog) == [
        "Failed login from 10.0.0.9: an Authorization header that is not base64; further "
        "failures from this client are summarised once a minute."]
    clock.now += 61
    throttle.failed("10.0.0.8", "a wrong user name or password")  # closes 10.0.0.9's window
    assert _warnings(caplog)[1:] == [
        "99 more failed logins from 10.0.0.9 in the last minute.",
        "Failed login from 10.0.0.8: a wrong user name or password; further failures "
        "from this client are summarised once a minute."]


def test_a_single_failure_needs_no_summary(caplog) -> None:
    caplog.set_level(logging.WARNING)
    clock = Clock()
    throttle = FailedLogins(clock=clock)
    throttle.failed("10.0.0.9", "a wrong user name or password")
    clock.now += 120
    assert not throttle.blocked("10.0.0.9")
    assert len(_warnings(caplog)) == 1
