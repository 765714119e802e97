"""Take the README screenshots: ``python -m tests.integration.screenshots DIRECTORY``.

Starts the dashboard in demo mode (like the browser tests) and saves one full-page
PNG per page: ``dashboard-dora.png``, ``dashboard-flow.png``,
``dashboard-forecast.png``, ``dashboard-settings.png`` and ``dashboard-compare.png``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.integration.conftest import CHROMIUM, CHROMIUM_ARGS, serve
from tests.integration.pages import open_page, wait_for_graphs
from tests.ui.sample import DORA_CHARTS as DORA_GRAPHS
from tests.ui.sample import FLOW_CHARTS as FLOW_GRAPHS
from tests.ui.sample import FORECAST_CHARTS as FORECAST_GRAPHS
from ui import ids

PAGES = (("dora", ids.NAV_DORA, DORA_GRAPHS), ("flow", ids.NAV_FLOW, FLOW_GRAPHS),
         ("forecast", ids.NAV_FORECAST, FORECAST_GRAPHS), ("settings", ids.NAV_SETTINGS, []))
COMPARE_VIEW = "/compare?days=90&compare=default&compare=default%7Ctype%3DBug"


def main(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watched = open_page(browser, width=1440, height=900)
        watched.page.goto(server.url + "/")
        wait_for_graphs(watched.page, DORA_GRAPHS)
        for name, nav, graphs in PAGES:
            watched.page.click(f"#{nav}")
            wait_for_graphs(watched.page, graphs)
            if name == "settings":
                watched.page.wait_for_selector(f"#{ids.SETTINGS_LOAD_RESULT} .load-result")
            watched.page.wait_for_timeout(500)  # let alerts and transitions settle
            print(watched.shot(directory, f"dashboard-{name}"))
        # Compare: the whole demo beside its bugs (a segment), with the department total.
        watched.page.goto(server.url + COMPARE_VIEW)
        wait_for_graphs(watched.page, ["compare-trend-completed"])
        watched.page.wait_for_timeout(500)
        print(watched.shot(directory, "dashboard-compare"))
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
