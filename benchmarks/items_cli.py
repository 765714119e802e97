"""``python app.py items METRIC`` end to end, as a process, on a stored 100,000 issues.

Run: ``.venv/bin/python benchmarks/items_cli.py [--sizes 100000] [--repeat 3]`` from the
project root. For each size the generated frames (:mod:`benchmarks.engine_frames`,
labels added as in :mod:`benchmarks.segments`) are saved as a fresh issue store in a
temporary cache directory, with a settings file pointing at it; then, each run a new
process, ``app.py items METRIC --as-of ANCHOR --days 180`` (unfiltered and with
``--filter label=api``) reads the store and prints the items. The results memo is
emptied before every run, so each run computes (the memo would answer a repeat).

Printed per command: median wall seconds (process start, imports, store load, full
context, segment, items, JSON), median CPU seconds (user + system, from ``wait4``:
wall time moves with the other work on the shared cores, CPU time much less) and the
item count. Target: <= 1 s at 100,000 issues.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine_frames import BENCH_SETTINGS, engine_frames  # noqa: E402
from benchmarks.raw_path import run  # noqa: E402
from benchmarks.segments import AS_OF, DAYS, with_labels  # noqa: E402
from configuration.paths import CACHE_DIR_VARIABLE  # noqa: E402
from configuration.settings import JiraSettings  # noqa: E402
from configuration.validation import settings_to_dict  # noqa: E402
from data.jira.fields import fields_for, value_field_ids  # noqa: E402
from data.service import issue_store  # noqa: E402

JIRA = JiraSettings(url="https://bench.example.net", jql="project = BENCH")
METRICS = ("lead_time_for_changes", "velocity", "load")


def write_store(size: int, workdir: Path) -> Path:
    """A fresh store of ``size`` generated issues and its settings file."""
    settings = replace(BENCH_SETTINGS, jira=JIRA)
    frames = with_labels(engine_frames(size, AS_OF))
    store = issue_store(settings, workdir / "cache")
    now = datetime.now(UTC)
    with store.lock():
        store.save(frames, jira=settings.jira, fields=tuple(fields_for(settings)),
                   value_fields=tuple(value_field_ids(settings)), created_at=now,
                   last_sync_at=now)
    path = workdir / "settings.json"
    path.write_text(json.dumps(settings_to_dict(settings)))
    return path


def bench(size: int, repeat: int, workdir: Path) -> None:
    settings_path = write_store(size, workdir)
    env = {**os.environ, CACHE_DIR_VARIABLE: str(workdir / "cache")}
    env.pop("JIRA_API_TOKEN", None)
    for metric in METRICS:
        for clauses in ([], ["--filter", "label=api"]):
            command = [sys.executable, str(ROOT / "app.py"), "items", metric,
                       "--settings", str(settings_path), "--as-of", AS_OF.isoformat(),
                       "--days", str(DAYS), *clauses]
            walls, cpus, count = [], [], 0
            for _ in range(repeat):
                shutil.rmtree(workdir / "cache" / "results", ignore_errors=True)
                wall, cpu, _, out = run(command, env)
                walls.append(wall)
                cpus.append(cpu)
                count = len(json.loads(out))
            name = f"{metric} {' '.join(clauses[1:])}".strip()
            print(f"| {size:,} | {name} | {statistics.median(walls):.2f} s "
                  f"| {statistics.median(cpus):.2f} s | {count:,} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("| issues | items | wall (median) | CPU (median) | items |")
    print("| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            bench(size, args.repeat, Path(tmp) / str(size))


if __name__ == "__main__":
    main()
