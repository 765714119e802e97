"""The fetch soak in single-process mode (issue 10, item 1; see tests/integration/soak.py).

The dashboard serves from a subprocess with the app's logging on (JSON files, as
``app.py serve``), its settings pointing at a JIRA simulator run by this test, so
faults and slow answers can be injected between the steps.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from data.simulator.demo_data import generate_demo_issues
from data.simulator.server import JiraSimulator
from tests.integration.conftest import serve
from tests.integration.soak import Target, run_soak
from tests.processes import threads_but_the_allocator
from tests.scale.stack import team_stack, write_settings

pytestmark = pytest.mark.browser

SEED = 20261204
ISSUES = 200


def test_every_fetch_ends_and_both_tabs_show_the_right_numbers(browser, tmp_path):
    issues = generate_demo_issues(anchor=datetime.now(UTC), count=ISSUES)
    with JiraSimulator(issues, retry_after_seconds=0.05) as simulator:
        directory = tmp_path / "server"
        directory.mkdir()
        write_settings(directory / "settings.json", simulator.url, page_size=50)
        with serve(directory, log_dir=tmp_path / "logs") as server:
            target = Target(server.url, simulator, server.settings_path, server.cache_dir)
            tabs = run_soak(browser, target, tmp_path / "independent", seed=SEED)
    outcomes = Counter(outcome for tab in tabs for outcome in tab.outcomes)
    assert set(outcomes) <= {"done", "failed", "cancelled"}
    assert outcomes["done"] > 0, outcomes
    for tab in tabs:
        assert tab.watched.errors == [], tab.watched.errors
    records = [json.loads(line) for line in (tmp_path / "logs" / "app.log").read_text()
               .splitlines()]
    loggers = Counter(record["logger"] for record in records)
    assert loggers["werkzeug"] > 0  # request threads logged all along
    if outcomes["failed"]:  # the job processes log into the same files
        assert loggers["callbacks.fetch"] > 0, loggers


@pytest.mark.redis
def test_in_team_mode_every_fetch_ends_and_both_tabs_show_the_right_numbers(browser,
                                                                          tmp_path):
    """gunicorn (2 workers), one Celery worker, a private Redis (tests/scale/stack.py)."""
    with team_stack(tmp_path, anchor=datetime.now(UTC), issue_count=ISSUES, web_workers=2,
                    celery_concurrency=2) as stack:
        target = Target(stack.web_url, stack.simulator, stack.settings_path, stack.cache_dir)
        tabs = run_soak(browser, target, tmp_path / "independent", seed=SEED)
        # The Celery worker's main process forks the pool processes the jobs run in
        # (again after a Cancel kills one): it must have no other thread holding a lock.
        threads = threads_but_the_allocator(stack.worker.process.pid)
        web_log = stack.web.text()
    outcomes = Counter(outcome for tab in tabs for outcome in tab.outcomes)
    assert set(outcomes) <= {"done", "failed", "cancelled"}
    assert outcomes["done"] > 0, outcomes
    for tab in tabs:
        assert tab.watched.errors == [], tab.watched.errors
    assert len(threads) == 1, threads
    assert '" 500 ' not in web_log  # every request answered, scripts included
