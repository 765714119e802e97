"""Browser-test fixtures: the dashboard in a subprocess, headless Debian Chromium.

*Server*: ``tests.integration.serve_app`` on a free 127.0.0.1 port with a temporary
settings path (missing, so demo mode) and cache directory. *Browser*: Playwright
driving ``/usr/bin/chromium`` (never a downloaded browser).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from configuration.paths import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Server:
    url: str
    settings_path: Path
    cache_dir: Path
    log_path: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # loopback
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as answer:
            if answer.code == 401:  # up, and asking for a login
                return
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the dashboard did not start in time")


@contextmanager
def serve(directory: Path, env: dict[str, str] | None = None, *,
          log_dir: Path | None = None) -> Iterator[Server]:
    """The dashboard until the block ends: demo mode unless ``directory`` holds a
    ``settings.json``.

    ``env``: variables added to the server's environment (``DASH_USERS``, ...);
    ``log_dir``: the app's logging writes there (as ``app.py serve`` sets it up).
    """
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = directory / "server.log"
    server = Server(f"http://127.0.0.1:{port}", directory / "settings.json",
                    directory / "cache", log_path)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.serve_app", str(server.settings_path),
             str(server.cache_dir), str(port), *([str(log_dir)] if log_dir else [])],
            cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})})
        try:
            _wait_until_up(server.url + "/", process, log_path)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("demo")) as server:
        yield server


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory,
               request: pytest.FixtureRequest) -> Iterator[Server]:
    """A demo-mode dashboard for one test module alone: its tests may save settings."""
    with serve(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])) as server:
        yield server
