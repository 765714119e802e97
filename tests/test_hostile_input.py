"""Hostile input to the Settings page and the command line (issue 11): each gets one
clear message, and the last good settings, cache and numbers stay as they were."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from callbacks import settings as cb
from callbacks.runtime import Runtime
from data.simulator.server import JiraSimulator
from tests import builders
from tests.callbacks.test_settings import KEYS, form_of
from tests.data.jira.scripted_server import Reply, ScriptedServer
from tests.test_app import assert_one_line_error, run_cli
from tests.ui.tree import text_of

TOKEN = "hostile-test-token-1357"  # a test value, not a credential
AS_OF = "2026-02-01T00:00:00Z"


def _issues() -> list[dict]:
    return [builders.issue(f"DEMO-{n}", "Story", "2026-01-02T09:00:00.000+0000", transitions=[
        ("2026-01-03T10:00:00.000+0000", "To Do", "In Progress"),
        ("2026-01-05T10:00:00.000+0000", "In Progress", "Done")]) for n in range(1, 13)]


def _store_files(cache: Path) -> dict[str, str]:
    """SHA-256 of every issue-store file (the results cache may grow, it is derived)."""
    return {str(p.relative_to(cache)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(cache.rglob("*"))
            if p.is_file() and (p.suffix == ".parquet" or p.name == "manifest.json")}


def _hostile_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "hostile"
    folder.mkdir()
    deep = folder / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    deep_object = folder / "deep-object.json"
    deep_object.write_text('{"jira": ' * 50_000 + "1" + "}" * 50_000)
    binary = folder / "binary.json"
    binary.write_bytes(bytes(range(256)) * 16)
    directory = folder / "a-directory.json"
    directory.mkdir()
    return {"deep": deep, "deep_object": deep_object, "binary": binary,
            "directory": directory}


@pytest.fixture
def configured(tmp_path):
    """A settings file for a (stopped) simulator, its cache filled by ``fetch``."""
    settings = tmp_path / "settings.json"
    with JiraSimulator(_issues(), email="me@example.com", token=TOKEN) as sim:
        settings.write_text(json.dumps({"jira": {
            "url": sim.url, "email": "me@example.com", "token": TOKEN,
            "jql": "project = DEMO"}}))
        fetched = run_cli("fetch", "--settings", str(settings), tmp_path=tmp_path)
        assert fetched.returncode == 0, fetched.stderr
    return settings


def _metrics(settings: Path, tmp_path: Path) -> dict:
    result = run_cli("metrics", "--settings", str(settings), "--as-of", AS_OF,
                     tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_hostile_input_leaves_settings_cache_and_numbers_intact(configured, tmp_path):
    before_settings = configured.read_bytes()
    before_store = _store_files(tmp_path / "cache")
    before_numbers = _metrics(configured, tmp_path)
    assert before_store
    assert before_numbers["issues"] == 12

    files = _hostile_files(tmp_path)
    cli_cases = [
        (["metrics", "--settings", str(files["deep"])], str(files["deep"])),
        (["metrics", "--settings", str(files["deep_object"])], "nested too deeply"),
        (["metrics", "--settings", str(files["binary"])], str(files["binary"])),
        (["metrics", "--settings", str(files["directory"])], "is a directory"),
        (["fetch", "--settings", str(files["directory"])], "is a directory"),
        (["metrics", "--settings", str(configured), "--issues", str(files["deep"])],
         f"The issues file {files['deep']} is nested too deeply"),
        (["metrics", "--settings", str(configured), "--issues", str(files["deep_object"])],
         str(files["deep_object"])),
        (["metrics", "--settings", str(configured), "--issues", str(files["binary"])],
         str(files["binary"])),
        (["metrics", "--settings", str(configured), "--issues", str(files["directory"])],
         "is a directory"),
        (["metrics", "--settings", str(configured), "--as-of", "2300-01-01"], "out of range"),
        (["metrics", "--settings", str(configured), "--as-of", "1600-01-01"], "out of range"),
    ]
    for args, words in cli_cases:
        line = assert_one_line_error(run_cli(*args, tmp_path=tmp_path))
        assert words in line, (args, line)
    unwritable = run_cli("metrics", "--settings", str(configured), tmp_path=tmp_path,
                         log_dir=files["binary"] / "logs")
    assert "Cannot write logs" in assert_one_line_error(unwritable)

    runtime = Runtime(configured, tmp_path / "cache").start()
    with ScriptedServer([Reply(200, {"displayName": "Attacker"})]) as listener:
        hostile_forms = [
            form_of(runtime, jira__url=listener.url),  # the saved token to another host
            form_of(runtime, jira__url="http://user:pw@127.0.0.1:9", jira__token="t-1"),
            form_of(runtime, jira__url="http://127.0.0.1:9/?q=1", jira__token="t-1"),
            form_of(runtime, jira__url="javascript:alert(1)"),
            form_of(runtime, period_days=-5),
            form_of(runtime, period_days=10**9),
            form_of(runtime, jira__email="a b@example.com"),
            form_of(runtime, jira__jql=" "),
        ]
        for form in hostile_forms:
            feedback, summary, fetch = cb.save(runtime, form, KEYS)
            assert fetch is None, form
            assert "Nothing was saved" in text_of(summary)
            assert any(feedback)
            assert TOKEN not in text_of(summary) + " ".join(feedback)
        shown = text_of(cb.test_connection(runtime, hostile_forms[0]))
        assert "type the token again" in shown
        assert listener.hits == []
    runtime.close()

    assert configured.read_bytes() == before_settings
    assert _store_files(tmp_path / "cache") == before_store
    assert _metrics(configured, tmp_path) == before_numbers


def test_an_unwritable_log_directory_is_one_line_and_exit_2(configured, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    result = run_cli("metrics", "--settings", str(configured), "--as-of", AS_OF,
                     tmp_path=tmp_path, log_dir=blocker / "logs")
    line = assert_one_line_error(result)
    assert f"Cannot write logs to {blocker / 'logs'}" in line
    assert "DASHBOARD_LOG_DIR" in line
