"""Time limits (issue 11 item 8): Test connection answers within jira.timeout_seconds
and never retries; a request with its retries ends by the policy's total, which the
error names. Counted in attempts and fake-clock seconds, never in wall time."""

from __future__ import annotations

import socket

import pytest
import requests

from configuration.errors import JiraUnavailable
from data.jira.client import JiraClient
from data.jira.retry import INTERACTIVE, RetryPolicy
from data.simulator.server import JiraSimulator
from tests.data.jira.conftest import settings_for
from tests.data.jira.fakes import FakeClock
from tests.data.jira.scripted_server import SilentListener


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def client(url: str, clock: FakeClock, policy: RetryPolicy, **settings) -> JiraClient:
    return JiraClient(settings_for(url, **settings), sleep=clock.sleep, clock=clock,
                      policy=policy)


def test_a_jira_that_never_answers_fails_test_connection_after_one_timeout(clock):
    with SilentListener() as jira, client(jira.url, clock, INTERACTIVE,
                                          timeout_seconds=0.2) as tested:
        with pytest.raises(JiraUnavailable, match=r"no answer within 0\.2 s\.$"):
            tested.test_connection()
        assert tested.requests_made == 1
        assert jira.connections == 1
    assert clock.sleeps == []  # no back-off: nothing is retried


def test_a_refused_connection_is_never_retried_by_test_connection(clock):
    with client(closed_port_url(), clock, INTERACTIVE) as tested:
        with pytest.raises(JiraUnavailable, match=r"Connection refused"):
            tested.test_connection()
        assert tested.requests_made == 1
    assert clock.sleeps == []


def test_test_connection_makes_no_request_past_its_deadline(clock):
    """The second request is not sent once the first used up jira.timeout_seconds."""
    with JiraSimulator(email="demo@example.com", token="demo-token-5ecret") as sim:
        session = requests.Session()
        session.hooks["response"].append(lambda *_, **__: clock.sleep(6.0))
        with JiraClient(settings_for(sim.url, timeout_seconds=5.0), session=session,
                        clock=clock, sleep=clock.sleep, policy=INTERACTIVE) as tested:
            with pytest.raises(JiraUnavailable, match=r"gave up at the 5 s limit"):
                tested.test_connection()
            assert tested.requests_made == 1


def test_retries_of_a_refused_connection_stop_at_the_total_and_say_so(clock):
    policy = RetryPolicy(total_seconds=10.0)  # back-off 1, 2, 4 (+ jitter), then 8 > 10
    with client(closed_port_url(), clock, policy) as fetching:
        with pytest.raises(JiraUnavailable,
                           match=r"after 3 retries; gave up at the 10 s limit") as err:
            fetching.myself()
        assert fetching.requests_made == 4
    assert len(clock.sleeps) == 3
    assert sum(clock.sleeps) < 10.0
    assert "Connection refused" in str(err.value)


def test_a_hung_jira_is_retried_only_within_the_total(clock):
    policy = RetryPolicy(total_seconds=3.0)  # attempt, wait 1 s, attempt, then 2 s > 3
    with SilentListener() as jira, client(jira.url, clock, policy,
                                          timeout_seconds=0.2) as fetching:
        with pytest.raises(JiraUnavailable, match=r"no answer within 0\.2 s after 1 retry; "
                                                  r"gave up at the 3 s limit"):
            fetching.myself()
        assert fetching.requests_made == 2
        assert jira.connections == 2


def test_one_attempt_always_gets_the_full_timeout():
    assert RetryPolicy().total_seconds == 180.0
    assert INTERACTIVE.max_retries == 0


def test_the_default_total_bounds_a_fetch_request_against_a_refused_port(clock):
    with (client(closed_port_url(), clock, RetryPolicy()) as fetching,
          pytest.raises(JiraUnavailable, match=r"after 5 retries \(one request with "
                                              r"its retries is limited to 180 s\)\.$")):
        fetching.myself()
    assert sum(clock.sleeps) < RetryPolicy().total_seconds
