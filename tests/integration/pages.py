"""Helpers the browser tests share: a page that records console errors and responses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Response

WAIT_MS = 45_000  # a first fetch of the demo project plus rendering, on 2 busy cores


@dataclass
class Watched:
    page: Page
    errors: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def bodies(self) -> list[str]:
        """Every response body (text) the page received so far."""
        texts = []
        for response in self.responses:
            try:
                texts.append(response.text())
            except Exception:  # a body the browser already dropped (redirect)
                continue
        return texts

    def shot(self, directory: Path, name: str) -> Path:
        path = directory / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_page(browser: Browser, *, width: int = 1400, height: int = 900,
              login: tuple[str, str] | None = None) -> Watched:
    """A new page; ``login`` (user, password) answers the dashboard's basic auth."""
    credentials = {"username": login[0], "password": login[1]} if login else None
    page = browser.new_page(viewport={"width": width, "height": height},
                            http_credentials=credentials)
    page.set_default_timeout(WAIT_MS)
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(str(e)))
    # A lambda, not the bound method: Playwright tags handlers, and a builtin refuses.
    page.on("response", lambda r: watched.responses.append(r))  # noqa: PLW0108
    return watched


def wait_for_graphs(page: Page, graph_ids: list[str]) -> None:
    """Every graph drawn by plotly (its SVG exists), not an empty state."""
    for graph_id in graph_ids:
        page.wait_for_selector(f"#{graph_id} .js-plotly-plot .main-svg", state="attached")


def wait_for_text(page: Page, selector: str, text: str) -> None:
    """Until the element at ``selector`` shows ``text`` (Playwright's default timeout)."""
    page.wait_for_function(
        "([sel, text]) => (document.querySelector(sel)?.innerText || '').includes(text)",
        arg=[selector, text])


def _luminance(css_rgb: str) -> float:
    """WCAG 2 relative luminance of a computed ``rgb(r, g, b)`` / ``rgba(...)`` colour."""
    channels = [int(part) / 255 for part in re.findall(r"\d+", css_rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(color: str, background: str) -> float:
    """WCAG 2 contrast ratio of two computed colours (1 to 21; AA text needs 4.5)."""
    light, dark = sorted((_luminance(color), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def computed_colors(page: Page, selector: str) -> tuple[str, str]:
    """The text colour and background colour the browser computed for ``selector``."""
    return page.eval_on_selector(
        selector, "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
