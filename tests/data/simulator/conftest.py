"""Fixtures for simulator tests: the demo project at a fixed anchor, served over HTTP.

``demo_issues`` is generated once per session (it takes a fraction of a second, but
many tests read it); servers are started per test so stats and faults never leak.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from data.simulator.demo_data import generate_demo_issues
from data.simulator.server import JiraSimulator
from tests.data.simulator.helpers import ANCHOR, AUTH


@pytest.fixture(scope="session")
def demo_issues() -> list[dict[str, Any]]:
    return generate_demo_issues(anchor=ANCHOR)


@pytest.fixture
def cloud(demo_issues: list[dict[str, Any]]) -> Iterator[JiraSimulator]:
    with JiraSimulator(demo_issues, clock=lambda: ANCHOR) as sim:
        yield sim


@pytest.fixture
def datacenter(demo_issues: list[dict[str, Any]]) -> Iterator[JiraSimulator]:
    with JiraSimulator(demo_issues, flavor="datacenter", clock=lambda: ANCHOR) as sim:
        yield sim


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.auth = AUTH
        yield session
