"""Profiles in a real browser (METRICS.md section 8): the header's switcher and
``profile=`` in the URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from configuration.validation import settings_to_dict
from data.simulator.demo_settings import demo_settings
from data.simulator.server import JiraSimulator
from tests.integration.conftest import Server, serve
from tests.integration.pages import open_page, wait_for_graphs
from ui import ids

pytestmark = pytest.mark.browser
SUBTITLE = "(document.querySelector('.page-subtitle')?.innerText || '')"
PROFILES = {"stories": {"filter": ["type=Story"]}, "month": {"period_days": 30}}


def _values(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "[data-metric]", "els => Object.fromEntries(els.map(e => "
        "[e.dataset.metric, e.dataset.value]))")


@pytest.fixture(scope="module")
def jira() -> Iterator[JiraSimulator]:
    with JiraSimulator() as simulator:  # the demo project, on 127.0.0.1
        yield simulator


def write_settings(directory: Path, url: str, profiles: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    data = settings_to_dict(demo_settings(url), include_token=True) | {"profiles": profiles}
    (directory / "settings.json").write_text(json.dumps(data))


@pytest.fixture(scope="module")
def profiles_server(tmp_path_factory: pytest.TempPathFactory,
                    jira: JiraSimulator) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("profiles")
    write_settings(directory, jira.url, PROFILES)
    with serve(directory) as server:
        yield server


def test_the_switcher_shows_a_profile_and_its_url_reproduces_it(browser, profiles_server):
    watched = open_page(browser)
    page = watched.page
    page.goto(profiles_server.url + "/flow")
    wait_for_graphs(page, [ids.FLOW_VELOCITY_CHART])
    page.wait_for_function(f"() => {SUBTITLE}.includes('issues considered')")
    everything = _values(page)
    options = page.eval_on_selector_all(f"#{ids.PROFILE_SELECT} option",
                                        "els => els.map(e => e.value).filter(v => v)")
    assert options == ["default", "stories", "month"]
    before = page.inner_text(".page-subtitle")
    page.select_option(f"#{ids.PROFILE_SELECT}", "stories")
    page.wait_for_function("() => location.search.includes('profile=stories')")
    page.wait_for_function(f"before => {SUBTITLE} !== before && {SUBTITLE}.includes("
                           "'issues considered')", arg=before)
    wait_for_graphs(page, [ids.FLOW_VELOCITY_CHART])
    stories = _values(page)
    assert stories != everything
    url = page.url

    context = browser.new_context()
    other = context.new_page()
    other.goto(url)
    wait_for_graphs(other, [ids.FLOW_VELOCITY_CHART])
    other.wait_for_function(f"() => {SUBTITLE}.includes('issues considered')")
    assert _values(other) == stories
    assert other.input_value(f"#{ids.PROFILE_SELECT}") == "stories"
    context.close()

    # A profile's own period becomes the page's period.
    page.select_option(f"#{ids.PROFILE_SELECT}", "month")
    page.wait_for_function("() => location.search.includes('profile=month')")
    page.wait_for_function(f"() => {SUBTITLE}.startsWith('Last 30 days')")
    page.select_option(f"#{ids.PROFILE_SELECT}", "default")
    page.wait_for_function("() => !location.search.includes('profile=')")
    assert watched.errors == []
    page.close()


def test_an_unknown_profile_in_the_url_says_so(browser, profiles_server):
    page = open_page(browser).page
    page.goto(profiles_server.url + "/flow?profile=nobody")
    page.wait_for_function("() => document.body.innerText.includes('Unknown profile')")
    assert "default, stories, month" in page.inner_text(f"#{ids.PAGE_CONTENT}")
    page.close()


def _column_values(page, column: int) -> dict[str, str]:
    return page.eval_on_selector_all(
        f"#{ids.COMPARE_TABLE} tbody tr td:nth-child({column + 2}) [data-metric]",
        "els => Object.fromEntries(els.map(e => [e.dataset.metric, e.dataset.value]))")


def test_the_compare_page_matches_each_profiles_own_page_and_drills_down(
        browser, profiles_server):
    watched = open_page(browser)
    page = watched.page
    page.goto(profiles_server.url + "/flow?profile=stories&days=90")
    wait_for_graphs(page, [ids.FLOW_VELOCITY_CHART])
    page.wait_for_function(f"() => {SUBTITLE}.includes('issues considered')")
    stories = _values(page)

    page.goto(profiles_server.url + "/compare?days=90&compare=stories&compare=default")
    page.wait_for_selector(f"#{ids.COMPARE_TABLE}")
    compared = _column_values(page, 0)
    flow = [k for k in compared if k.startswith("flow.")]
    assert len(flow) == 4
    assert {k: compared[k] for k in flow} == {k: stories[k] for k in flow}
    department = _column_values(page, 2)
    assert department == _column_values(page, 1)  # no other team: all of default's issues
    wait_for_graphs(page, ["compare-trend-completed"])
    traces = page.eval_on_selector("#compare-trend-completed .js-plotly-plot",
                                   "el => el.data.map(t => t.name)")
    assert traces == ["stories", "default", "Department total"]

    wip = int(compared["flow.load.wip"])
    page.click(f"#{ids.COMPARE_TABLE} tbody tr:last-child td:nth-child(2) button")
    page.wait_for_selector(f"#{ids.DRILL_PANEL}", state="visible")
    page.wait_for_function(
        f"() => /^\\d[\\d,]* item/.test(document.querySelector('#{ids.DRILL_COUNT}')"
        "?.innerText || '')")
    assert page.inner_text(f"#{ids.DRILL_COUNT}").startswith(f"{wip:,} item")
    page.keyboard.press("Escape")

    # A segment of the current profile joins the comparison and the URL.
    page.fill(f"#{ids.COMPARE_SEGMENT}", "type=Bug")
    page.click(f"#{ids.COMPARE_SEGMENT_ADD}")
    page.wait_for_function("() => location.search.includes('compare=default%7Ctype%3DBug')")
    page.wait_for_function(
        f"() => document.querySelectorAll('#{ids.COMPARE_TABLE} thead th').length === 5")
    assert watched.errors == []
    page.close()


def test_one_profile_is_not_a_comparison(browser, profiles_server):
    page = open_page(browser).page
    page.goto(profiles_server.url + "/compare?compare=stories")
    page.wait_for_function(
        f"() => document.querySelector('#{ids.COMPARE_MESSAGE}')?.innerText.includes('2 to 8')")
    page.close()


def test_the_settings_editor_creates_edits_renames_and_deletes_profiles(
        browser, jira, tmp_path):
    write_settings(tmp_path, jira.url, {"old": {"period_days": 7}})
    with serve(tmp_path) as server:
        watched = open_page(browser)
        page = watched.page
        page.goto(server.url + "/settings")
        page.wait_for_selector(f"#{ids.PROFILE_EDIT_CARD}")
        jql = f"#{ids.PROFILE_EDIT_FIELDS['jql']}"
        assert page.get_attribute(jql, "placeholder") == "inherited: project = DEMO ORDER BY key"

        page.fill(f"#{ids.PROFILE_EDIT_NAME}", "api")
        page.click(f"#{ids.PROFILE_EDIT_NEW}")
        page.wait_for_function(
            f"() => document.querySelector('#{ids.PROFILE_EDIT_RESULT}')?.innerText"
            ".includes('Profiles: default, old, api')")
        page.fill(f"#{ids.PROFILE_EDIT_FIELDS['filter']}", "colour=red")
        page.click(f"#{ids.PROFILE_EDIT_SAVE}")
        page.wait_for_function(
            f"() => document.querySelector('#{ids.PROFILE_EDIT_RESULT}')?.innerText"
            ".includes('profiles.api.filter')")
        page.fill(f"#{ids.PROFILE_EDIT_FIELDS['filter']}", "type=Story")
        page.fill(f"#{ids.PROFILE_EDIT_FIELDS['period']}", "30")
        page.click(f"#{ids.PROFILE_EDIT_SAVE}")
        page.wait_for_function(
            f"() => document.querySelector('#{ids.PROFILE_EDIT_RESULT}')?.innerText"
            ".startsWith('Saved')")
        saved = json.loads(server.settings_path.read_text())
        assert saved["profiles"]["api"] == {"period_days": 30, "filter": ["type=Story"]}
        assert saved["jira"]["token"] == "demo-token"  # the token stayed where it was

        page.fill(f"#{ids.PROFILE_EDIT_NAME}", "stories")
        page.click(f"#{ids.PROFILE_EDIT_RENAME}")
        page.wait_for_function(
            f"() => document.querySelector('#{ids.PROFILE_EDIT_RESULT}')?.innerText"
            ".includes('default, old, stories')")
        page.select_option(f"#{ids.PROFILE_EDIT_PICK}", "old")
        page.wait_for_function(
            f"() => document.querySelector('#{ids.PROFILE_EDIT_FIELDS['period']}').value"
            " === '7'")
        page.click(f"#{ids.PROFILE_EDIT_DELETE}")
        page.wait_for_function(
            f"() => document.querySelector('#{ids.PROFILE_EDIT_RESULT}')?.innerText"
            ".includes('Profiles: default, stories.')")
        assert list(json.loads(server.settings_path.read_text())["profiles"]) == ["stories"]

        # The switcher offers what was saved.
        page.goto(server.url + "/flow")
        page.wait_for_function(
            f"() => [...document.querySelectorAll('#{ids.PROFILE_SELECT} option')]"
            ".map(o => o.value).filter(v => v).join() === 'default,stories'")
        assert watched.errors == []
        page.close()
