"""Team deployment figures: page throughput per gunicorn worker count, shared JIRA pacing.

Run: ``.venv/bin/python benchmarks/scale.py``. Prints figures; records nothing.

1. *Page requests per second*: the demo project (2,400 issues) is fetched once into a
   temporary cache; then gunicorn serves the dashboard (team mode: a private Redis)
   with 1 and then 4 workers, and ``CLIENTS`` client threads in two load processes
   request pages for ``SECONDS`` seconds. A *page request* is the router callback
   (``POST /_dash-update-component``) that renders a page's content from the cached
   data, the request a browser makes on every page or period change, rotating over
   the DORA, Flow and Forecast pages and two periods. An untimed round of the same
   load comes first, so that every worker answers from its results cache.
2. *Shared JIRA pacing*: three processes fetch three different queries at once
   against the simulator limited to ``LIMIT`` requests per second, with every
   settings file saying the same: sharing the Redis bucket (team mode); sharing the
   file-backed bucket of one cache directory (``REDIS_URL`` unset, one machine); and
   with a bucket each (``REDIS_URL`` unset, a cache directory each, as on separate
   machines without Redis). Reports the combined request rate and the 429 answers.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from configuration.settings_file import load_settings
from data import service
from data.simulator.demo_data import generate_demo_issues
from data.simulator.server import JiraSimulator
from tests.conftest_redis import free_port, running_redis
from tests.scale.stack import (
    Proc,
    Stack,
    base_env,
    fetch_concurrently,
    start_web,
    write_settings,
)
from ui import ids

SECONDS = 8.0
CLIENTS = 16  # client threads in total, split over two load processes
PAGES = ("/", "/flow", "/forecast")
PERIODS = (30, 90)
LIMIT = (10, 1.0)


# --- 1. page requests per second ---------------------------------------------------------


def route_body(dependencies: list[dict[str, Any]], pathname: str, days: int) -> dict[str, Any]:
    """The router callback's request, built from the app's own dependency list."""
    (callback,) = [c for c in dependencies if c["output"] == f"{ids.PAGE_CONTENT}.children"]
    values = {ids.URL: pathname, ids.PERIOD_STORE: {"period_days": days, "end": None},
              ids.DATA_VERSION: 1}
    return {
        "output": callback["output"],
        "outputs": {"id": ids.PAGE_CONTENT, "property": "children"},
        "inputs": [{**i, "value": values.get(i["id"])} for i in callback["inputs"]],
        "changedPropIds": [f"{ids.PERIOD_STORE}.data"],
        "state": [{**s, "value": None} for s in callback["state"]],
    }


def bodies(url: str) -> list[dict[str, Any]]:
    dependencies = requests.get(url + "/_dash-dependencies", timeout=30).json()
    return [route_body(dependencies, page, days) for page in PAGES for days in PERIODS]


def _load(url: str, threads: int, seconds: float, out) -> None:
    """One load process: ``threads`` clients posting page requests for ``seconds``."""
    payloads = bodies(url)
    counts, failures = [0] * threads, [0] * threads
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        session = requests.Session()
        n = index
        while time.monotonic() < stop_at:
            answer = session.post(url + "/_dash-update-component",
                                  json=payloads[n % len(payloads)], timeout=60)
            if answer.status_code == 200:
                counts[index] += 1
            else:
                failures[index] += 1
            n += 1

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((sum(counts), sum(failures)))


def run_load(url: str, seconds: float) -> tuple[int, int]:
    """``CLIENTS`` clients in two processes for ``seconds``: (answers, failures)."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    loaders = [ctx.Process(target=_load, args=(url, CLIENTS // 2, seconds, out))
               for _ in range(2)]
    for loader in loaders:
        loader.start()
    results = [out.get(timeout=seconds + 180) for _ in loaders]
    for loader in loaders:
        loader.join(timeout=30)
    return sum(r[0] for r in results), sum(r[1] for r in results)


def page_throughput(stack: Stack, workers: int, workdir: Path) -> tuple[float, int]:
    port = free_port()
    stack.web_url = f"http://127.0.0.1:{port}"
    web: Proc = start_web(stack, port, workers, workdir / f"gunicorn-{workers}.log")
    try:
        # Untimed first round: every worker computes every page once (its results
        # cache is in memory), so the timed round measures the cached dashboard.
        run_load(stack.web_url, SECONDS)
        answers, failures = run_load(stack.web_url, SECONDS)
    finally:
        web.stop()
    return answers / SECONDS, failures


def pages(workdir: Path) -> None:
    anchor = datetime.now(UTC)
    with running_redis() as redis_server, JiraSimulator(
        generate_demo_issues(anchor=anchor), clock=lambda: anchor
    ) as jira:
        settings_path = write_settings(workdir / "settings.json", jira.url,
                                       rate_limit=(1000, 1.0))
        cache_dir = workdir / "cache"
        synced = service.load_frames(load_settings(settings_path), cache_dir=cache_dir)
        print(f"cached {synced.metadata.issue_count:,} demo issues")
        stack = Stack("", redis_server.url, jira, settings_path, cache_dir,
                      base_env(redis_server.url, settings_path, cache_dir))
        print(f"page requests, {CLIENTS} clients, {SECONDS:.0f} s each, "
              f"{os.cpu_count()} CPUs:")
        for workers in (1, 4):
            rate, failed = page_throughput(stack, workers, workdir)
            print(f"  {workers} gunicorn worker(s): {rate:7.1f} page requests/s"
                  f"  ({failed} failed)")


# --- 2. shared JIRA pacing ---------------------------------------------------------------


PACING_MODES = {
    "redis": "shared Redis bucket",
    "file": "shared file bucket (one cache dir)",
    "none": "a bucket per process",
}


def pacing(workdir: Path, mode: str) -> None:
    issues = generate_demo_issues(anchor=datetime.now(UTC), count=3000)
    with running_redis() as redis_server, JiraSimulator(issues, rate_limit=LIMIT) as jira:
        paths = [write_settings(workdir / f"{kind}-{mode}.json", jira.url, rate_limit=LIMIT,
                                page_size=25,
                                jql=f"project = DEMO AND issuetype = {kind} ORDER BY key")
                 for kind in ("Story", "Bug", "Task")]
        url = redis_server.url if mode == "redis" else None
        caches = [workdir / (f"cache-{mode}-{n}" if mode == "none" else f"cache-{mode}")
                  for n in range(len(paths))]
        runs, _ = fetch_concurrently(list(zip(paths, caches, strict=True)), url, timeout=600)
        stats = jira.stats
    elapsed = max(r[2] for r in runs) - min(r[1] for r in runs)
    limit_rate = LIMIT[0] / LIMIT[1]
    label = PACING_MODES[mode]
    # The bucket starts full, so the first LIMIT[0] requests may go at once; the
    # sustained rate is what follows that burst.
    sustained = (stats.requests - LIMIT[0]) / elapsed
    print(f"  {label}: {stats.requests} requests in {elapsed:.1f} s: "
          f"{stats.requests / elapsed:.1f}/s overall, {sustained:.1f}/s after the burst "
          f"(limit {limit_rate:.0f}/s, burst {LIMIT[0]}); {stats.rate_limited} answered 429")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        workdir = Path(tmp)
        pages(workdir)
        print(f"3 concurrent fetches of different queries, server limit "
              f"{LIMIT[0]} per {LIMIT[1]:g} s:")
        for mode in PACING_MODES:
            pacing(workdir, mode)


if __name__ == "__main__":
    main()
