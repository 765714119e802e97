"""Fixtures for the JIRA client tests: issues, simulators, a fake clock, clients.

Terms: *sim* is a running :class:`JiraSimulator` on 127.0.0.1; *fast client* is a
client on a :class:`FakeClock` (every wait is recorded, none is slept) with a rate
limit high enough never to matter unless a test sets one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from configuration.settings import JiraSettings, RateLimit
from data.jira.client import JiraClient
from data.simulator.server import JiraSimulator
from tests import builders
from tests.data.jira.fakes import FakeClock

EMAIL, TOKEN, PAT = "demo@example.com", "demo-token-5ecret", "pat-5ecret-0123"
JQL = "project = DEMO"
LONG = {"DEMO-901": 95, "DEMO-902": 41, "DEMO-903": 250}  # key -> status changes


def _demo_issues() -> list[dict[str, Any]]:
    plain = [
        builders.issue(
            f"DEMO-{n}",
            transitions=[("2026-01-02T10:00:00.000+0530", "To Do", "In Progress")],
        )
        for n in range(1, 231)
    ]
    return plain + [builders.busy_issue(key, changes) for key, changes in LONG.items()]


@pytest.fixture(scope="session")
def demo_issues() -> list[dict[str, Any]]:
    """233 issues; three have long changelogs (41, 95 and 250 status changes)."""
    return _demo_issues()


@pytest.fixture
def cloud_sim(demo_issues: list[dict[str, Any]]) -> Iterator[JiraSimulator]:
    with JiraSimulator(demo_issues, flavor="cloud", email=EMAIL, token=TOKEN) as sim:
        yield sim


@pytest.fixture
def dc_sim(demo_issues: list[dict[str, Any]]) -> Iterator[JiraSimulator]:
    with JiraSimulator(
        demo_issues, flavor="datacenter", email=EMAIL, token=TOKEN, pat=PAT
    ) as sim:
        yield sim


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def settings_for(url: str, flavor: str = "cloud", **overrides: Any) -> JiraSettings:
    values: dict[str, Any] = {
        "url": url,
        "flavor": flavor,
        "email": EMAIL,
        "token": TOKEN,
        "jql": JQL,
        "page_size": 50,
        "rate_limit": RateLimit(10_000, 1.0),
        "timeout_seconds": 5.0,
    }
    values.update(overrides)
    return JiraSettings(**values)


MakeClient = Callable[..., JiraClient]


@pytest.fixture
def make_client(clock: FakeClock) -> Iterator[MakeClient]:
    """``make_client(url, flavor="cloud", **settings)``: a fast client, closed afterwards."""
    made: list[JiraClient] = []

    def make(url: str, flavor: str = "cloud", **overrides: Any) -> JiraClient:
        client = JiraClient(
            settings_for(url, flavor, **overrides), sleep=clock.sleep, clock=clock
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
