"""Fixtures for cache and sync tests: a JIRA simulator with a small project.

The project has ``PROJECT_SIZE`` issues (stories, bugs, deployments with the
environment and failure custom fields, incidents), all with real changelogs built
by ``tests.builders.issue``. Requests are counted at the simulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from configuration.settings import (
    DeploymentSettings,
    DoraSettings,
    JiraSettings,
    RateLimit,
    Settings,
)
from data.cache.store import IssueStore
from data.jira.client import JiraClient
from data.simulator.server import JiraSimulator
from tests.builders import issue, option

PROJECT_SIZE = 120
START = datetime(2026, 1, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 1, tzinfo=UTC)  # the injected "now" of the first sync
TOKEN = "s3cr3t-Token-ZZ9"
EMAIL = "lead@example.com"
TYPES = ("Story", "Bug", "Deployment", "Incident", "Tech Debt")


def project_issue(n: int, *, created: datetime | None = None) -> dict[str, Any]:
    """Issue DEMO-n: created, started a day later, done four days later (most)."""
    kind = TYPES[n % len(TYPES)]
    born = created or START + timedelta(hours=7 * n)
    steps = [(born + timedelta(days=1), "To Do", "In Progress")]
    if n % 4:
        steps.append((born + timedelta(days=4), "In Progress", "Done"))
    fields: dict[str, Any] = {}
    if kind == "Deployment":
        fields = {
            "customfield_10050": option("Production" if n % 3 else "Staging"),
            "customfield_10051": option("Yes" if n % 7 == 0 else "No"),
            "customfield_10060": (born + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        }
    return issue(f"DEMO-{n}", kind, born, transitions=steps, fields=fields,
                 resolved=steps[-1][0] if len(steps) > 1 else None)


def project(size: int = PROJECT_SIZE) -> list[dict[str, Any]]:
    return [project_issue(n) for n in range(1, size + 1)]


def settings_for(url: str, jql: str = "project = DEMO ORDER BY created DESC") -> Settings:
    return Settings(
        jira=JiraSettings(
            url=url, email=EMAIL, token=TOKEN, jql=jql, page_size=50,
            rate_limit=RateLimit(requests=1000, per_seconds=1.0),
        ),
        dora=DoraSettings(
            deployments=DeploymentSettings(
                environment_field="customfield_10050", failure_field="customfield_10051"
            )
        ),
    )


def client_for(settings: Settings) -> JiraClient:
    return JiraClient(settings.jira)


def with_jira(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, jira=replace(settings.jira, **changes))


@pytest.fixture
def simulator() -> Iterator[JiraSimulator]:
    with JiraSimulator(project(), email=EMAIL, token=TOKEN) as sim:
        yield sim


@pytest.fixture
def settings(simulator: JiraSimulator) -> Settings:
    return settings_for(simulator.url)


@pytest.fixture
def store_root(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "issues"


@pytest.fixture
def store(store_root: Path, settings: Settings) -> IssueStore:
    return IssueStore.for_jira(store_root, settings.jira)
