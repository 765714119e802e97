"""The fetch soak (issue 10, item 1): two browser tabs, a seeded sequence of actions.

Terms:

- *plan*: ``STEPS`` seeded-random steps, each ``(tab, action, fault)``. Actions:
  Refresh, Full refresh, Cancel (a slow Full refresh, cancelled once its Cancel button
  shows), Save (on the settings page) and a page switch. Faults, injected into the JIRA
  simulator before the action: 503s, 429s, a server-side rate limit, slow answers,
  or an outage longer than the client retries.
- *tab*: a Playwright page. A fetch started in one tab runs on while the other tab
  acts; the next action of the same tab first waits for that fetch's *final state*.
- *final state*: ``done`` (the fetch's result says ok), ``failed`` (a result with a
  one-sentence error, shown in the alert) or ``cancelled`` (Cancel was clicked, the
  buttons are back, the alert says so). A fetch must reach one within ``FETCH_BOUND``.
- *hammer*: a thread requesting a page every 20 ms or so, so request threads keep
  writing log lines while fetch jobs start.
- *right numbers*: after a last clean fetch, each tab's DORA cards equal the cards
  built from ``data.service``'s report of an independent fetch of the simulator's
  issues, at the dashboard's ``as_of`` (the last sync of its store).
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests
from playwright.sync_api import Browser, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from configuration.settings_file import load_settings
from data import service
from data.simulator.server import JiraSimulator
from tests.integration.pages import Watched, open_page, wait_for_graphs
from tests.ui.tree import find
from ui import ids
from ui.pages.dora import card_row

STEPS = 40
FETCH_BOUND = 60.0  # seconds from a fetch's start to its final state
# How long a page may take to show the answer to one click (a save, a page switch)
# on a loaded 2-core machine; Playwright's default of 5 s is a timing bet.
ANSWER_MS = 30_000
ACTIONS = ("refresh", "full", "cancel", "save", "page")
FAULTS = ("none", "503", "429", "rate-limit", "slow", "outage")
PAGES = ((ids.NAV_DORA, ids.DORA_DEPLOYMENT_FREQUENCY_TREND),
         (ids.NAV_FLOW, None), (ids.NAV_FORECAST, None))
CARD_KEYS = ("dora-deployment-frequency", "dora-lead-time", "dora-change-failure-rate",
             "dora-time-to-restore")
IDLE = ("id => { const b = document.getElementById(id);"
        " return b !== null && !b.disabled; }")  # the fetch buttons are back
VISIBLE = "id => { const e = document.getElementById(id); return !!e && e.offsetParent !== null; }"


def plan(seed: int) -> list[tuple[int, str, str]]:
    """The seeded steps; every action and fault occurs (checked, not left to chance)."""
    rng = random.Random(seed)
    steps = [(rng.randrange(2), rng.choice(ACTIONS), rng.choice(FAULTS)) for _ in range(STEPS)]
    # Cancel needs a fetch slow enough to still run when its button shows.
    steps = [(t, a, "slow" if a == "cancel" else f) for t, a, f in steps]
    assert {a for _, a, _ in steps} == set(ACTIONS)
    assert {f for _, _, f in steps} == set(FAULTS)
    return steps


def inject(simulator: JiraSimulator, fault: str) -> None:
    simulator.faults.clear()
    simulator.delay_seconds = 0.0
    simulator.set_rate_limit(None)
    if fault == "503":
        simulator.fail_next(2, 503, retry_after=0.05)
    elif fault == "429":
        simulator.fail_next(2, 429, retry_after=0.05)
    elif fault == "rate-limit":
        simulator.set_rate_limit(4, 1.0)
    elif fault == "slow":
        simulator.delay_seconds = 0.25
    elif fault == "outage":
        simulator.fail_next(200, 503, retry_after=0.05)


def quiet(simulator: JiraSimulator) -> None:
    inject(simulator, "none")


@dataclass
class Fetch:
    """A fetch started in a tab: where its responses start, whether Cancel was clicked."""

    since: int
    started: float
    cancel_clicked: bool = False


@dataclass(frozen=True)
class Answer:
    """What one ``_dash-update-component`` response says about fetch jobs."""

    started_job: str | None = None  # the job handle a fetch's start returned
    polled_job: str | None = None  # the job a progress poll asked about
    result: dict | None = None  # the fetch result the poll carried


def _answer(response: Response) -> Answer:
    url = urlparse(response.url)
    if not url.path.endswith("/_dash-update-component"):
        return Answer()
    polled = parse_qs(url.query).get("job", [None])[0]
    try:
        body = json.loads(response.text())
    except Exception:  # not JSON (204, a body the browser dropped): nothing in it
        return Answer(polled_job=polled)
    if not isinstance(body, dict):
        return Answer(polled_job=polled)
    started = body.get("job") if polled is None and "cacheKey" in body else None
    output = (body.get("response") or {}).get(ids.FETCH_RESULT)
    return Answer(started, polled, output.get("data") if isinstance(output, dict) else None)


def remaining_ms(fetch: Fetch) -> float:
    """What is left of the fetch's bound, in milliseconds (Playwright's unit)."""
    return max(fetch.started + FETCH_BOUND - time.monotonic(), 1) * 1000


@dataclass
class Tab:
    watched: Watched
    name: str
    pending: Fetch | None = None
    outcomes: list[str] = field(default_factory=list)
    _answers: list[Answer] = field(default_factory=list)

    @property
    def page(self):
        return self.watched.page

    def answers(self, since: int) -> list[Answer]:
        responses = self.watched.responses
        self._answers.extend(_answer(r) for r in responses[len(self._answers):len(responses)])
        return self._answers[since:]

    def jobs(self, fetch: Fetch) -> set[str]:
        """The jobs started since ``fetch`` began: its own, and the one Dash starts
        instead when an input of the running fetch changes again (e.g. a Save)."""
        return {a.started_job for a in self.answers(fetch.since) if a.started_job}

    def polled(self, fetch: Fetch) -> bool:
        jobs = self.jobs(fetch)
        return any(a.polled_job in jobs for a in self.answers(fetch.since))

    def result(self, fetch: Fetch) -> dict | None:
        """The fetch's result: only a poll of a job it started counts (not a late one of
        an earlier fetch's job)."""
        jobs = self.jobs(fetch)
        return next((a.result for a in self.answers(fetch.since)
                     if a.polled_job in jobs and a.result is not None), None)

    def wait_for_response(self, fetch: Fetch) -> None:
        """Wait for the tab's next response; fail once the fetch is past its bound."""
        remaining = fetch.started + FETCH_BOUND - time.monotonic()
        assert remaining > 0, f"{self.name}: a fetch reached no final state in time\n" \
                              f"{self.fetch_log(fetch)}"
        try:
            self.page.wait_for_event("response", timeout=remaining * 1000)
        except PlaywrightTimeout:
            raise AssertionError(f"{self.name}: a fetch reached no final state in time\n"
                                 f"{self.fetch_log(fetch)}") from None

    def fetch_log(self, fetch: Fetch) -> str:
        """The fetch callback's requests and answers since ``fetch`` started (for failures)."""
        lines = []
        for response in self.watched.responses[fetch.since:]:
            if "_dash-update-component" in response.url:
                try:
                    body = response.text()[:300]
                except Exception:  # a body the browser already dropped
                    body = "?"
                lines.append(f"{response.status} {response.url[-60:]} {body}")
        return "\n".join(lines[-30:])

    def start(self, button: str) -> Fetch:
        fetch = Fetch(len(self.watched.responses), time.monotonic())
        self.page.click(f"#{button}")
        self.pending = fetch
        return fetch

    def settle(self) -> None:
        """Wait for the pending fetch's final state (see the module docstring)."""
        fetch, self.pending = self.pending, None
        if fetch is None:
            return
        if not fetch.cancel_clicked:
            while self.result(fetch) is None:
                self.wait_for_response(fetch)
        self.page.wait_for_function(IDLE, arg=ids.REFRESH_BUTTON, timeout=remaining_ms(fetch))
        result = self.result(fetch)
        alert = self.page.locator(f"#{ids.FETCH_ALERT}")
        if result is None:
            expect(alert, f"{self.name}: {self.fetch_log(fetch)}").to_contain_text(
                "ancel", timeout=remaining_ms(fetch))
            self.outcomes.append("cancelled")
        elif result.get("ok"):
            self.outcomes.append("done")
        else:
            assert result.get("error"), result
            expect(alert).to_contain_text(result["error"][:40], timeout=remaining_ms(fetch))
            self.outcomes.append("failed")


def switch_page(tab: Tab, rng: random.Random) -> None:
    nav, graph = rng.choice(PAGES)
    tab.page.click(f"#{nav}")
    if graph is not None:
        wait_for_graphs(tab.page, [graph])


def save(tab: Tab) -> None:
    """Save the settings as they are; a fetch the save starts becomes the pending one."""
    tab.page.click(f"#{ids.NAV_SETTINGS}")
    button = tab.page.locator(f"#{ids.SETTINGS_SAVE_BUTTON}")
    expect(button).to_be_enabled(timeout=ANSWER_MS)
    since = len(tab.watched.responses)
    note = tab.page.locator(f"#{ids.SETTINGS_SAVE_RESULT}")
    button.click()
    expect(note).to_contain_text("Saved", timeout=ANSWER_MS)
    if "Fetching" in note.inner_text():
        tab.pending = Fetch(since, time.monotonic())
    tab.page.click(f"#{ids.NAV_DORA}")


def cancel(tab: Tab) -> None:
    """A Full refresh, cancelled once Dash polls its job (it can cancel only a job it
    knows), unless the job has ended by then."""
    fetch = tab.start(ids.FULL_REFRESH_BUTTON)
    while not tab.polled(fetch):
        tab.wait_for_response(fetch)
    if tab.result(fetch) is None:
        fetch.cancel_clicked = tab.page.evaluate(
            f"() => {{ const shown = ({VISIBLE})('{ids.CANCEL_BUTTON}');"
            f" if (shown) document.getElementById('{ids.CANCEL_BUTTON}').click();"
            " return shown; }")


class Hammer:
    """Requests a page about every 20 ms until stopped (see the module docstring)."""

    def __init__(self, url: str) -> None:
        self.url, self.count = url, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with requests.Session() as session:
            # Paced (at most ~50 a second), not flat out: on two shared cores a flat-out
            # loop starves the browser and the fetches it is meant to run alongside.
            while not self._stop.wait(0.02):
                # A static file: the cheapest request, so the most log lines per second.
                session.get(self.url + "/assets/app.css", timeout=30)
                self.count += 1

    def __enter__(self) -> Hammer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def expected_cards(settings_path: Path, cache_dir: Path, scratch: Path) -> dict[str, str]:
    """The DORA card values from an independent fetch of the simulator's issues."""
    settings = load_settings(settings_path)
    stored = service.load_cached(settings, cache_dir=cache_dir)
    assert stored is not None
    independent = service.load_frames(settings, full=True, cache_dir=scratch)
    as_of = stored.metadata.last_sync_at
    report = service.compute_report_json(independent.frames, settings, as_of=as_of,
                                         period_days=settings.period_days)
    row = card_row(report, None, {})
    return {key: find(row, f"{key}-value").children[0].children for key in CARD_KEYS}


@dataclass(frozen=True)
class Target:
    """The dashboard under soak: its URL, the JIRA it reads, its settings and cache."""

    base_url: str
    simulator: JiraSimulator
    settings_path: Path
    cache_dir: Path


def run_soak(browser: Browser, target: Target, scratch: Path, *, seed: int) -> list[Tab]:
    """The soak (see the module docstring); returns the tabs with their outcomes."""
    base_url, simulator = target.base_url, target.simulator
    tabs = [Tab(open_page(browser), "tab A"), Tab(open_page(browser), "tab B")]
    for tab in tabs:
        tab.page.goto(base_url + "/")
        wait_for_graphs(tab.page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
        # A first fetch the page load may have started is not part of the plan.
        tab.page.wait_for_function(IDLE, arg=ids.REFRESH_BUTTON, timeout=FETCH_BOUND * 1000)
    rng = random.Random(seed + 1)
    with Hammer(base_url) as hammer:
        for which, action, fault in plan(seed):
            tab = tabs[which]
            tab.settle()
            inject(simulator, fault)
            if action == "refresh":
                tab.start(ids.REFRESH_BUTTON)
            elif action == "full":
                tab.start(ids.FULL_REFRESH_BUTTON)
            elif action == "cancel":
                cancel(tab)
            elif action == "save":
                save(tab)
            else:
                switch_page(tab, rng)
        for tab in tabs:
            tab.settle()
        assert hammer.count > 0
    quiet(simulator)
    tabs[0].start(ids.FULL_REFRESH_BUTTON)
    tabs[0].settle()
    assert tabs[0].outcomes[-1] == "done"
    expected = expected_cards(target.settings_path, target.cache_dir, scratch)
    for tab in tabs:  # away and back: the DORA page is drawn anew, at the last sync
        tab.page.click(f"#{ids.NAV_FLOW}")
        tab.page.click(f"#{ids.NAV_DORA}")
        wait_for_graphs(tab.page, [ids.DORA_DEPLOYMENT_FREQUENCY_TREND])
        for key, value in expected.items():
            shown = tab.page.locator(f"#{key}-value .metric-value")
            expect(shown).to_have_text(value, timeout=ANSWER_MS)
    return tabs
