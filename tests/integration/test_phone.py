"""The dashboard at phone width (390 px) in headless Chromium (issue 10, item 8)."""

from __future__ import annotations

import re

import pytest

from tests.integration.pages import open_page, wait_for_graphs
from tests.ui.sample import DORA_CHARTS, FLOW_CHARTS
from ui import ids

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
COUNT_CHARTS = [ids.DORA_DEPLOYMENT_FREQUENCY_TREND, ids.DORA_LEAD_TIME_DISTRIBUTION,
                ids.DORA_RESTORE_DISTRIBUTION]


def tick_labels(page, graph_id: str, axis: str) -> list[str]:
    return page.eval_on_selector_all(f"#{graph_id} .{axis}tick text",
                                     "ts => ts.map(t => t.textContent)")


def test_the_nav_folds_behind_a_menu_button(browser, demo_server, tmp_path):
    watched = open_page(browser, **PHONE)
    page = watched.page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, DORA_CHARTS)
    assert page.is_hidden(f"#{ids.NAV_FLOW}")
    assert page.eval_on_selector(".app-navbar", "n => n.getBoundingClientRect().height") < 80
    watched.shot(tmp_path, "phone-dora")
    page.click(f"#{ids.NAV_TOGGLER}")
    page.wait_for_selector(f"#{ids.NAV_FLOW}", state="visible")
    page.click(f"#{ids.NAV_FLOW}")
    wait_for_graphs(page, FLOW_CHARTS)
    page.wait_for_selector(f"#{ids.NAV_FLOW}", state="hidden")  # it closed again
    assert watched.errors == []
    page.close()


def test_charts_and_cards_read_well_on_a_phone(browser, demo_server, tmp_path):
    watched = open_page(browser, **PHONE)
    page = watched.page
    page.goto(demo_server.url + "/")
    wait_for_graphs(page, DORA_CHARTS)
    # The mode bar shows only over a chart being touched, not over data and notes.
    assert page.query_selector_all(".modebar")
    assert not page.query_selector_all(".modebar:not(.modebar--hover)")
    # Count axes show whole items only.
    for graph_id in COUNT_CHARTS:
        labels = tick_labels(page, graph_id, "y")
        assert labels, graph_id
        assert all(re.fullmatch(r"[\d,]+", label) for label in labels), (graph_id, labels)
        assert len(set(labels)) == len(labels), (graph_id, labels)
    # The period list has no blank entry.
    options = page.eval_on_selector_all(f"#{ids.PERIOD_SELECT} option",
                                        "os => os.map(o => o.textContent.trim())")
    assert all(options), options
    page.goto(demo_server.url + "/flow")
    wait_for_graphs(page, FLOW_CHARTS)
    watched.shot(tmp_path, "phone-flow")
    # Aging labels ("Ready for QA") are whole and inside the chart.
    chart = page.eval_on_selector(f"#{ids.FLOW_AGING_WIP} .main-svg",
                                  "s => { const r = s.getBoundingClientRect();"
                                  " return [r.left, r.right]; }")
    boxes = page.eval_on_selector_all(
        f"#{ids.FLOW_AGING_WIP} .xtick text",
        "ts => ts.map(t => { const r = t.getBoundingClientRect();"
        " return [t.textContent, r.left, r.right]; })")
    assert "Ready for QA" in [text for text, _, _ in boxes]
    for text, left, right in boxes:
        assert left >= chart[0] - 1, (text, left, chart)
        assert right <= chart[1] + 1, (text, right, chart)
    # The Flow load card's statuses add up to its headline, the rest as "+N more".
    wip = int(page.inner_text("#flow-load-value .metric-value").replace(",", ""))
    detail = page.inner_text("#flow-load-card .metric-detail")
    listed = [int(n) for n in re.findall(r" (\d+)(?:,|$)", detail)]
    more = re.search(r"\+(\d+) more status(?:es)? \((\d+) items?\)", detail)
    assert sum(listed) + (int(more.group(2)) if more else 0) == wip, detail
    assert watched.errors == []
    page.close()
