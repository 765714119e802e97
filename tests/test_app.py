"""The command line of METRICS.md section 6: arguments, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

import app
from configuration.errors import JiraAuthError
from configuration.logging_config import shutdown_logging

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "cli-secret-token-24680"


def run_cli(*args: str, tmp_path: Path, timeout: float = 60,
            extra_env: dict[str, str] | None = None,
            log_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JIRA_API_TOKEN"} | (extra_env or {})
    env["DASHBOARD_LOG_DIR"] = str(log_dir or tmp_path / "logs")
    env["DASHBOARD_CACHE_DIR"] = str(tmp_path / "cache")
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    return result.stderr


USAGE_ERRORS = [
    # (arguments, words in the one stderr line)
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["frobnicate"], "unrecognized arguments: frobnicate"),
    (["--port", "http"], "argument --port: not a whole number"),
    (["--port", "70000"], "argument --port: must be between 0 and 65535"),
    (["metrics", "--days", "0"], "argument --days: must be between 1 and 3650"),
    (["metrics", "--days", "ninety"], "argument --days: not a whole number"),
    (["metrics", "--as-of", "yesterday"], "argument --as-of: not an ISO 8601 date-time"),
    (["metrics", "--as-of"], "argument --as-of: expected one argument"),
    (["fetch", "--full", "now"], "unrecognized arguments: now"),
    (["metrics", "--settings"], "argument --settings: expected one argument"),
]


@pytest.mark.parametrize(("args", "words"), USAGE_ERRORS)
def test_bad_arguments_exit_2_with_one_line(tmp_path, args, words):
    line = assert_one_line_error(run_cli(*args, tmp_path=tmp_path))
    assert line.startswith("app.py: error: ")
    assert words in line


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


BAD_INPUT = [
    # (command, settings file content or None for a missing file, words in the error)
    ("metrics", None, "The settings file {path} does not exist."),
    ("fetch", None, "The settings file {path} does not exist."),
    ("metrics", '{"jira": {"url": "https://x.net",}}', "is not valid JSON"),
    ("metrics", '{"jira": {\n"url": 1\n', "line 3"),
    ("fetch", '{"period_days": -1}', "{path}: period_days: must be a whole number of at least 1"),
    ("metrics", '{"jira": {"url": "ftp://x", "token": "' + TOKEN + '"}, "x": 1}',
     "2 problems in the settings: jira.url: "),
]


@pytest.mark.parametrize(("command", "content", "words"), BAD_INPUT)
def test_bad_input_exits_2_with_one_line(tmp_path, command, content, words):
    path = tmp_path / "settings.json"
    if content is not None:
        write(path, content)
    line = assert_one_line_error(run_cli(command, "--settings", str(path), tmp_path=tmp_path))
    assert line.startswith("error: ")
    assert words.format(path=path) in line
    assert TOKEN not in line
    for log_file in (tmp_path / "logs").glob("*.log"):
        assert TOKEN not in log_file.read_text()


def test_a_missing_issues_file_exits_2(tmp_path):
    settings = write(tmp_path / "settings.json", "{}")
    result = run_cli("metrics", "--settings", str(settings), "--issues", "nope.json",
                     tmp_path=tmp_path)
    assert "The issues file nope.json does not exist." in assert_one_line_error(result)


def test_help_exits_0_and_lists_the_commands(tmp_path):
    result = run_cli("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("serve", "fetch", "metrics"))


@pytest.mark.parametrize(("argv", "command", "host", "port"), [
    ([], "serve", "127.0.0.1", 8050),
    (["--port", "9001"], "serve", "127.0.0.1", 9001),
    (["serve", "--host", "0.0.0.0", "--port", "0"], "serve", "0.0.0.0", 0),
    (["fetch", "--full"], "fetch", None, None),
])
def test_serve_is_the_default_command(argv, command, host, port):
    args = app.parse_args(argv)
    assert args.command == command
    assert getattr(args, "host", None) == host
    assert getattr(args, "port", None) == port


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-01-01T00:00:00Z", datetime(2026, 1, 1, tzinfo=UTC)),
    ("2026-01-01T05:30:00+05:30", datetime(2026, 1, 1, tzinfo=UTC)),
    ("2025-12-31T19:00:00.000-0500", datetime(2026, 1, 1, tzinfo=UTC)),
    ("2026-01-01T00:00:00", datetime(2026, 1, 1, tzinfo=UTC)),
    ("2026-01-01", datetime(2026, 1, 1, tzinfo=UTC)),
])
def test_as_of_is_an_aware_utc_instant(text, expected):
    as_of = app.parse_args(["metrics", "--as-of", text]).as_of
    assert as_of == expected
    assert as_of.tzinfo is UTC


@pytest.fixture
def service(monkeypatch, tmp_path) -> Iterator[types.ModuleType]:
    """A stand-in ``data.service`` recording its calls; logging goes to tmp_path."""
    module = types.ModuleType("data.service")
    module.calls = []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "data.service", module)
    monkeypatch.setenv("DASHBOARD_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    yield module
    shutdown_logging()


def test_metrics_prints_the_service_result_as_json(service, tmp_path, capsys):
    def metrics_command(settings: Any, issues: Path | None, as_of: datetime, days: int, *,
                        cache_dir: Path, clauses: tuple = ()) -> dict:
        service.calls.append((settings.period_days, issues, as_of, days, cache_dir))
        return {"as_of": as_of.isoformat(), "period_days": days}

    service.metrics_command = metrics_command
    settings = write(tmp_path / "s.json", '{"period_days": 60}')
    issues = write(tmp_path / "issues.json", "[]")
    status = app.main(["metrics", "--settings", str(settings), "--issues", str(issues),
                       "--as-of", "2026-01-01T00:00:00Z"])
    out = capsys.readouterr()
    assert status == 0
    assert json.loads(out.out) == {"as_of": "2026-01-01T00:00:00+00:00", "period_days": 60}
    assert out.err == ""
    assert service.calls == [(60, issues, datetime(2026, 1, 1, tzinfo=UTC), 60,
                              tmp_path / "cache")]


def test_days_overrides_the_settings_period_and_as_of_defaults_to_now(service, tmp_path, capsys):
    service.metrics_command = (
        lambda s, i, as_of, days, **_: service.calls.append((i, as_of, days)) or {})
    settings = write(tmp_path / "s.json", "{}")
    before = datetime.now(UTC)
    assert app.main(["metrics", "--settings", str(settings), "--days", "14"]) == 0
    issues, as_of, days = service.calls[0]
    assert (issues, days) == (None, 14)
    assert before <= as_of <= datetime.now(UTC)
    assert json.loads(capsys.readouterr().out) == {}


def test_fetch_draws_progress_on_stderr_and_prints_the_summary(service, tmp_path, capsys):
    def fetch_command(settings: Any, full: bool, progress: Any, *, cache_dir: Path) -> str:
        service.calls.append(cache_dir)
        for fetched in (0, 50, 100):
            progress(fetched, 100)
        return f"fetched 100 issues (full={full})"

    service.fetch_command = fetch_command
    settings = write(tmp_path / "s.json", "{}")
    assert app.main(["fetch", "--settings", str(settings), "--full"]) == 0
    out = capsys.readouterr()
    assert out.out == "fetched 100 issues (full=True)\n"
    assert service.calls == [tmp_path / "cache"]  # DASHBOARD_CACHE_DIR is honoured
    assert "[------------------------------] 0/100 issues" in out.err
    assert "[" + "#" * 30 + "] 100/100 issues" in out.err


def test_a_dashboard_error_from_a_command_exits_2_with_its_message(service, tmp_path, capsys):
    def fetch_command(settings: Any, full: bool, progress: Any, **_: Any) -> str:
        raise JiraAuthError("JIRA rejected the credentials (401).", status=401)

    service.fetch_command = fetch_command
    assert app.main(["fetch"]) == 2
    assert capsys.readouterr().err == "error: JIRA rejected the credentials (401).\n"
    errors = (tmp_path / "logs" / "errors.log").read_text()
    assert "JiraAuthError" in errors


def test_an_unexpected_error_exits_1_with_the_traceback_only_in_the_log(service, tmp_path,
                                                                         capsys):
    def metrics_command(*args: Any, **kwargs: Any) -> dict:
        raise ZeroDivisionError("division by zero")

    service.metrics_command = metrics_command
    assert app.main(["metrics"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("unexpected error (ZeroDivisionError): division by zero; details in ")
    assert "Traceback" not in err
    assert "Traceback" in (tmp_path / "logs" / "errors.log").read_text()


@pytest.mark.parametrize(("calls", "expected"), [
    ([(3, None)], "3 issues fetched\n"),
    ([(1, 4)], "[#######-----------------------] 1/4 issues\n"),
    ([(9, 4)], "[" + "#" * 30 + "] 9/4 issues\n"),
])
def test_the_progress_bar_without_a_terminal_prints_lines(calls, expected):
    stream = io.StringIO()
    bar = app.ProgressBar(stream)
    for fetched, expected_total in calls:
        bar(fetched, expected_total)
    bar.finish()
    assert stream.getvalue() == expected


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_on_loopback(tmp_path):
    port = free_port()
    env = {**os.environ, "DASHBOARD_LOG_DIR": str(tmp_path / "logs"),
           "DASHBOARD_CACHE_DIR": str(tmp_path / "cache")}
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--settings",
         str(tmp_path / "settings.json")],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, response = time.monotonic() + 60, None
        while time.monotonic() < deadline and response is None:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            except requests.ConnectionError:
                assert server.poll() is None, "the server exited"
                time.sleep(0.2)
        assert response is not None
        assert response.status_code == 200
        assert "<html" in response.text.lower()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_metrics_end_to_end_on_a_raw_issues_file(tmp_path):
    from data.simulator.demo_data import generate_demo_issues

    issues = generate_demo_issues(anchor=datetime(2026, 1, 1, tzinfo=UTC), count=40)
    issues_file = write(tmp_path / "issues.json", json.dumps({"issues": issues}))
    settings = write(tmp_path / "settings.json", '{"period_days": 30}')
    result = run_cli("metrics", "--settings", str(settings), "--issues", str(issues_file),
                     "--as-of", "2026-01-01T00:00:00Z", "--days", "60", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["as_of"] == "2026-01-01T00:00:00+00:00"
    assert report["period_days"] == 60
    assert report["issues"] == 40
    assert set(report["dora"]) == {"deployment_frequency", "lead_time_for_changes",
                                   "change_failure_rate", "time_to_restore"}
    assert set(report["flow"]) >= {"velocity", "time", "efficiency", "load", "distribution"}


def test_an_issues_file_that_is_not_json_exits_2(tmp_path):
    issues_file = write(tmp_path / "issues.json", '[{"key": "A-1",]')
    settings = write(tmp_path / "settings.json", "{}")
    result = run_cli("metrics", "--settings", str(settings), "--issues", str(issues_file),
                     tmp_path=tmp_path)
    assert assert_one_line_error(result).startswith("error: ")


def test_serve_refuses_an_exposed_address_without_access_control(tmp_path):
    result = run_cli("--host", "0.0.0.0", "--port", str(free_port()), "--settings",
                     str(tmp_path / "settings.json"), tmp_path=tmp_path)
    line = assert_one_line_error(result)
    assert "DASH_USERS" in line


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1"])
def test_serve_refuses_debug_on_an_exposed_address_even_with_a_login(tmp_path, host):
    result = run_cli("--host", host, "--port", str(free_port()), "--debug", "--settings",
                     str(tmp_path / "settings.json"), tmp_path=tmp_path,
                     extra_env={"DASH_USERS": "alice:s3cret"})
    line = assert_one_line_error(result)
    assert line == f"error: --debug is refused on {host}: serve on 127.0.0.1 to debug.\n"


def test_app_exposes_the_dashboard_server_for_wsgi_servers(tmp_path):
    code = ("import app, flask; assert isinstance(app.server, flask.Flask); "
            "print(app.server.name)")
    env = {k: v for k, v in os.environ.items() if k not in ("JIRA_API_TOKEN", "REDIS_URL")}
    env.update(DASHBOARD_LOG_DIR=str(tmp_path / "logs"),
               DASHBOARD_SETTINGS=str(tmp_path / "settings.json"),
               DASHBOARD_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()


def _profile_settings(tmp_path: Path, url: str = "https://jira.example.com") -> Path:
    return write(tmp_path / "settings.json", json.dumps({
        "jira": {"url": url, "email": "lead@example.com", "token": TOKEN,
                 "jql": "project = DEMO"},
        "profiles": {"web": {"filter": ["type=Story"]}, "mobile": {"period_days": 14},
                     "broken": {"jira": {"url": "https://elsewhere.example.com"}}},
    }))


@pytest.mark.parametrize("command", ["fetch", "metrics", "items velocity"])
def test_an_unknown_profile_exits_2_naming_the_profiles(tmp_path, command):
    path = _profile_settings(tmp_path)
    result = run_cli(*command.split(), "--settings", str(path), "--profile", "desktop",
                     tmp_path=tmp_path)
    line = assert_one_line_error(result)
    assert 'Unknown profile "desktop"; the profiles are: default, web, mobile, broken.' in line


def test_a_bad_profile_exits_2_naming_its_key(tmp_path):
    path = _profile_settings(tmp_path)
    line = assert_one_line_error(run_cli("metrics", "--settings", str(path), "--profile",
                                         "broken", tmp_path=tmp_path))
    assert "profiles.broken.jira.url" in line


def test_profiles_sharing_the_jql_cost_one_fetch_end_to_end(tmp_path):
    from data.simulator.server import JiraSimulator
    from tests.data.cache.conftest import EMAIL, project

    with JiraSimulator(project(), email=EMAIL, token=TOKEN) as sim:
        path = _profile_settings(tmp_path, sim.url)
        fetched = run_cli("fetch", "--settings", str(path), "--profile", "web",
                          tmp_path=tmp_path)
        assert fetched.returncode == 0, fetched.stderr
        requests = sim.stats.requests
        assert requests > 0
        reports = {}
        for name in ("web", "mobile", "default"):
            result = run_cli("metrics", "--settings", str(path), "--profile", name,
                             "--as-of", "2026-03-01T00:00:00Z", tmp_path=tmp_path)
            assert result.returncode == 0, result.stderr
            reports[name] = json.loads(result.stdout)
        assert sim.stats.requests == requests  # every metrics came from the one store
    filtered = run_cli("metrics", "--settings", str(path), "--filter", "type=Story",
                       "--as-of", "2026-03-01T00:00:00Z", tmp_path=tmp_path)
    assert json.loads(filtered.stdout) == reports["web"]
    assert reports["mobile"]["period_days"] == 14
    assert reports["web"]["issues"] < reports["default"]["issues"]
