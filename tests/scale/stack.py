"""A whole team deployment on loopback, for the integration test and benchmarks/scale.py.

Terms:

- *stack*: a private redis-server, the JIRA simulator (in this process, with an
  optional server-side rate limit), a settings file pointing at it, gunicorn serving
  ``app:server`` with N workers and one Celery worker, all sharing one cache
  directory. Every process is started in its own session, so stopping it stops its
  children too (gunicorn's and Celery's workers).
- *Dash client*: drives the dashboard's background fetch callback over HTTP the
  way the browser does: one POST starts the job and returns signed handles, further
  POSTs with ``cacheKey``/``job`` poll it until the response carries the output.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from configuration.paths import PROJECT_ROOT
from configuration.settings import RateLimit
from configuration.settings_file import load_settings, save_settings
from data import service
from data.simulator.demo_data import generate_demo_issues
from data.simulator.demo_settings import demo_settings
from data.simulator.server import JiraSimulator
from tests.conftest_redis import free_port, running_redis
from ui import ids

BIN = Path(sys.executable).parent


@dataclass
class Proc:
    """A started process and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Signal the process's whole session, then wait for the leader."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@dataclass
class Stack:
    """Everything a test needs to talk to and inspect a running team deployment."""

    web_url: str
    redis_url: str
    simulator: JiraSimulator
    settings_path: Path
    cache_dir: Path
    env: dict[str, str]
    web: Proc | None = None
    worker: Proc | None = None


def start(command: list[str], env: Mapping[str, str], log: Path) -> Proc:
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=dict(env),
            cwd=PROJECT_ROOT, start_new_session=True,
        )
    return Proc(process, log)


def wait_for(condition, what: str, proc: Proc | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.process.poll() is not None:
            raise RuntimeError(f"{what}: process exited\n{proc.text()[-3000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: timed out\n{proc.text()[-3000:] if proc else ''}")
        time.sleep(0.1)


def base_env(redis_url: str | None, settings_path: Path, cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "DASH_USERS", "TRUST_PROXY_AUTH", "JIRA_API_TOKEN"}}
    env |= {"DASHBOARD_SETTINGS": str(settings_path), "DASHBOARD_CACHE_DIR": str(cache_dir),
            "PYTHONPATH": str(PROJECT_ROOT), "PYTHONUNBUFFERED": "1"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def write_settings(path: Path, simulator_url: str, *, jql: str | None = None,
                   rate_limit: tuple[int, float] = (100, 10.0), page_size: int = 100) -> Path:
    settings = demo_settings(simulator_url)
    jira = replace(settings.jira, rate_limit=RateLimit(*rate_limit), page_size=page_size,
                   jql=jql or settings.jira.jql)
    save_settings(replace(settings, jira=jira), path)
    return path


FetchRun = tuple[int, float, float]  # requests used, monotonic start, monotonic end


def _full_fetch(settings_path: str, cache_dir: str, redis_url: str | None, out: Any) -> None:
    """A spawned process's body: one full fetch, reported as a :data:`FetchRun`."""
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    started = time.monotonic()
    synced = service.load_frames(load_settings(Path(settings_path)), full=True,
                                 cache_dir=Path(cache_dir))
    out.put((synced.requests, started, time.monotonic()))


def fetch_concurrently(jobs: list[tuple[Path, Path]], redis_url: str | None, *,
                       timeout: float) -> tuple[list[FetchRun], list[int | None]]:
    """Full fetches of ``(settings file, cache dir)`` jobs, one spawned process each,
    all at once. Returns the runs (in finishing order) and the processes' exit codes."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    processes = [ctx.Process(target=_full_fetch, args=(str(s), str(c), redis_url, out))
                 for s, c in jobs]
    for process in processes:
        process.start()
    runs = [out.get(timeout=timeout) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return runs, [process.exitcode for process in processes]


def start_web(stack: Stack, port: int, workers: int, log: Path) -> Proc:
    command = [str(BIN / "gunicorn"), "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
               "-b", f"127.0.0.1:{port}", "--workers", str(workers), "app:server"]
    web = start(command, stack.env, log)
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), "gunicorn", web, timeout=120)
    except BaseException:
        web.stop()  # never leave a half-started server behind
        raise
    return web


def start_worker(stack: Stack, concurrency: int, log: Path) -> Proc:
    command = [str(BIN / "celery"), "-A", "celery_app", "worker", "--loglevel=INFO",
               f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
               "-n", f"test-{os.getpid()}@%h"]
    worker = start(command, stack.env, log)
    try:
        wait_for(lambda: " ready." in worker.text(), "celery worker", worker, timeout=120)
    except BaseException:
        worker.stop()
        raise
    return worker


def _answers(url: str) -> bool:
    """The app answers: the page, or the login request when basic auth is on."""
    try:
        return requests.get(url, timeout=2).status_code in (200, 401)
    except requests.RequestException:
        return False


@contextmanager
def team_stack(tmp_path: Path, *, web_workers: int = 2, celery_concurrency: int = 3,
               server_limit: tuple[int, float] | None = None, issue_count: int = 600,
               anchor: datetime, with_worker: bool = True,
               extra_env: Mapping[str, str] | None = None) -> Iterator[Stack]:
    """Start the whole deployment; stop every process on exit."""
    with ExitStack() as stack_exit:
        redis = stack_exit.enter_context(running_redis())
        simulator = JiraSimulator(generate_demo_issues(anchor=anchor, count=issue_count),
                                  rate_limit=server_limit, clock=lambda: anchor)
        stack_exit.enter_context(simulator)
        limit = server_limit or (100, 10.0)
        settings_path = write_settings(tmp_path / "settings.json", simulator.url,
                                       rate_limit=limit, page_size=50)
        cache_dir = tmp_path / "cache"
        port = free_port()
        env = base_env(redis.url, settings_path, cache_dir) | dict(extra_env or {})
        stack = Stack(f"http://127.0.0.1:{port}", redis.url, simulator, settings_path,
                      cache_dir, env)
        if with_worker:
            stack.worker = start_worker(stack, celery_concurrency, tmp_path / "celery.log")
            stack_exit.callback(lambda: stack.worker and stack.worker.stop())
        stack.web = start_web(stack, port, web_workers, tmp_path / "gunicorn.log")
        stack_exit.callback(stack.web.stop)
        yield stack


class DashClient:
    """Drives the fetch background callback over HTTP as the browser does."""

    def __init__(self, base_url: str, *, clicks: int = 1,
                 auth: tuple[str, str] | None = None) -> None:
        # Users differ by their click counts: Dash keys a background job's result by
        # the callback's arguments, so two users sending identical ones share a key.
        self.base_url = base_url
        self.clicks = clicks
        self.session = requests.Session()
        self.session.auth = auth
        self._dependencies: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None

    def start_fetch(self, *, full: bool = False) -> dict[str, Any]:
        """POST the click; returns the signed job handles."""
        answer = self.session.post(self.base_url + "/_dash-update-component",
                                   json=self._body(full), timeout=30)
        answer.raise_for_status()
        return answer.json()

    def poll(self, handles: Mapping[str, Any], *, full: bool = False) -> dict[str, Any] | None:
        """One poll: the fetch result when the job is done, else None."""
        answer = self.session.post(
            self.base_url + "/_dash-update-component",
            params={"cacheKey": handles["cacheKey"], "job": handles["job"]},
            json=self._body(full), timeout=30,
        )
        answer.raise_for_status()
        if answer.status_code == 204 or not answer.content:
            return None
        payload = answer.json()
        response = payload.get("response")
        if not response:
            return None
        return response[ids.FETCH_RESULT]["data"]

    def fetch(self, *, full: bool = False, timeout: float = 300) -> dict[str, Any]:
        handles = self.start_fetch(full=full)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.poll(handles, full=full)
            if result is not None:
                return result
            time.sleep(0.25)
        raise TimeoutError("the fetch did not finish")

    def _body(self, full: bool) -> dict[str, Any]:
        """The request the browser sends when the user clicks (full) refresh.

        The callback's inputs and states are read from ``/_dash-dependencies``, so the
        body follows the dashboard as it changes: the clicked button carries this
        user's click count, every other input and state is empty.
        """
        clicked = ids.FULL_REFRESH_BUTTON if full else ids.REFRESH_BUTTON
        inputs, state = self._fetch_dependencies()
        def value(item: Mapping[str, Any]) -> Any:
            return self.clicks if item["id"] == clicked else None

        return {
            "output": f"{ids.FETCH_RESULT}.data",
            "outputs": {"id": ids.FETCH_RESULT, "property": "data"},
            "inputs": [{**item, "value": value(item)} for item in inputs],
            "changedPropIds": [f"{clicked}.n_clicks"],
            "state": [{**item, "value": None} for item in state],
        }

    def _fetch_dependencies(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if self._dependencies is None:
            answer = self.session.get(self.base_url + "/_dash-dependencies", timeout=30)
            answer.raise_for_status()
            (callback,) = [c for c in answer.json()
                           if c["output"] == f"{ids.FETCH_RESULT}.data"]
            self._dependencies = (callback["inputs"], callback["state"])
        return self._dependencies
