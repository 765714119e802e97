"""Profiles at scale: the Compare page over 50 profiles of one 100,000-issue store.

Run: ``.venv/bin/python -m benchmarks.profiles [--issues 100000] [--profiles 50]`` from
the project root, in a fresh process (cold means cold). Prints figures (copied into
docs/benchmarks.md, ``## Profiles``).

Setup: :mod:`benchmarks.engine_frames` issues, one team label each (``team-0`` ..
``team-49``), saved in a real issue store on disk; settings with 50 profiles, each
filtering its label (one profile in five also overrides the workflow, so it has its
own full context). Timed, server time of the Compare callback's body
(:func:`callbacks.compare.compare_numbers` and the page builder):

- *cold*: the first comparison of 8 profiles plus the department total (all 50
  profiles' issues once each), in a process that computed nothing yet.
- *warm*: the same comparison again (every report from the results cache).
- *after the worker's warm-up*: a new process whose results directory was filled by
  :func:`callbacks.compare.warm_profiles` (what team mode's Celery worker runs after
  each sync), then a comparison of 8 other profiles: what a page waits for in team mode.

Peak memory: the process's peak RSS (``ru_maxrss``), which holds the store, the
contexts and the reports. Targets: cold <= 2 s, warm <= 300 ms, peak <= 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.engine_frames import BENCH_SETTINGS, engine_frames
from configuration.settings import JiraSettings
from configuration.validation import settings_to_dict
from data.cache.store import IssueStore
from data.jira.fields import fields_for, value_field_ids

AS_OF = pd.Timestamp("2026-06-01T00:00:00Z")
JIRA = JiraSettings(url="https://jira.example.com", email="b@example.com", token="t",
                    jql="project = BEN")


def write_setup(workdir: Path, issues: int, profiles: int) -> None:
    frames = engine_frames(issues, AS_OF)
    rng = np.random.default_rng(3)
    ids = frames.issues["issue_id"]
    teams = np.array([f"team-{n}" for n in range(profiles)])[rng.integers(0, profiles, len(ids))]
    labels = pd.DataFrame({"issue_id": ids, "field_id": "labels", "value": teams})
    frames = replace(frames, field_values=pd.concat([frames.field_values,
                                                     labels.astype("str")],
                                                    ignore_index=True))
    settings = replace(BENCH_SETTINGS, jira=JIRA, period_days=90)
    store = IssueStore.for_jira(workdir / "cache" / "issues", JIRA)
    with store.lock():
        store.save(frames, jira=JIRA, fields=fields_for(settings),
                   value_fields=value_field_ids(settings),
                   created_at=AS_OF.to_pydatetime() - timedelta(hours=1),
                   last_sync_at=AS_OF.to_pydatetime())
    raw = settings_to_dict(settings, include_token=True)
    raw["cache"] = {"ttl_hours": 1e6}  # the stored sync stays fresh: no fetch
    raw["profiles"] = {
        f"team-{n}": {"filter": [f"label=team-{n}"],
                      **({"workflow": {"waiting_statuses": []}} if n % 5 == 0 else {})}
        for n in range(profiles)}
    (workdir / "settings.json").write_text(json.dumps(raw))


def measure(workdir: Path, first: int, *, warm_up: bool) -> dict[str, float]:
    """In this process: (optionally the worker's warm-up, then) cold and warm compares."""
    from callbacks.compare import compare_numbers, warm_profiles
    from callbacks.runtime import Runtime
    from ui.pages import compare as compare_page

    runtime = Runtime(workdir / "settings.json", workdir / "cache",
                      as_of_provider=AS_OF.to_pydatetime).start()
    figures = {}
    if warm_up:
        started = time.perf_counter()
        warm_profiles(runtime)
        figures["warm_up_s"] = time.perf_counter() - started
    tokens = [f"team-{n}" for n in range(first, first + 8)]

    def compare_once() -> float:
        started = time.perf_counter()
        _columns, found, department = compare_numbers(runtime, tokens, None)
        compare_page.results([(c.column.token, c.report, c.previous) for c in found],
                             department)
        return time.perf_counter() - started

    figures["cold_s"] = compare_once()
    figures["warm_s"] = min(compare_once() for _ in range(3))
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def child(workdir: Path, first: int, warm_up: bool) -> dict[str, float]:
    """``measure`` in a fresh interpreter (nothing cached in memory)."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.profiles", "--child",
                          str(workdir), str(first), "1" if warm_up else "0"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        workdir, first, warm_up = Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
        print(json.dumps(measure(workdir, first, warm_up=warm_up)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        write_setup(workdir, args.issues, args.profiles)
        print(f"setup: {args.issues:,} issues, {args.profiles} profiles "
              f"({time.perf_counter() - started:.1f} s)")
        cold = child(workdir, 0, warm_up=False)
        print(f"no warm-up: cold {cold['cold_s'] * 1000:.0f} ms, warm "
              f"{cold['warm_s'] * 1000:.0f} ms, peak RSS {cold['peak_rss_mib']:.0f} MiB")
        warmed = child(workdir, 8, warm_up=True)
        print(f"after the worker's warm-up ({warmed['warm_up_s']:.1f} s, in the same "
              f"process here): first compare {warmed['cold_s'] * 1000:.0f} ms, warm "
              f"{warmed['warm_s'] * 1000:.0f} ms, peak RSS {warmed['peak_rss_mib']:.0f} MiB")
        served = child(workdir, 16, warm_up=False)
        print(f"a new web process after it (disk results): first compare "
              f"{served['cold_s'] * 1000:.0f} ms, warm {served['warm_s'] * 1000:.0f} ms, "
              f"peak RSS {served['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
