"""The command line imports only what a command needs: no web or team stack for
``metrics`` and ``fetch`` (they cost the CLI most of a second before any work). The
lazy side, ``app.server`` building the dashboard, is tested in ``test_app.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from configuration.validation import settings_to_dict
from data.simulator.demo_data import generate_demo_issues
from data.simulator.demo_settings import demo_settings
from data.simulator.server import JiraSimulator

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("dash", "flask", "celery", "redis", "plotly")
# Runs app.py as __main__ and then writes which of HEAVY got imported to argv[1].
RUNNER = """
import json, runpy, sys
out, sys.argv = sys.argv[1], ["app.py", *sys.argv[2:]]
try:
    runpy.run_path("app.py", run_name="__main__")
except SystemExit as end:
    code = end.code
with open(out, "w") as handle:
    json.dump({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}, handle)
""".replace("HEAVY", repr(HEAVY))


def run_app(tmp_path: Path, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("JIRA_API_TOKEN", "REDIS_URL")}
    env.update(DASHBOARD_LOG_DIR=str(tmp_path / "logs"),
               DASHBOARD_CACHE_DIR=str(tmp_path / "cache"))
    out = tmp_path / "loaded.json"
    result = subprocess.run([sys.executable, "-c", RUNNER, str(out), *args], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.exists(), result.stderr[-2000:]
    return {**json.loads(out.read_text()), "stderr": result.stderr}


@pytest.fixture(scope="module")
def demo_issues() -> list[dict]:
    return generate_demo_issues(anchor=datetime(2026, 1, 1, tzinfo=UTC), count=60)


def test_metrics_on_an_issues_file_imports_no_web_or_team_stack(tmp_path, demo_issues):
    issues = tmp_path / "issues.json"
    issues.write_text(json.dumps(demo_issues))
    settings = tmp_path / "settings.json"
    settings.write_text("{}")
    run = run_app(tmp_path, "metrics", "--settings", str(settings), "--issues", str(issues),
                  "--as-of", "2026-01-01T00:00:00Z", "--days", "182")
    assert run["code"] == 0, run["stderr"]
    assert run["loaded"] == []


def test_fetch_imports_no_web_or_team_stack(tmp_path, demo_issues):
    with JiraSimulator(demo_issues) as simulator:
        settings = tmp_path / "settings.json"
        settings.write_text(json.dumps(
            settings_to_dict(demo_settings(simulator.url), include_token=True)))
        run = run_app(tmp_path, "fetch", "--settings", str(settings))
    assert run["code"] == 0, run["stderr"]
    assert run["loaded"] == []
    assert (tmp_path / "cache" / "issues").is_dir()  # it did fetch into the cache

