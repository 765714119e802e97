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

``--compare DIR``: also run ``DIR/app.py`` (an export of an older commit, e.g.
``git archive REV | tar -x -C DIR``), alternating with this tree's run by run, so
that before/after ratios come from one run on the shared machine; the items printed
by both are asserted equal.
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


def bench(size: int, repeat: int, workdir: Path, trees: dict[str, Path]) -> None:
    settings_path = write_store(size, workdir)
    env = {**os.environ, CACHE_DIR_VARIABLE: str(workdir / "cache")}
    env.pop("JIRA_API_TOKEN", None)
    for metric in METRICS:
        for clauses in ([], ["--filter", "label=api"]):
            runs: dict[str, list[tuple[float, float, str]]] = {name: [] for name in trees}
            for _ in range(repeat):
                for name, tree in trees.items():
                    shutil.rmtree(workdir / "cache" / "results", ignore_errors=True)
                    command = [sys.executable, str(tree / "app.py"), "items", metric,
                               "--settings", str(settings_path), "--as-of",
                               AS_OF.isoformat(), "--days", str(DAYS), *clauses]
                    wall, cpu, _, out = run(command, env)
                    runs[name].append((wall, cpu, out))
            found = {name: json.loads(done[-1][2]) for name, done in runs.items()}
            if any(items != found["this tree"] for items in found.values()):
                raise AssertionError(f"{metric} {clauses}: the trees print different items")
            label = f"{metric} {' '.join(clauses[1:])}".strip()
            for name, done in runs.items():
                wall = statistics.median(r[0] for r in done)
                cpu = statistics.median(r[1] for r in done)
                print(f"| {size:,} | {label} | {name} | {wall:.2f} s | {cpu:.2f} s "
                      f"| {len(found[name]):,} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another tree's root, run alternately")
    args = parser.parse_args(argv)
    trees = {"this tree": ROOT} | ({} if args.compare is None else {"compared": args.compare})
    print("| issues | items | tree | wall (median) | CPU (median) | items |")
    print("| ---: | --- | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            bench(size, args.repeat, Path(tmp) / str(size), trees)


if __name__ == "__main__":
    main()
