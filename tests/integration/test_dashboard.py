"""The dashboard in headless Chromium, first start in demo mode (issue 6, item 10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.pages import computed_colors, contrast_ratio, open_page, wait_for_graphs
from tests.ui.sample import DORA_CHARTS, FLOW_CHARTS, FORECAST_CHARTS
from ui import ids

pytestmark = pytest.mark.browser


def test_first_start_in_demo_mode_renders_every_chart_on_every_page(browser, demo_server,
                                                                    tmp_path):
    watched = open_page(browser)
    page = watched.page
    page.goto(demo_server.url + "/")
    badge = page.wait_for_selector(f"#{ids.DEMO_BADGE}")
    assert "Demo data" in badge.inner_text()
    assert badge.get_attribute("href") == "/settings"
    color, background = computed_colors(page, f"#{ids.DEMO_BADGE} .demo-badge")
    assert contrast_ratio(color, background) >= 4.5, (color, background)  # WCAG AA
    wait_for_graphs(page, DORA_CHARTS)
    assert "—" not in page.inner_text(f"#{ids.DORA_CARDS} .metric-value")
    watched.shot(tmp_path, "dora")
    for nav, graphs, name in ((ids.NAV_FLOW, FLOW_CHARTS, "flow"),
                              (ids.NAV_FORECAST, FORECAST_CHARTS, "forecast")):
        page.click(f"#{nav}")
        wait_for_graphs(page, graphs)
        watched.shot(tmp_path, name)
    sentences = page.inner_text(f"#{ids.FORECAST_SENTENCES}")
    assert "85% chance of at least" in sentences
    assert "items done by" in sentences
    page.click(f"#{ids.NAV_SETTINGS}")
    page.wait_for_selector(f"#{ids.SETTINGS_SAVE_BUTTON}")
    watched.shot(tmp_path, "settings")
    assert watched.errors == []
    page.close()


def test_changing_the_period_changes_the_cards(browser, demo_server):
    page = open_page(browser).page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    before = page.inner_text(f"#{ids.DORA_CARDS}")
    page.select_option(f"#{ids.PERIOD_SELECT}", "7")
    page.wait_for_function(
        "() => (document.querySelector('.page-subtitle')?.innerText || '')"
        ".startsWith('Last 7 days')")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    after = page.inner_text(f"#{ids.DORA_CARDS}")
    assert after != before
    assert "deployments" in after
    with page.expect_download() as download:
        page.click(f"#{ids.DORA_DOWNLOAD_BUTTON}")
    assert download.value.suggested_filename.startswith("dora-")
    assert download.value.suggested_filename.endswith("-7d.csv")
    header = Path(download.value.path()).read_text().splitlines()[0]
    # The demo's deployments are issues: their keys sit in a "key" column (issue 10, item 8).
    assert header.startswith("record,key,time,failed")
    page.close()


def test_a_fetch_shows_progress_and_completes(browser, demo_server, tmp_path):
    watched = open_page(browser)
    page = watched.page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    # Every text the progress label shows, recorded in the page: the day's demo store
    # makes a full fetch take about a second, so a wait for one particular text could
    # start after it was already replaced.
    page.evaluate("""id => { window.progressSeen = [];
        const label = document.getElementById(id);
        new MutationObserver(() => window.progressSeen.push(label.innerText))
            .observe(label, {childList: true, subtree: true, characterData: true}); }""",
                  ids.FETCH_PROGRESS_LABEL)
    page.click(f"#{ids.FULL_REFRESH_BUTTON}")
    page.wait_for_selector(f"#{ids.FETCH_PROGRESS_WRAP}", state="visible")
    assert page.is_visible(f"#{ids.CANCEL_BUTTON}")
    watched.shot(tmp_path, "fetching")
    done = page.wait_for_selector(".fetch-alert.alert-success")
    assert "Fetched 2,400 issues (full sync" in done.inner_text()
    seen = [text for text in page.evaluate("window.progressSeen") if text]
    assert seen, "the progress label never said anything"
    assert all(text == "Connecting to JIRA…"
               or re.fullmatch(r"Fetching issues from JIRA: [\d,]+ of 2,400", text)
               for text in seen), seen
    page.wait_for_selector(f"#{ids.FETCH_PROGRESS_WRAP}", state="hidden")
    assert "Last sync:" in page.inner_text(f"#{ids.SYNC_LABEL}")
    page.close()


def test_a_custom_range_cannot_pick_a_day_after_the_last_sync(browser, demo_server):
    """Issue 10, item 5: a range to 31 Dec on 29 Nov diluted every rate by future days."""
    page = open_page(browser).page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    last_sync = page.inner_text(f"#{ids.SYNC_LABEL}")  # "Last sync: 2026-12-04 15:41 UTC"
    day = int(last_sync.split("Last sync: ")[1][8:10])
    page.select_option(f"#{ids.PERIOD_SELECT}", "custom")
    page.click(f"#{ids.PERIOD_RANGE}")
    page.wait_for_selector(".dash-datepicker-calendar-date-inside")
    assert page.is_disabled("button[aria-label='Next month']")
    cells = page.eval_on_selector_all(
        ".dash-datepicker-calendar-date-inside",
        "cells => cells.map(c => [Number(c.innerText), c.getAttribute('aria-disabled')])")
    offered = [number for number, disabled in cells if disabled != "true"]
    assert max(offered) == day
    page.close()


def test_no_comparison_with_a_previous_period_before_the_data(browser, demo_server):
    """Issue 10, item 6: the demo's 200 days of history cannot cover 180 days before 180."""
    page = open_page(browser).page
    page.goto(demo_server.url + "/flow")
    wait_for_graphs(page, [ids.FLOW_VELOCITY_CHART])
    velocity = "#flow-velocity-card .metric-delta"
    assert "vs previous period" in page.inner_text(velocity)  # 90 days: 180 are covered
    page.select_option(f"#{ids.PERIOD_SELECT}", "180")
    page.wait_for_function(
        "sel => (document.querySelector(sel)?.innerText || '').startsWith('no comparison')",
        arg=velocity)
    assert "after the previous period's start" in page.inner_text(velocity)
    assert "vs previous period" not in page.inner_text(f"#{ids.FLOW_CARDS}")
    page.close()


def test_the_profile_switcher_is_hidden_while_there_is_only_the_default(browser, demo_server):
    page = open_page(browser).page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
    assert page.is_hidden(f"#{ids.PROFILE_SELECT}")
    page.close()
