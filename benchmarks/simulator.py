"""Benchmark: the JIRA simulator and its demo data.

Figures (each the median of ``--repeat`` runs):

- *generate*: ``generate_demo_issues`` for N issues (target: < 1 s for 2,400);
- *start*: ``JiraSimulator(issues).start()``, i.e. indexing N issues for search;
- *page*: one search page of 100 issues with changelog and the dashboard's fields,
  over real HTTP with ``requests`` (JSON encoding and decoding included), Cloud
  (``/rest/api/3/search/jql``) and Data Center (``/rest/api/2/search``);
- *new query*: an uncached JQL query over N issues (parse, check, filter, sort);
- *bulkfetch*: one ``/changelog/bulkfetch`` page for 1,000 issues.

Run: ``.venv/bin/python benchmarks/simulator.py [--sizes 2400 10000] [--repeat 3]``.
Prints a Markdown table (copied into docs/benchmarks.md, ``## JIRA simulator``).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._timing import median_seconds
from data.simulator.demo_data import generate_demo_issues
from data.simulator.server import JiraSimulator

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
AUTH = ("demo@example.com", "demo-token")
FIELDS = ["status", "issuetype", "created", "updated", "resolutiondate", "fixVersions",
          "versions", "customfield_10050", "customfield_10051", "customfield_10060"]


def page_figures(sim: JiraSimulator, http: requests.Session) -> tuple[float, int, float]:
    """Every page of the project: (ms per page, pages, kB per page)."""
    pages, size, token, start_at = 0, 0, None, 0
    started = time.perf_counter()
    while True:
        if sim.flavor == "cloud":
            body = {"jql": "project = DEMO ORDER BY key", "fields": FIELDS,
                    "expand": "changelog", "maxResults": 100}
            answer = http.post(f"{sim.url}/rest/api/3/search/jql", timeout=60,
                               json=body | ({"nextPageToken": token} if token else {}))
        else:
            answer = http.post(f"{sim.url}/rest/api/2/search", timeout=60, json={
                "jql": "project = DEMO ORDER BY key", "fields": FIELDS,
                "expand": ["changelog"], "maxResults": 100, "startAt": start_at})
        page = answer.json()
        pages, size = pages + 1, size + len(answer.content)
        token = page.get("nextPageToken")
        start_at += len(page["issues"])
        if (sim.flavor == "cloud" and token is None) or (
                sim.flavor != "cloud" and start_at >= page["total"]):
            break
    elapsed = time.perf_counter() - started
    return elapsed / pages * 1000, pages, size / pages / 1000


def run(size: int, repeat: int) -> list[str]:
    rows = []
    generate = median_seconds(lambda: generate_demo_issues(anchor=ANCHOR, count=size), repeat)
    rows.append(f"| {size:,} | generate demo issues | {generate:.2f} s | |")
    issues = generate_demo_issues(anchor=ANCHOR, count=size)
    start = median_seconds(lambda: JiraSimulator(issues).start().stop(), repeat)
    rows.append(f"| {size:,} | start the simulator | {start:.2f} s | |")
    with requests.Session() as http:
        http.auth = AUTH
        for flavor in ("cloud", "datacenter"):
            with JiraSimulator(issues, flavor=flavor) as sim:
                per_page, pages, kilobytes = page_figures(sim, http)
                rows.append(f"| {size:,} | {flavor} search page (100, changelog) | "
                            f"{per_page:.0f} ms | {pages} pages, {kilobytes:.0f} kB a page |")
        with JiraSimulator(issues) as sim:
            counter = iter(range(10**6))
            new_query = median_seconds(lambda: http.post(
                f"{sim.url}/rest/api/3/search/approximate-count", timeout=60,
                json={"jql": f"project = DEMO AND created >= -{next(counter) + 1}d"}), repeat)
            rows.append(f"| {size:,} | new (uncached) JQL query | {new_query * 1000:.0f} ms | |")
            keys = [i["key"] for i in issues[:1000]]
            bulk = median_seconds(lambda: http.post(
                f"{sim.url}/rest/api/3/changelog/bulkfetch", timeout=60,
                json={"issueIdsOrKeys": keys, "maxResults": 1000}), repeat)
            rows.append(f"| {size:,} | bulkfetch page (1,000 histories) | "
                        f"{bulk * 1000:.0f} ms | |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2400, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| issues | operation | median | notes |")
    print("| ---: | --- | ---: | --- |")
    for size in args.sizes:
        for row in run(size, args.repeat):
            print(row, flush=True)


if __name__ == "__main__":
    main()
