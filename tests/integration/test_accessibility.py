"""Accessibility in headless Chromium (issue 10, item 9): axe-core on every page, a text
alternative for every chart, and keyboard focus on every control.

axe-core comes with the ``axe-playwright-python`` package (pinned in
requirements-dev.txt), injected into the page by the test, never fetched.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.integration.pages import open_page, wait_for_graphs
from tests.ui.sample import DORA_CHARTS, FLOW_CHARTS, FORECAST_CHARTS
from ui import ids

pytestmark = pytest.mark.browser

PAGES = [("/", DORA_CHARTS), ("/flow", FLOW_CHARTS), ("/forecast", FORECAST_CHARTS),
         ("/settings", [])]
BLOCKING = ("serious", "critical")
HEADER_CONTROLS = [ids.NAV_DORA, ids.NAV_FLOW, ids.NAV_FORECAST, ids.NAV_SETTINGS,
                   ids.PERIOD_SELECT, ids.REFRESH_BUTTON, ids.FULL_REFRESH_BUTTON]
# What has the focus, by a name the test can look for: its id, or the id of the
# Dash dropdown (or radio group) it belongs to.
FOCUSED = """() => { const e = document.activeElement;
  const dropdown = e.closest('.dash-dropdown-wrapper')?.querySelector('button[id]');
  return dropdown ? dropdown.id : (e.id || e.name || e.tagName); }"""


def open_at(browser, server, path: str, graphs: list[str]):
    watched = open_page(browser, width=1280, height=900)
    watched.page.goto(server.url + path)
    wait_for_graphs(watched.page, graphs)
    if path == "/settings":
        watched.page.wait_for_selector(f"#{ids.SETTINGS_LOAD_RESULT} .load-result")
    return watched


@pytest.mark.parametrize(("path", "graphs"), PAGES)
def test_axe_finds_nothing_serious_on_any_page(browser, demo_server, path, graphs):
    watched = open_at(browser, demo_server, path, graphs)
    found = Axe().run(watched.page).response["violations"]
    blocking = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in found if v["impact"] in BLOCKING]
    assert blocking == []
    watched.page.close()


@pytest.mark.parametrize(("path", "graphs"), PAGES[:3])
def test_every_chart_has_a_text_alternative(browser, demo_server, path, graphs):
    watched = open_at(browser, demo_server, path, graphs)
    for graph_id in graphs:
        text = watched.page.eval_on_selector(
            f"#{graph_id}", "g => g.closest('figure')?.getAttribute('aria-label')")
        assert text, graph_id
        assert "How this is computed: " in text, (graph_id, text)
        assert any(c.isdigit() for c in text.split("How this is computed")[0]), (graph_id, text)
    watched.page.close()


def tab_through(page, presses: int) -> list[str]:
    page.focus("body")
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED))
    return reached


def test_keyboard_focus_reaches_every_control(browser, demo_server):
    watched = open_at(browser, demo_server, "/forecast", FORECAST_CHARTS)
    reached = tab_through(watched.page, 40)
    for control in [*HEADER_CONTROLS, ids.FORECAST_ITEMS_INPUT, ids.FORECAST_DAYS_INPUT,
                    ids.FORECAST_DOWNLOAD_BUTTON]:
        assert control in reached, (control, reached)
    watched.page.close()
    watched = open_at(browser, demo_server, "/settings", [])
    reached = " ".join(tab_through(watched.page, 120))
    missing = [key for key, element_id in ids.SETTINGS_INPUTS.items()
               if element_id not in reached]
    assert missing == [], reached
    for button in (ids.SETTINGS_TEST_BUTTON, ids.SETTINGS_LOAD_BUTTON,
                   ids.SETTINGS_VALIDATE_BUTTON, ids.SETTINGS_SAVE_BUTTON):
        assert button in reached
    watched.page.close()


FILTER_CONTROLS = [ids.FILTER_FIELD, ids.FILTER_OP, ids.FILTER_VALUES, ids.FILTER_ADD]


@pytest.mark.parametrize(("path", "graphs", "download"), [
    ("/", DORA_CHARTS, ids.DORA_DOWNLOAD_BUTTON),
    ("/flow", FLOW_CHARTS, ids.FLOW_DOWNLOAD_BUTTON),
])
def test_keyboard_focus_reaches_the_header_filter_and_download_on_report_pages(
        browser, demo_server, path, graphs, download):
    watched = open_at(browser, demo_server, path, graphs)
    reached = tab_through(watched.page, 60)
    for control in [*HEADER_CONTROLS, *FILTER_CONTROLS, download]:
        assert control in reached, (control, reached)
    watched.page.close()


def test_axe_finds_nothing_serious_on_the_compare_page(browser, demo_server):
    """Two columns (the whole demo and its bugs), their table and overlaid trends."""
    watched = open_page(browser, width=1280, height=900)
    watched.page.goto(demo_server.url + "/compare?days=90&compare=default"
                      "&compare=default%7Ctype%3DBug")
    wait_for_graphs(watched.page, ["compare-trend-completed"])
    found = Axe().run(watched.page).response["violations"]
    blocking = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in found if v["impact"] in BLOCKING]
    assert blocking == []
    watched.page.close()
