"""The Settings panel follows the JIRA it is connected to (issue 10, item 3), in Chromium.

The dashboard starts in demo mode; a second simulator in the test process plays
"your JIRA", whose catalog shares no name with the demo's.
"""

from __future__ import annotations

import pytest

from data.simulator.server import JiraSimulator
from tests.integration.pages import open_page, wait_for_text
from ui import ids

pytestmark = pytest.mark.browser

CATEGORY = {"indeterminate": {"id": 4, "key": "indeterminate", "name": "In Progress"},
            "done": {"id": 3, "key": "done", "name": "Done"}}
YOUR_JIRA = {
    "fields": [{"id": "customfield_20001", "name": "First Commit", "custom": True,
                "schema": {"type": "datetime"}},
               {"id": "created", "name": "Created", "custom": False,
                "schema": {"type": "datetime"}},
               {"id": "summary", "name": "Summary", "custom": False,
                "schema": {"type": "string"}}],
    "statuses": [{"id": "1", "name": "Doing", "statusCategory": CATEGORY["indeterminate"]},
                 {"id": "2", "name": "Shipped", "statusCategory": CATEGORY["done"]}],
    "issue_types": [{"id": "1", "name": "Feature"}, {"id": "2", "name": "Defect"}],
}




def dropdown_options(page, key: str) -> list[str]:
    page.click(f"#{ids.SETTINGS_INPUTS[key]}")
    page.wait_for_selector("[role='option']")
    options = page.eval_on_selector_all("[role='option']", "os => os.map(o => o.innerText)")
    page.keyboard.press("Escape")
    return [o.strip() for o in options]


def test_the_dropdowns_follow_a_newly_connected_jira(browser, own_server, tmp_path):
    watched = open_page(browser)
    page = watched.page
    page.goto(own_server.url + "/settings")
    result = f"#{ids.SETTINGS_LOAD_RESULT}"
    wait_for_text(page, result, "7 statuses and 7 issue types from JIRA.")
    start = f"#{ids.SETTINGS_INPUTS['dora.incidents.start_field']}"
    assert "Impact Start (customfield_10070)" in page.inner_text(start)
    with JiraSimulator(issues=[], **YOUR_JIRA) as yours:
        page.fill(f"#{ids.SETTINGS_INPUTS['jira.url']}", yours.url)
        # The demo's mappings go as soon as the URL is another JIRA's.
        page.wait_for_function("sel => !document.querySelector(sel).innerText.includes("
                               "'customfield_10070')", arg=start)
        page.fill(f"#{ids.SETTINGS_INPUTS['jira.token']}", "demo-token")
        page.click(f"#{ids.SETTINGS_TEST_BUTTON}")
        wait_for_text(page, f"#{ids.SETTINGS_TEST_RESULT}", "Connected.")
        wait_for_text(page, result, "Loaded 3 fields, 2 statuses and 2 issue types from JIRA.")
        assert "Not found in this JIRA: Features: Story" in page.inner_text(result)
        wait_for_text(page, f"#{ids.SETTINGS_INPUTS['workflow.active_statuses']}", "Doing")
        assert "Feature" in dropdown_options(page, "flow_types.feature")
        assert "First Commit (customfield_20001)" in dropdown_options(
            page, "dora.incidents.start_field")
    watched.shot(tmp_path, "follow")
    assert watched.errors == []
    page.close()
