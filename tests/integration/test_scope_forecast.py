"""The scope forecast in a real browser (METRICS.md section 9): the picker, the burn-up
chart, the remaining items in the drill-down panel, the free clause, the points switch,
and the URL holding the scope so that a copied link shows the same answer in a new
browser context."""

from __future__ import annotations

import re

import pytest

from tests.integration.pages import open_page, wait_for_graphs
from ui import ids

pytestmark = pytest.mark.browser
SENTENCES = f"#{ids.FORECAST_SCOPE_SENTENCES}"


def _sentences(page, containing: str) -> str:
    """The answer once it mentions ``containing`` (the page draws twice on load)."""
    page.wait_for_function(
        f"() => (document.querySelector('{SENTENCES}')?.innerText || '')"
        f".includes({containing!r})")
    return page.inner_text(SENTENCES)


def _scope_in_url(page, fragment: str) -> None:
    page.wait_for_function(f"() => window.location.search.includes({fragment!r})")


def test_picking_a_release_draws_its_burn_up_and_puts_it_in_the_url(browser, demo_server):
    watched = open_page(browser)
    page = watched.page
    page.goto(demo_server.url + "/forecast")
    wait_for_graphs(page, [ids.FORECAST_BURNUP_CHART])
    _sentences(page, "remaining items")
    page.click(f"#{ids.FORECAST_SCOPE}")
    option = page.locator("[role=option]", has_text="Fix version").first
    label = option.inner_text()
    version = re.match(r"Fix version: (\S+)", label).group(1)
    option.click()
    page.keyboard.press("Escape")
    _scope_in_url(page, f"scope=fixversion%3D{version}")
    text = _sentences(page, f"of {version}")
    assert re.search(rf"85% chance the [\d,]+ remaining items? of {re.escape(version)} "
                     r"(is|are) done by \d+ \w{3}", text)
    if "· release" in label:  # a dated version: its release date and chance
        assert re.search(r"its release date, \d+ \w{3}, has a \d+% chance", text)
    wait_for_graphs(page, [ids.FORECAST_BURNUP_CHART])
    legend = page.inner_text(f"#{ids.FORECAST_BURNUP_CHART}")
    assert "total scope" in legend
    assert "done" in legend
    remaining = int(re.search(r"the ([\d,]+) remaining", text).group(1).replace(",", ""))
    page.click(f"#{ids.FORECAST_REMAINING_BUTTON}")  # the segments' drill-down panel
    page.wait_for_selector(f"#{ids.DRILL_PANEL}", state="visible")
    page.wait_for_function(
        f"() => /^\\d[\\d,]* item/.test(document.querySelector('#{ids.DRILL_COUNT}')"
        "?.innerText || '')")
    count = re.match(r"([\d,]+) item", page.inner_text(f"#{ids.DRILL_COUNT}")).group(1)
    assert int(count.replace(",", "")) == remaining
    link = page.locator(f"#{ids.DRILL_TABLE} a").first
    assert re.search(r"/browse/DEMO-\d+$", link.get_attribute("href"))
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#{ids.DRILL_PANEL}", state="hidden")
    page.click("text=Points")
    assert "remaining points" in _sentences(page, "points")
    assert watched.errors == []
    page.close()


def test_a_typed_clause_joins_the_scope_and_a_copied_url_shows_the_same(browser, demo_server):
    watched = open_page(browser)
    page = watched.page
    page.goto(demo_server.url + "/forecast?scope=type%3DStory")
    first = _sentences(page, "remaining items of Story")
    page.fill(f"#{ids.FORECAST_SCOPE_CLAUSE}", "status!=Blocked")
    page.click(f"#{ids.FORECAST_SCOPE_ADD}")
    _scope_in_url(page, "scope=status%21%3DBlocked")
    second = _sentences(page, "remaining items are done")  # two clauses: "the scope"
    assert second != first
    page.fill(f"#{ids.FORECAST_SCOPE_CLAUSE}", "colour=red")
    page.click(f"#{ids.FORECAST_SCOPE_ADD}")
    page.wait_for_selector(f"#{ids.FORECAST_SCOPE_MESSAGE} .alert")
    assert 'unknown field "colour"' in page.inner_text(f"#{ids.FORECAST_SCOPE_MESSAGE}")
    copied = page.url
    assert "scope=type%3DStory" in copied
    assert "colour" not in copied
    other = open_page(browser)  # a new browser context: nothing shared but the URL
    other.page.goto(copied)
    assert _sentences(other.page, "remaining items are done") == second
    assert sorted(re.findall(r"scope=[^&]+", other.page.url)) == sorted(
        re.findall(r"scope=[^&]+", copied))
    page.go_back()
    _sentences(page, "remaining items of Story")
    assert watched.errors == []
    assert other.errors == []
    page.close()
    other.page.close()
