"""The Settings panel in headless Chromium: JIRA's JQL errors, the token's secrecy, busy state."""

from __future__ import annotations

import base64
import json

import pytest

from data.simulator.demo_settings import DEMO_TOKEN
from tests.data.jira.scripted_server import Reply, ScriptedServer
from tests.integration.conftest import serve
from tests.integration.held_jira import HeldJira
from tests.integration.pages import open_page, wait_for_graphs, wait_for_text
from ui import ids
from ui.shell import LOADING_DELAY_MS

pytestmark = pytest.mark.browser

TYPED_TOKEN = "typed-Secret-7f3a9"  # a test value, not a credential
JIRA_SAYS = "Expecting either a value, list or function but got '='"


@pytest.fixture(scope="module")
def settings_server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("settings")) as server:
        yield server


def feedback_selector(key: str) -> str:
    # Dash writes a pattern-matching id as sorted JSON in the id attribute.
    element_id = json.dumps(ids.settings_feedback(key), sort_keys=True, separators=(",", ":"))
    return f"[id='{element_id}']"


def test_bad_jql_shows_jiras_error_inline_and_saves_nothing(browser, settings_server,
                                                           tmp_path):
    watched = open_page(browser)
    page = watched.page
    page.goto(settings_server.url + "/settings")
    page.fill(f"#{ids.SETTINGS_INPUTS['jira.jql']}", "project = = DEMO")
    page.click(f"#{ids.SETTINGS_VALIDATE_BUTTON}")
    error = page.wait_for_selector(".jql-error")
    assert JIRA_SAYS in error.inner_text()
    page.click(f"#{ids.SETTINGS_SAVE_BUTTON}")
    page.wait_for_selector(f"#{ids.SETTINGS_SAVE_RESULT} .alert-danger")
    assert "Nothing was saved" in page.inner_text(f"#{ids.SETTINGS_SAVE_RESULT}")
    assert JIRA_SAYS in page.inner_text(feedback_selector("jira.jql"))
    watched.shot(tmp_path, "bad-jql")
    assert not settings_server.settings_path.exists()
    page.close()


def test_the_token_never_reaches_the_browser(browser, settings_server):
    watched = open_page(browser)
    page = watched.page
    page.goto(settings_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    page.click(f"#{ids.NAV_SETTINGS}")
    token_input = f"#{ids.SETTINGS_INPUTS['jira.token']}"
    page.fill(token_input, TYPED_TOKEN)
    page.click(f"#{ids.SETTINGS_TEST_BUTTON}")
    page.wait_for_selector(f"#{ids.SETTINGS_TEST_RESULT} .alert")
    page.click(f"#{ids.SETTINGS_SAVE_BUTTON}")
    page.wait_for_selector(f"#{ids.SETTINGS_SAVE_RESULT} .alert-success")
    assert page.input_value(token_input) == ""
    assert json.loads(settings_server.settings_path.read_text())["jira"]["token"] == TYPED_TOKEN
    page.reload()
    page.wait_for_selector(token_input)
    assert page.input_value(token_input) == ""
    assert "A token is saved" in page.inner_text(f"#{ids.SETTINGS_TOKEN_STATUS}")
    bodies = [*watched.bodies(), page.content()]
    assert len(bodies) > 10
    for secret in (TYPED_TOKEN, DEMO_TOKEN):
        assert not [body[:200] for body in bodies if secret in body], secret
    page.close()


# Records, every 50 ms, whether the Save button (so the page around it) was hidden.
WATCH_HIDDEN = """id => { window.pageHidden = false; setInterval(() => {
  const save = document.getElementById(id);
  if (!save || getComputedStyle(save).visibility === 'hidden') window.pageHidden = true;
}, 50); }"""


def test_test_connection_busies_its_button_not_the_page(browser, settings_server):
    """Issue 10, item 2: the page stayed hidden for as long as JIRA took to answer."""
    page = open_page(browser).page
    page.goto(settings_server.url + "/settings")
    page.wait_for_selector(f"#{ids.SETTINGS_SAVE_BUTTON}")
    with HeldJira() as jira:
        page.fill(f"#{ids.SETTINGS_INPUTS['jira.url']}", jira.url)
        page.fill(f"#{ids.SETTINGS_INPUTS['jira.token']}", TYPED_TOKEN)
        page.evaluate(WATCH_HIDDEN, ids.SETTINGS_SAVE_BUTTON)
        page.click(f"#{ids.SETTINGS_TEST_BUTTON}")
        page.wait_for_selector(f"#{ids.SETTINGS_TEST_BUTTON}:disabled")
        assert jira.arrived.wait(30)
        # Longer than the page spinner's delay: a spinner over the page would show now.
        page.wait_for_timeout(3 * LOADING_DELAY_MS)
        assert page.is_visible(f"#{ids.SETTINGS_SAVE_BUTTON}")
        jira.release()
        page.wait_for_selector(f"#{ids.SETTINGS_TEST_RESULT} .alert-danger")
    assert page.is_enabled(f"#{ids.SETTINGS_TEST_BUTTON}")
    assert page.evaluate("window.pageHidden") is False
    page.close()



def test_save_refuses_an_empty_url_query_and_period_inline(browser, settings_server):
    """Issue 10, item 4: these were saved as null, or said "not null"."""
    before = (settings_server.settings_path.read_text()
              if settings_server.settings_path.exists() else None)
    page = open_page(browser).page
    page.goto(settings_server.url + "/settings")
    email_row = f"#{ids.SETTINGS_EMAIL_ROW}"
    page.wait_for_selector(email_row, state="visible")
    page.fill(f"#{ids.SETTINGS_INPUTS['jira.url']}", "")
    page.fill(f"#{ids.SETTINGS_INPUTS['jira.jql']}", "  ")
    page.fill(f"#{ids.SETTINGS_INPUTS['period_days']}", "-5")
    page.fill(f"#{ids.SETTINGS_INPUTS['jira.email']}", "not an email")
    page.click(f"#{ids.SETTINGS_SAVE_BUTTON}")
    wait_for_text(page, feedback_selector("jira.url"), "Enter your JIRA's URL")
    wait_for_text(page, feedback_selector("jira.jql"), "Enter a JQL query")
    wait_for_text(page, feedback_selector("period_days"), "must be a whole number of at least 1")
    wait_for_text(page, feedback_selector("jira.email"), "without spaces")
    assert "Nothing was saved" in page.inner_text(f"#{ids.SETTINGS_SAVE_RESULT}")
    now = (settings_server.settings_path.read_text()
           if settings_server.settings_path.exists() else None)
    assert now == before
    # A Personal Access Token (Data Center) signs in without an e-mail.
    page.get_by_label("Personal Access Token").check()
    page.wait_for_selector(email_row, state="hidden")
    page.close()


def _file_bytes(path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def test_a_changed_url_never_receives_the_saved_token(browser, settings_server, tmp_path):
    """Issue 11 item 1: only the URL changes, the token field stays empty."""
    with ScriptedServer([Reply(200, {"displayName": "Attacker"})]) as listener:
        watched = open_page(browser)
        page = watched.page
        page.goto(settings_server.url + "/settings")
        before = _file_bytes(settings_server.settings_path)
        page.fill(f"#{ids.SETTINGS_INPUTS['jira.url']}", listener.url)
        page.click(f"#{ids.SETTINGS_TEST_BUTTON}")
        shown = page.wait_for_selector(f"#{ids.SETTINGS_TEST_RESULT} .alert-danger")
        assert "type the token again" in shown.inner_text()
        page.click(f"#{ids.SETTINGS_SAVE_BUTTON}")
        page.wait_for_selector(f"#{ids.SETTINGS_SAVE_RESULT} .alert-danger")
        assert "Nothing was saved" in page.inner_text(f"#{ids.SETTINGS_SAVE_RESULT}")
        assert "type the token again" in page.inner_text(feedback_selector("jira.token"))
        watched.shot(tmp_path, "token-retype")
        assert _file_bytes(settings_server.settings_path) == before
        assert listener.hits == []  # not one request: no Authorization could leak
        page.fill(f"#{ids.SETTINGS_INPUTS['jira.token']}", "typed-for-the-new-one")
        page.click(f"#{ids.SETTINGS_TEST_BUTTON}")
        page.wait_for_selector(f"#{ids.SETTINGS_TEST_RESULT} .alert-success")
        sent = base64_decoded(listener.headers)
        assert "typed-for-the-new-one" in sent
        for secret in (TYPED_TOKEN, DEMO_TOKEN):
            assert secret not in sent
        page.close()


def base64_decoded(headers: list[dict[str, str]]) -> str:
    """Every basic-auth credential the listener received, decoded, space-separated."""
    values = [h["Authorization"].split(" ", 1)[1] for h in headers if "Authorization" in h]
    return " ".join(base64.b64decode(v).decode() for v in values)
