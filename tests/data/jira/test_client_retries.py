"""Retries over real HTTP: Retry-After honoured (fake and real time), back-off
schedule, exhaustion, timeouts, connection errors, and pacing against a server limit."""

from __future__ import annotations

import socket
import threading
from email.utils import formatdate

import pytest

from configuration.errors import JiraCancelled, JiraRateLimited, JiraUnavailable
from configuration.settings import RateLimit
from data.jira.client import JiraClient
from data.jira.token_bucket import TokenBucket
from data.simulator.server import JiraSimulator
from tests.data.jira.conftest import EMAIL, TOKEN, MakeClient, settings_for
from tests.data.jira.fakes import FakeClock
from tests.data.jira.scripted_server import Reply, ScriptedServer

BACKOFF = [1.0, 2.0, 4.0, 8.0, 16.0]


def _assert_backoff(sleeps: list[float], count: int) -> None:
    assert len(sleeps) == count
    for waited, base in zip(sleeps, BACKOFF, strict=False):
        assert base <= waited <= base * 1.2


def test_503_then_success_backs_off_exponentially(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.fail_next(2, 503, retry_after=None)
    client = make_client(cloud_sim.url)
    assert client.myself()["displayName"] == "Demo User"
    _assert_backoff(clock.sleeps, 2)
    assert client.requests_made == 3


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_waited_exactly(
    status: int, cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.fail_next(1, status, retry_after=7)
    client = make_client(cloud_sim.url)
    client.server_info()
    assert clock.sleeps == [7.0]
    assert client.rate_limited == (1 if status == 429 else 0)


def test_retry_after_http_date_is_waited_until_that_time(
    make_client: MakeClient, clock: FakeClock
) -> None:
    now = 1_780_000_000.0
    date = formatdate(now + 30, usegmt=True)
    replies = [Reply(429, {"errorMessages": []}, {"Retry-After": date}), Reply(200, {"a": 1})]
    with ScriptedServer(replies) as server:
        client = JiraClient(settings_for(server.url), sleep=clock.sleep, clock=clock,
                            wall_clock=lambda: now)
        assert client.myself() == {"a": 1}
    assert clock.sleeps == [30.0]


def test_503_exhausted_after_five_retries(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.fail_next(6, 503, retry_after=None)
    client = make_client(cloud_sim.url)
    with pytest.raises(JiraUnavailable, match=r"is unreachable: HTTP 503 after 5 retries") as err:
        client.myself()
    assert f"{cloud_sim.url}/rest/api/3/myself" in str(err.value)
    assert err.value.status == 503
    _assert_backoff(clock.sleeps, 5)
    assert client.requests_made == 6


def test_429_exhausted_raises_rate_limited(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.fail_next(6, 429, retry_after=3)
    client = make_client(cloud_sim.url)
    with pytest.raises(JiraRateLimited, match="keeps rate-limiting"):
        client.myself()
    assert clock.sleeps == [3.0] * 5
    assert client.rate_limited == 6


def test_a_retry_after_beyond_reason_gives_up_at_once(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.fail_next(1, 429, retry_after=3600)
    with pytest.raises(JiraRateLimited, match="asked to wait 3600 s"):
        make_client(cloud_sim.url).myself()
    assert clock.sleeps == []


def test_proxy_html_502_is_retried(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.serve_html_next(1, status=502)
    assert make_client(cloud_sim.url).server_info()["deploymentType"] == "Cloud"
    _assert_backoff(clock.sleeps, 1)


def test_timeout_is_retried(make_client: MakeClient, clock: FakeClock) -> None:
    """Rule: a request that times out is retried after a back-off. The first answer is
    held back until the test ends, so it times out however loaded the machine is."""
    release = threading.Event()
    replies = [Reply(200, {"slow": True}, hold=release), Reply(200, {"ok": 1})]
    with ScriptedServer(replies) as srv:
        client = make_client(srv.url, timeout_seconds=1.0)
        try:
            assert client.myself() == {"ok": 1}
        finally:
            release.set()
    _assert_backoff(clock.sleeps, 1)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_retried_then_unavailable(
    make_client: MakeClient, clock: FakeClock
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(JiraUnavailable, match=r"is unreachable: \[Errno 111\] Connection refused"):
        make_client(url).myself()
    _assert_backoff(clock.sleeps, 5)


def test_the_default_client_waits_on_the_bucket_it_was_given(cloud_sim: JiraSimulator) -> None:
    """Rule: a Retry-After wait goes through the client's rate limiter (its clock and
    its sleep), never a private sleep of the transport: a client built without a fake
    clock of its own, on a fake-clocked bucket, waits exactly the server's hint."""
    clock = FakeClock()
    bucket = TokenBucket(1000, 1.0, clock=clock, sleep=clock.sleep)
    cloud_sim.fail_next(1, 429, retry_after=1)
    with JiraClient(settings_for(cloud_sim.url), bucket=bucket, clock=clock) as client:
        client.myself()
    assert clock.sleeps == [1.0]
    assert cloud_sim.stats.rate_limited == 1


def test_retry_after_pauses_every_thread_sharing_the_bucket(cloud_sim: JiraSimulator) -> None:
    """Rule: a pause is the bucket's, not the thread's. Thread A gets a 429 with
    Retry-After: 1 and sleeps (held asleep until B is done); B, sharing A's bucket,
    asks meanwhile and must wait for the same pause although it was never told."""
    clock = FakeClock()
    a_asleep, b_done = threading.Event(), threading.Event()
    b_sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        if threading.current_thread().name == "A":
            a_asleep.set()
            b_done.wait(timeout=30)
        else:
            b_sleeps.append(seconds)
        clock.sleep(seconds)

    bucket = TokenBucket(1000, 1.0, clock=clock, sleep=sleep)
    cloud_sim.fail_next(1, 429, retry_after=1)
    with JiraClient(settings_for(cloud_sim.url), bucket=bucket, clock=clock) as first, \
            JiraClient(settings_for(cloud_sim.url), bucket=bucket, clock=clock) as second:
        thread = threading.Thread(target=first.myself, name="A")
        thread.start()
        assert a_asleep.wait(timeout=30)
        second.server_info()
        b_done.set()
        thread.join()
    assert b_sleeps == [1.0]
    assert second.rate_limited == 0
    assert first.rate_limited == 1


def test_client_paced_like_the_server_gets_no_429(demo_issues: list) -> None:
    """Rule: a client configured with the server's limit never earns a 429. Server and
    client share one fake clock, both allowing 5 requests a second: 15 requests take
    the burst, then one request per refill, and the server refuses none."""
    clock = FakeClock()
    with JiraSimulator(demo_issues, email=EMAIL, token=TOKEN, rate_limit=(5, 1.0),
                       rate_clock=clock) as sim, \
            JiraClient(settings_for(sim.url, rate_limit=RateLimit(5, 1.0)),
                       clock=clock, sleep=clock.sleep) as client:
        started = clock.now
        for _ in range(15):
            client.server_info()
        assert sim.stats.rate_limited == 0
    # with_headroom: a burst of 4, then 11 requests at 5 per second
    assert clock.now - started == pytest.approx(11 / 5)


def test_client_faster_than_the_server_recovers_through_retry_after(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.set_rate_limit(3, 1000.0)  # 3 now, then one every 333 s
    client = make_client(cloud_sim.url)
    for _ in range(3):
        client.server_info()
    cloud_sim.set_rate_limit(None)
    cloud_sim.fail_next(1, 429, retry_after=2)
    client.server_info()
    assert clock.sleeps == [2.0]


def test_cancel_is_checked_between_retries(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    cloud_sim.fail_next(3, 503, retry_after=None)
    client = make_client(cloud_sim.url)
    with pytest.raises(JiraCancelled):
        client.count("project = DEMO", cancel=lambda: len(clock.sleeps) >= 1)
    assert client.requests_made == 1
    assert len(clock.sleeps) == 1
