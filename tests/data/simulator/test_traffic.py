"""Rate limit (429 + Retry-After), injected 503s and HTML pages, and the request stats."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from data.simulator.server import JiraSimulator
from data.simulator.traffic import RateGate
from tests.builders import issue

ISSUES = [issue(f"DEMO-{n}") for n in range(1, 6)]
AUTH = ("demo@example.com", "demo-token")


def myself(sim: JiraSimulator, auth: tuple[str, str] | None = AUTH) -> requests.Response:
    return requests.get(f"{sim.url}/rest/api/3/myself", auth=auth, timeout=10)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("drained_for", "expected_wait"), [
    (0.0, 1.0), (0.25, 0.75), (0.5, 0.5), (0.9, pytest.approx(0.1)),
])
def test_rate_gate_refills_continuously(drained_for: float, expected_wait: float) -> None:
    clock = FakeClock()
    gate = RateGate(clock)
    gate.configure((10, 10.0))  # one token a second, ten at most
    assert [gate.take() for _ in range(10)] == [None] * 10
    clock.now += drained_for
    assert gate.take() == expected_wait
    clock.now += 1.0
    assert gate.take() is None


def test_rate_gate_never_holds_more_than_its_capacity() -> None:
    clock = FakeClock()
    gate = RateGate(clock)
    gate.configure((3, 1.0))
    clock.now += 3600
    assert [gate.take() is None for _ in range(4)] == [True, True, True, False]


def test_over_the_limit_answers_429_with_whole_seconds() -> None:
    with JiraSimulator(ISSUES, rate_limit=(5, 10.0)) as sim:
        answers = [myself(sim) for _ in range(6)]
        stats = sim.stats
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[-1].headers["Retry-After"] == "2"  # a token every 2 s, ceil
    assert answers[-1].json()["errorMessages"] == ["Rate limit exceeded."]
    assert (stats.requests, stats.rate_limited) == (6, 1)


def test_retry_after_can_be_fixed_for_fast_tests() -> None:
    with JiraSimulator(ISSUES, rate_limit=(1, 60.0), retry_after_seconds=0.25) as sim:
        codes = [myself(sim).status_code for _ in range(2)]
        again = myself(sim)
    assert codes == [200, 429]
    assert again.headers["Retry-After"] == "0.25"


def test_set_rate_limit_applies_from_now_on() -> None:
    with JiraSimulator(ISSUES) as sim:
        before = [myself(sim).status_code for _ in range(3)]
        sim.set_rate_limit(2, 10.0)
        after = [myself(sim).status_code for _ in range(3)]
        sim.set_rate_limit(None)
        lifted = myself(sim).status_code
    assert (before, after, lifted) == ([200] * 3, [200, 200, 429], 200)


def test_first_requests_fail_with_503_and_retry_after_one() -> None:
    with JiraSimulator(ISSUES, fail_503=2) as sim:
        answers = [myself(sim) for _ in range(3)]
        stats = sim.stats
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert [a.headers.get("Retry-After") for a in answers[:2]] == ["1", "1"]
    assert stats.unavailable == 2


def test_fail_next_with_any_status_and_no_retry_after() -> None:
    with JiraSimulator(ISSUES) as sim:
        myself(sim)
        sim.fail_next(1, status=500, retry_after=None)
        failed, ok = myself(sim), myself(sim)
    assert (failed.status_code, ok.status_code) == (500, 200)
    assert "Retry-After" not in failed.headers


def test_faults_come_before_the_credential_check() -> None:
    with JiraSimulator(ISSUES) as sim:
        sim.fail_next(1)
        assert myself(sim, auth=None).status_code == 503
        assert myself(sim, auth=None).status_code == 401


@pytest.mark.parametrize(("status", "title"), [(502, "502 Bad Gateway"),
                                               (504, "504 Gateway Timeout")])
def test_html_proxy_page_once(status: int, title: str) -> None:
    with JiraSimulator(ISSUES) as sim:
        sim.serve_html_next(1, status=status)
        page, ok = myself(sim), myself(sim)
    assert page.status_code == status
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.text.startswith("<html>")
    assert f"<title>{title}</title>" in page.text
    assert ok.json()["emailAddress"] == "demo@example.com"


def test_stats_count_paths_statuses_and_concurrency() -> None:
    with JiraSimulator(ISSUES, delay_seconds=0.2) as sim:
        barrier = threading.Barrier(4)

        def one(_: int) -> int:
            barrier.wait()
            return myself(sim).status_code

        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(one, range(4)))
        requests.get(f"{sim.url}/rest/api/3/field", timeout=10)  # no auth: 401
        stats = sim.stats
        sim.reset_stats()
        after_reset = sim.stats
    assert codes == [200] * 4
    assert stats.requests == 5
    assert dict(stats.by_path) == {"/rest/api/3/myself": 4, "/rest/api/3/field": 1}
    assert dict(stats.by_status) == {200: 4, 401: 1}
    assert stats.max_concurrent >= 2
    assert (after_reset.requests, after_reset.max_concurrent, dict(after_reset.by_path)) == (
        0, 0, {})


def test_wrong_method_is_405() -> None:
    with JiraSimulator(ISSUES) as sim:
        response = requests.get(f"{sim.url}/rest/api/3/changelog/bulkfetch", auth=AUTH,
                                timeout=10)
    assert response.status_code == 405


def test_stop_drops_open_connections_and_releases_the_port() -> None:
    sim = JiraSimulator(ISSUES).start()
    url = sim.url
    with requests.Session() as session:
        session.auth = AUTH
        assert session.get(f"{url}/rest/api/3/myself", timeout=5).status_code == 200
        sim.stop()  # the session's kept-alive connection must not be answered any more
        with pytest.raises(requests.ConnectionError):
            session.get(f"{url}/rest/api/3/myself", timeout=5)
    with pytest.raises(RuntimeError):
        _ = sim.url
    assert myself(sim.start()).status_code == 200  # a stopped simulator can start again
    sim.stop()
