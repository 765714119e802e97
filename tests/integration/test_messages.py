"""No stale message in headless Chromium (issue 10, item 7): each says what is true now."""

from __future__ import annotations

import pytest

from data.simulator.demo_settings import DEMO_TOKEN
from tests.integration.held_jira import HeldJira
from tests.integration.pages import open_page, wait_for_graphs, wait_for_text
from ui import ids
from ui.shell import progress_text

pytestmark = pytest.mark.browser

TYPED_TOKEN = "typed-Secret-41c2"  # a test value, not a credential
# Every 20 ms: is the fetch running (progress shown), is a red alert up, the label.
RECORD = """([wrap, alert, label]) => { window.snapshots = []; setInterval(() => {
  const shown = getComputedStyle(document.getElementById(wrap)).display !== 'none';
  window.snapshots.push([shown, !!document.querySelector('#' + alert + ' .alert-danger'),
                         document.getElementById(label).innerText]);
}, 20); }"""




def test_a_range_before_the_data_says_there_are_no_issues(browser, own_server):
    page = open_page(browser).page
    page.goto(own_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    page.select_option(f"#{ids.PERIOD_SELECT}", "custom")
    page.fill(f"#{ids.PERIOD_RANGE}", "1 Jan 2020")
    page.press(f"#{ids.PERIOD_RANGE}", "Tab")
    page.fill(f"#{ids.PERIOD_RANGE}-end-date", "31 Jan 2020")
    page.press(f"#{ids.PERIOD_RANGE}-end-date", "Tab")
    wait_for_text(page, f"#{ids.NO_ISSUES}", "There are no issues in this period")
    assert "deployment source" not in page.inner_text(f"#{ids.PAGE_CONTENT}")
    page.close()


def test_messages_follow_the_save_and_the_fetches(browser, own_server):
    watched = open_page(browser)
    page = watched.page
    page.goto(own_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    page.click(f"#{ids.FULL_REFRESH_BUTTON}")
    page.wait_for_selector(".fetch-alert.alert-success")
    page.wait_for_selector(f"#{ids.FETCH_PROGRESS_WRAP}", state="hidden")
    final = progress_text(2400, 2400)  # where the label of that fetch ended
    page.click(f"#{ids.NAV_SETTINGS}")
    url_input = f"#{ids.SETTINGS_INPUTS['jira.url']}"
    page.wait_for_selector(url_input)
    demo_url = page.input_value(url_input)
    assert page.is_visible(f"#{ids.DEMO_BADGE}")
    assert page.is_visible(f"#{ids.SETTINGS_DEMO_INTRO}")
    page.evaluate(RECORD, [ids.FETCH_PROGRESS_WRAP, ids.FETCH_ALERT, ids.FETCH_PROGRESS_LABEL])
    # Save a JIRA that rejects the token: the save's fetch fails.
    with HeldJira() as rejecting:
        rejecting.release()
        page.fill(url_input, rejecting.url)
        page.fill(f"#{ids.SETTINGS_INPUTS['jira.token']}", TYPED_TOKEN)
        page.click(f"#{ids.SETTINGS_SAVE_BUTTON}")
        wait_for_text(page, f"#{ids.SETTINGS_SAVE_RESULT}", "Saved, but the fetch failed")
        page.wait_for_selector(f"#{ids.FETCH_ALERT} .alert-danger")
    # Connected elsewhere: the demo badge and banner went without a reload.
    assert page.is_hidden(f"#{ids.DEMO_BADGE}")
    assert page.is_hidden(f"#{ids.SETTINGS_DEMO_INTRO}")
    shown = [label for running, _red, label in page.evaluate("window.snapshots") if running]
    assert shown, "the failing fetch was never seen running"
    assert not [label for label in shown if label == final], "the last fetch's count stayed"
    # Back to the simulator: the red alert goes as soon as the next fetch starts.
    page.evaluate("window.snapshots = []")
    page.fill(url_input, demo_url)
    page.fill(f"#{ids.SETTINGS_INPUTS['jira.token']}", DEMO_TOKEN)
    page.click(f"#{ids.SETTINGS_SAVE_BUTTON}")
    wait_for_text(page, f"#{ids.SETTINGS_SAVE_RESULT}", "Saved. Fetched 2,400 issues")
    snapshots = page.evaluate("window.snapshots")
    assert [s for s in snapshots if s[0] and not s[1]], "the failure stayed during the fetch"
    assert not page.query_selector(f"#{ids.FETCH_ALERT} .alert-danger")
    assert "Fetching" not in page.inner_text(f"#{ids.SETTINGS_SAVE_RESULT}")
    assert watched.errors == []
    page.close()
