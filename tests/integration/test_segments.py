"""Segments in a real browser (METRICS.md section 8): drill-down from a card and from a
chart, the filter bar, and a copied URL reproducing the view in a new browser context."""

from __future__ import annotations

import re

import pytest

from tests.integration.pages import open_page, wait_for_graphs
from ui import ids

pytestmark = pytest.mark.browser
SUBTITLE = "(document.querySelector('.page-subtitle')?.innerText || '')"
LEAD_TIME = "[data-metric='dora.lead_time_for_changes.median_hours']"


def _values(page) -> dict[str, str]:
    """Every headline number's data-metric -> data-value on the page."""
    return page.eval_on_selector_all(
        "[data-metric]", "els => Object.fromEntries(els.map(e => "
        "[e.dataset.metric, e.dataset.value]))")


def _open_panel(page) -> int:
    page.wait_for_selector(f"#{ids.DRILL_PANEL}", state="visible")
    page.wait_for_function(
        f"() => /^\\d[\\d,]* item/.test(document.querySelector('#{ids.DRILL_COUNT}')"
        "?.innerText || '')")
    text = page.inner_text(f"#{ids.DRILL_COUNT}")
    return int(re.match(r"([\d,]+) item", text).group(1).replace(",", ""))


def test_a_card_opens_its_items_and_the_panel_closes(browser, demo_server):
    watched = open_page(browser)
    page = watched.page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, [ids.DORA_LEAD_TIME_TREND])
    detail = page.inner_text("#dora-lead-time-card .metric-detail")
    changes = int(re.search(r"median of ([\d,]+) changes", detail).group(1).replace(",", ""))
    assert page.get_attribute(LEAD_TIME, "data-value") not in ("", None)
    page.click("#dora-lead-time-card .metric-headline")
    assert _open_panel(page) == changes
    # one table page of rows (the table draws after the count)
    page.wait_for_function(
        f"n => document.querySelectorAll('#{ids.DRILL_TABLE} tbody tr td.dash-cell.column-0')"
        ".length === n", arg=min(changes, 50))
    link = page.locator(f"#{ids.DRILL_TABLE} a").first
    assert re.search(r"/browse/[A-Z]+-\d+$", link.get_attribute("href"))
    assert link.get_attribute("rel") == "noopener noreferrer"
    with page.expect_download() as download:
        page.click(f"#{ids.DRILL_DOWNLOAD_BUTTON}")
    lines = download.value.path().read_text().splitlines()
    assert lines[0].startswith("key,summary,type,status,hours")
    assert len(lines) == changes + 1
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#{ids.DRILL_PANEL}", state="hidden")
    page.click("#dora-lead-time-card .metric-headline")  # the same card again
    assert _open_panel(page) == changes
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#{ids.DRILL_PANEL}", state="hidden")
    assert watched.errors == []
    page.close()


def test_a_weekly_bar_opens_that_weeks_deployments(browser, demo_server):
    page = open_page(browser).page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    bars = page.locator(f"#{ids.DORA_DEPLOYMENT_FREQUENCY_TREND} .bars .point path")
    heights = page.eval_on_selector(
        f"#{ids.DORA_DEPLOYMENT_FREQUENCY_TREND} .js-plotly-plot",
        "el => el.data[0].y")
    last = len(heights) - 1
    bars.nth(last).click(force=True)
    assert _open_panel(page) == heights[last]
    assert "week ending" in page.inner_text(f"#{ids.DRILL_COUNT}")
    page.close()


def test_a_copied_url_reproduces_the_filtered_view(browser, demo_server):
    page = open_page(browser).page
    page.goto(demo_server.url + "/flow")
    wait_for_graphs(page, [ids.FLOW_VELOCITY_CHART])
    unfiltered = _values(page)
    page.select_option(f"#{ids.PERIOD_SELECT}", "30")
    page.wait_for_function(f"() => {SUBTITLE}.startsWith('Last 30 days')")
    before = page.inner_text(".page-subtitle")
    thirty_days = _values(page)
    page.select_option(f"#{ids.FILTER_FIELD}", "type")
    page.click(f"#{ids.FILTER_VALUES}")
    page.keyboard.type("Story")
    page.keyboard.press("Enter")
    page.click(f"#{ids.FILTER_ADD}")
    page.wait_for_function("() => location.search.includes('filter=type')")
    # the segment's subtitle counts fewer issues
    page.wait_for_function(
        f"before => {SUBTITLE}.startsWith('Last 30 days') && {SUBTITLE} !== before", arg=before)
    wait_for_graphs(page, [ids.FLOW_VELOCITY_CHART])
    url = page.url
    assert "days=30" in url
    filtered = _values(page)
    assert filtered != unfiltered
    context = browser.new_context()
    other = context.new_page()
    other.goto(url)
    wait_for_graphs(other, [ids.FLOW_VELOCITY_CHART])
    other.wait_for_function(f"() => {SUBTITLE}.startsWith('Last 30 days')")
    assert _values(other) == filtered
    context.close()
    page.go_back()  # back to the unfiltered 30 days: its numbers again
    page.wait_for_function("() => !location.search.includes('filter=')")
    page.wait_for_function(f"before => {SUBTITLE} === before", arg=before)
    assert _values(page) == thirty_days
    page.close()


def test_the_forecast_inputs_live_in_the_url(browser, demo_server):
    page = open_page(browser).page
    page.goto(demo_server.url + "/forecast?days=30&items=80&horizon=14")
    wait_for_graphs(page, [ids.FORECAST_HOW_MANY_CHART])
    assert page.input_value(f"#{ids.FORECAST_ITEMS_INPUT}") == "80"
    assert page.input_value(f"#{ids.FORECAST_DAYS_INPUT}") == "14"
    assert page.input_value(f"#{ids.PERIOD_SELECT}") == "30"
    page.fill(f"#{ids.FORECAST_DAYS_INPUT}", "21")
    page.press(f"#{ids.FORECAST_DAYS_INPUT}", "Enter")  # the inputs are debounced
    page.wait_for_function("() => location.search.includes('horizon=21')")
    assert "days=30" in page.url
    assert "items=80" in page.url
    page.close()
