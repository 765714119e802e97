"""Benchmark: fetching 10,000 issues from the simulator under a server rate limit.

The simulator allows 100 requests per 10 s (a refusing token bucket) and the client
is configured with the same ``rate_limit``. Two runs, each with a fresh client and a
fresh server budget (both buckets start full):

- *fetch*: ``search`` of every issue (Cloud, 100 per page, changelogs completed);
- *paced*: 300 cheap requests (``/serverInfo``), so that only the limiter, not the
  simulator's work per page, decides the pace.

Printed per run: requests made, 429s received, elapsed seconds, seconds spent
waiting for the client's limiter, achieved requests/s, and the share of what the
limit allowed in that time: ``requests / (capacity + rate * elapsed)``. The fetch run
also prints the client's CPU seconds (its own thread: decoding each answer's bytes
into typed issues, completing changelogs) and the CPU seconds of normalizing the
result, each per 1,000 issues. Target for
the paced run: >= 90 % and no 429; the fetch run is bound by the simulator's own
speed where the limiter wait is small.

Run: ``.venv/bin/python benchmarks/fetch.py [--issues N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from configuration.settings import JiraSettings, RateLimit, Settings
from data.issues.normalize import normalize_issues
from data.jira.changelog import is_truncated
from data.jira.client import JiraClient
from data.jira.fields import fields_for, value_field_ids
from data.simulator.demo_data import generate_demo_issues
from data.simulator.server import JiraSimulator

LIMIT = RateLimit(requests=100, per_seconds=10.0)
ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)


def report(label: str, client: JiraClient, sim: JiraSimulator, elapsed: float,
           extra: str = "") -> None:
    """Print one run's figures."""
    rate = LIMIT.requests / LIMIT.per_seconds
    allowed = LIMIT.requests + rate * elapsed
    print(
        f"{label:6} requests={client.requests_made} 429s_received={client.rate_limited} "
        f"429s_sent={sim.stats.rate_limited} elapsed={elapsed:.1f}s "
        f"limiter_wait={client.throttled_seconds:.1f}s "
        f"achieved={client.requests_made / elapsed:.2f} req/s (limit {rate:g} req/s) "
        f"share_of_allowed={100 * client.requests_made / allowed:.1f}% {extra}"
    )


def fetch_run(sim: JiraSimulator) -> None:
    """The full fetch, then normalizing what it returned; CPU time is the client
    thread's own (``thread_time``: the simulator serves from other threads of this
    process), per 1,000 issues."""
    with JiraClient(settings(sim)) as client:
        started, cpu = time.perf_counter(), time.thread_time()
        issues = client.search("project = DEMO", fields_for(Settings()))
        elapsed, search_cpu = time.perf_counter() - started, time.thread_time() - cpu
    cpu = time.thread_time()
    frames = normalize_issues(issues, value_field_ids(Settings()))
    normalize_cpu = time.thread_time() - cpu
    truncated = sum(1 for issue in issues if is_truncated(issue))
    thousands = len(issues) / 1000
    report("fetch", client, sim, elapsed,
           f"issues={len(issues)} truncated={truncated} transitions={len(frames.transitions)} "
           f"client_cpu={search_cpu:.2f}s ({search_cpu / thousands:.3f} s per 1,000 issues) "
           f"normalize_cpu={normalize_cpu:.2f}s ({normalize_cpu / thousands:.3f} s per 1,000)")


def paced_run(sim: JiraSimulator, count: int = 300) -> None:
    with JiraClient(settings(sim)) as client:
        started = time.perf_counter()
        for _ in range(count):
            client.server_info()
        elapsed = time.perf_counter() - started
    report("paced", client, sim, elapsed)


def settings(sim: JiraSimulator) -> JiraSettings:
    """Fresh server budget (the gate restarts full) and matching client settings."""
    sim.set_rate_limit(LIMIT.requests, LIMIT.per_seconds)
    sim.reset_stats()
    return JiraSettings(url=sim.url, flavor="cloud", email=sim.email, token="demo-token",
                        page_size=100, rate_limit=LIMIT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    args = parser.parse_args()
    issues = generate_demo_issues(anchor=ANCHOR, seed=7, count=args.issues)
    long = sum(1 for i in issues if i["changelog"]["total"] > 40)
    print(f"{len(issues)} issues, {long} with more than 40 histories; "
          f"server and client limit {LIMIT.requests} per {LIMIT.per_seconds:g} s")
    limit = (LIMIT.requests, LIMIT.per_seconds)
    with JiraSimulator(issues, flavor="cloud", rate_limit=limit, clock=lambda: ANCHOR) as sim:
        fetch_run(sim)
        paced_run(sim)


if __name__ == "__main__":
    main()
