"""Settings callbacks against a demo-mode runtime (the in-process simulator)."""

from __future__ import annotations

import base64
import json

import pytest

from callbacks import settings as cb
from callbacks.runtime import Runtime
from configuration.errors import ConfigError
from data.simulator.demo_settings import DEMO_TOKEN
from tests.ui.tree import text_of
from ui import ids

KEYS = list(ids.SETTINGS_INPUTS)


@pytest.fixture
def runtime(tmp_path):
    demo = Runtime(tmp_path / "settings.json", tmp_path / "cache").start()
    yield demo
    demo.close()


def form_of(runtime: Runtime, **changes) -> dict:
    """The form as the page would submit it for the current settings, plus changes."""
    raw = runtime.public_settings()
    form = {}
    for key in KEYS:
        node = raw
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        form[key] = node
    form["jira.token"] = ""
    form.update({k.replace("__", "."): v for k, v in changes.items()})
    return form


def test_connection_names_user_and_server(runtime):
    result = text_of(cb.test_connection(runtime, form_of(runtime)))
    assert "Signed in as Demo User on Jira Simulator" in result
    wrong = text_of(cb.test_connection(runtime, form_of(runtime, jira__token="nope-123")))
    assert "rejected the credentials" in wrong
    assert "nope-123" not in wrong


def test_validate_shows_jiras_own_text_or_the_count(runtime):
    bad = cb.validate_jql(runtime, form_of(runtime, jira__jql="project = = DEMO"))
    assert "Expecting either a value, list or function but got '='" in text_of(bad)
    assert "jql-error" in bad.className
    good = cb.validate_jql(runtime, form_of(runtime))
    assert "Valid query: 2,400 matching issues." in text_of(good)


def test_save_puts_problems_next_to_their_fields_and_saves_nothing(runtime, tmp_path):
    feedback, summary, fetch = cb.save(
        runtime, form_of(runtime, jira__url="not a url", period_days=0), KEYS)
    assert fetch is None
    assert feedback[KEYS.index("jira.url")]
    assert feedback[KEYS.index("period_days")]
    assert feedback[KEYS.index("jira.jql")] == ""
    assert "Nothing was saved" in text_of(summary)
    assert not (tmp_path / "settings.json").exists()
    assert runtime.demo is True


def test_save_rejects_a_query_jira_rejects(runtime, tmp_path):
    feedback, _, fetch = cb.save(runtime, form_of(runtime, jira__jql="projct = DEMO"), KEYS)
    assert fetch is None
    assert "Field 'projct' does not exist" in feedback[KEYS.index("jira.jql")]
    assert not (tmp_path / "settings.json").exists()


def test_saving_in_demo_mode_keeps_the_demo_token_and_says_so(runtime, tmp_path):
    form = form_of(runtime, **{"workflow.waiting_statuses": ["Blocked"]})
    feedback, summary, fetch = cb.save(runtime, form, KEYS)
    assert fetch is True  # nothing cached yet, so the saved settings need a fetch
    assert set(feedback) == {""}
    assert "built-in demo simulator" in text_of(summary)
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved["jira"]["token"] == DEMO_TOKEN
    assert saved["workflow"]["waiting_statuses"] == ["Blocked"]
    assert runtime.demo is False


@pytest.mark.parametrize(("changes", "key", "words"), [
    # Issue 10, item 4: these were saved (as null) or said "not null".
    ({"jira__url": ""}, "jira.url", "Enter your JIRA's URL"),
    ({"jira__url": "   "}, "jira.url", "Enter your JIRA's URL"),
    ({"jira__jql": " "}, "jira.jql", "Enter a JQL query"),
    ({"period_days": None}, "period_days", "must be a whole number of at least 1"),
    ({"period_days": -5}, "period_days", "must be a whole number of at least 1"),
    ({"jira__email": "not an email"}, "jira.email", "without spaces"),
])
def test_save_refuses_what_the_form_cannot_run_on(runtime, tmp_path, changes, key, words):
    feedback, summary, fetch = cb.save(runtime, form_of(runtime, **changes), KEYS)
    assert fetch is None
    assert words in feedback[KEYS.index(key)]
    assert "Nothing was saved" in text_of(summary)
    assert not (tmp_path / "settings.json").exists()


def test_empty_url_and_blank_query_are_reported_with_the_other_problems(runtime):
    feedback, _summary, fetch = cb.save(
        runtime, form_of(runtime, jira__url="", jira__jql="", period_days=0), KEYS)
    assert fetch is None
    assert [k for k in KEYS if feedback[KEYS.index(k)]] == ["jira.url", "jira.jql",
                                                            "period_days"]


# ---- the saved token goes only to the JIRA it was saved for (issue 11 item 1) -----

SAVED_TOKEN = "saved-Token-41c2"  # a test value, not a credential


@pytest.fixture
def saved(tmp_path):
    """A runtime whose settings file points at a simulator with a saved token."""
    from data.simulator.server import JiraSimulator

    with JiraSimulator(email="me@example.com", token=SAVED_TOKEN) as sim:
        path = tmp_path / "saved" / "settings.json"
        path.parent.mkdir()
        path.write_text(json.dumps({"jira": {"url": sim.url, "email": "me@example.com",
                                             "token": SAVED_TOKEN, "jql": "project = DEMO"}}))
        runtime = Runtime(path, tmp_path / "cache").start()
        yield runtime, path
        runtime.close()


@pytest.fixture
def listener():
    from tests.data.jira.scripted_server import Reply, ScriptedServer

    with ScriptedServer([Reply(200, {"displayName": "Attacker"})]) as server:
        yield server


def _other_port(url: str) -> str:
    return url.rsplit(":", 1)[0] + ":1"


@pytest.mark.parametrize("change", [
    "url", "url_same_host_other_port", "url_https", "auth", "email"])
def test_the_saved_token_needs_retyping_when_the_jira_changes(saved, listener, change):
    runtime, path = saved
    before = path.read_text()
    url = runtime.settings.jira.url
    changes = {
        "url": {"jira__url": listener.url},
        "url_same_host_other_port": {"jira__url": _other_port(url)},
        "url_https": {"jira__url": url.replace("http://", "https://")},
        "auth": {"jira__auth": "bearer"},
        "email": {"jira__email": "someone-else@example.com"},
    }[change]
    form = form_of(runtime, **changes)
    for action in (cb.test_connection, cb.validate_jql):
        shown = text_of(action(runtime, form))
        assert "type the token again" in shown
        assert SAVED_TOKEN not in shown
    with pytest.raises(ConfigError, match="type the token again"):
        cb.load_meta(runtime, form)
    feedback, _, fetch = cb.save(runtime, form, KEYS)
    assert fetch is None
    assert "type the token again" in feedback[KEYS.index("jira.token")]
    assert path.read_text() == before
    assert listener.hits == []


def test_a_typed_token_goes_to_the_new_jira_and_only_it(saved, listener):
    runtime, _ = saved
    form = form_of(runtime, jira__url=listener.url + "/", jira__token="typed-for-new")
    cb.test_connection(runtime, form)
    sent = [h.get("Authorization", "") for h in listener.headers]
    assert sent
    assert all(a.startswith("Basic ") for a in sent)
    assert {base64.b64decode(a[6:]).decode() for a in sent} == {"me@example.com:typed-for-new"}


def test_a_path_change_on_the_same_origin_keeps_the_token(saved):
    runtime, _ = saved
    url = runtime.settings.jira.url.upper().replace("HTTP://", "http://") + "/"
    shown = text_of(cb.test_connection(runtime, form_of(runtime, jira__url=url)))
    assert "Signed in as" in shown


@pytest.mark.parametrize("url", ["http://user:pw@127.0.0.1:9/", "http://127.0.0.1:9/?a=1",
                                 "ftp://127.0.0.1/", "http://127.0.0.1:x/"])
def test_test_connection_checks_the_url_as_save_does(saved, url):
    runtime, _ = saved
    shown = text_of(cb.test_connection(runtime, form_of(runtime, jira__url=url,
                                                        jira__token="typed-9")))
    assert shown.startswith("jira.url: ")
    assert "pw" not in shown.replace("password", "")


def test_test_connection_to_a_hung_jira_answers_after_one_timeout(tmp_path):
    """Issue 11 item 8: one attempt of jira.timeout_seconds, no retry."""
    from tests.data.jira.scripted_server import SilentListener

    with SilentListener() as jira:
        path = tmp_path / "hung" / "settings.json"
        path.parent.mkdir()
        path.write_text(json.dumps({"jira": {"url": jira.url, "email": "me@example.com",
                                             "timeout_seconds": 0.3}}))
        runtime = Runtime(path, tmp_path / "cache").start()
        shown = text_of(cb.test_connection(runtime, form_of(runtime, jira__token="typed-1")))
        assert "no answer within 0.3 s." in shown
        assert "retr" not in shown
        assert jira.connections == 1


@pytest.mark.parametrize(("result", "words", "color"), [
    ({"ok": True, "summary": "Fetched 2,400 issues (full sync)."},
     "Saved. Fetched 2,400 issues (full sync).", "success"),
    ({"ok": False, "error": "JIRA rejected the credentials."},
     "Saved, but the fetch failed: JIRA rejected the credentials.", "warning"),
])
def test_the_save_message_ends_with_the_fetch_it_started(result, words, color):
    message = cb.saved_and_fetched(result)
    assert text_of(message) == words
    assert message.color == color


def test_a_shared_dashboard_refuses_to_save_a_metadata_url(saved, monkeypatch):
    """Issue 11 item 6: the refusal reaches the form, nothing is saved."""
    from data.jira import address_guard

    runtime, path = saved
    before = path.read_text()
    monkeypatch.setenv("JIRA_ADDRESS_GUARD", "1")
    monkeypatch.setattr(address_guard, "system_resolver", lambda host, port: [
        (2, 1, 6, ("169.254.169.254", port))])
    form = form_of(runtime, jira__url="http://metadata.example.test",
                   jira__token="typed-4", jira__jql="project = X")
    shown = text_of(cb.test_connection(runtime, form))
    assert "link-local, cloud metadata" in shown
    feedback, _, fetch = cb.save(runtime, form, KEYS)
    assert fetch is None
    assert "cloud metadata" in feedback[KEYS.index("jira.url")]
    assert path.read_text() == before
