"""Cache benchmarks: store format, store load time, requests of full vs incremental sync.

Run: ``.venv/bin/python -m benchmarks.cache [--quick]`` from the project root.
Prints a Markdown table per figure (copied into docs/benchmarks.md, ``## Cache``).

1. Format comparison on 100k issues with 1M transitions: Parquet (pyarrow, the
   store's own code, checksums included; uncompressed, snappy, zstd) against SQLite
   from the standard library (one table per frame, timestamps as int64 nanoseconds, read back with
   ``pd.read_sql_query`` and converted to the same dtypes). Write time, cold load
   time (median of 3), size on disk.
2. Store load time (``IssueStore.load``, checksums verified) for 10k and 100k
   issues, cold (new read) and warm (same process, unchanged files).
3. JIRA requests used on a 10,000-issue simulator project: a full fetch, then an
   incremental sync after 1% of the issues changed status.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks._timing import median_seconds  # noqa: E402
from configuration.settings import JiraSettings, RateLimit  # noqa: E402
from data.cache import store as store_module  # noqa: E402
from data.cache.store import FRAME_COLUMNS, IssueStore  # noqa: E402
from data.issues.frames import IssueFrames  # noqa: E402
from tests.data.cache.factory import synthetic_frames  # noqa: E402

JIRA = JiraSettings(url="https://bench.example.net", jql="project = BENCH")
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
TIMESTAMPS = {"issues": ("created", "updated", "resolved"), "transitions": ("at",)}


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


# -- Parquet (the store) ---------------------------------------------------------------


def parquet_save(root: Path, frames: IssueFrames) -> IssueStore:
    store = IssueStore.for_jira(root, JIRA)
    with store.lock():
        store.save(frames, jira=JIRA, fields=("status",), value_fields=(),
                   created_at=WHEN, last_sync_at=WHEN)
    return store


def parquet_cold_load(store: IssueStore) -> IssueFrames:
    store_module.forget_loaded()  # a new process would not have it
    loaded = store.load()
    assert loaded is not None
    return loaded.frames


# -- SQLite (the alternative) ----------------------------------------------------------


def sqlite_save(path: Path, frames: IssueFrames) -> None:
    with sqlite3.connect(path) as connection:
        for name in FRAME_COLUMNS:
            df = getattr(frames, name).copy()
            for column in TIMESTAMPS.get(name, ()):
                df[column] = df[column].array.asi8  # NaT -> int64 min, restored below
            df.to_sql(name, connection, index=False, if_exists="replace")
    connection.close()


def sqlite_load(path: Path) -> IssueFrames:
    with sqlite3.connect(path) as connection:
        tables = {}
        for name, columns in FRAME_COLUMNS.items():
            df = pd.read_sql_query(f"SELECT * FROM {name}", connection)
            for column in TIMESTAMPS.get(name, ()):
                df[column] = pd.to_datetime(df[column].astype("int64"), utc=True, unit="ns")
            if "released" in df:
                df["released"] = df["released"].astype(bool)
            tables[name] = df[list(columns)]
    connection.close()
    return IssueFrames(**tables)


def sqlite_rows_only(path: Path) -> int:
    """Just fetch every row as tuples: no stdlib SQLite read can be faster than this."""
    with sqlite3.connect(path) as connection:
        rows = sum(len(connection.execute(f"SELECT * FROM {n}").fetchall()) for n in FRAME_COLUMNS)
    connection.close()
    return rows


# -- reports ---------------------------------------------------------------------------


def format_comparison(frames: IssueFrames, work: Path) -> None:
    print(f"### Format comparison ({len(frames.issues):,} issues, "
          f"{len(frames.transitions):,} transitions)\n")
    print("| format | write s | cold load s | size MB |")
    print("| --- | ---: | ---: | ---: |")
    chosen = store_module.PARQUET_COMPRESSION
    for compression in dict.fromkeys((chosen, "none", "snappy", "zstd")):
        store_module.PARQUET_COMPRESSION = compression
        started = time.perf_counter()
        store = parquet_save(work / f"parquet-{compression}", frames)
        write = time.perf_counter() - started
        load = median_seconds(lambda store=store: parquet_cold_load(store))
        label = "the store" if compression == chosen else "alternative"
        print(f"| Parquet {compression} ({label}; SHA-256 verified) | {write:.2f} | {load:.2f} "
              f"| {size_mb(store.directory):.1f} |")
    store_module.PARQUET_COMPRESSION = chosen
    path = work / "store.sqlite"
    started = time.perf_counter()
    sqlite_save(path, frames)
    write = time.perf_counter() - started
    load = median_seconds(lambda: sqlite_load(path))
    for name in FRAME_COLUMNS:  # the alternative must give the same values to be a fair race
        pd.testing.assert_frame_equal(
            getattr(sqlite_load(path), name), getattr(frames, name), check_dtype=False
        )
    print(f"| SQLite (stdlib, pandas read_sql) | {write:.2f} | {load:.2f} | {size_mb(path):.1f} |")
    bound = median_seconds(lambda: sqlite_rows_only(path))
    print(f"| SQLite rows only (fetchall, no DataFrame: a lower bound) | - | {bound:.2f} | - |")
    print()


def load_times(work: Path, sizes: tuple[int, ...]) -> None:
    print("### Store load time (IssueStore.load, 10 transitions per issue)\n")
    print("| issues | transitions | save s | cold load s | warm load ms |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        frames = synthetic_frames(size, 10, seed=size)
        started = time.perf_counter()
        store = parquet_save(work / f"load-{size}", frames)
        save = time.perf_counter() - started
        cold = median_seconds(lambda store=store: parquet_cold_load(store))
        warm = median_seconds(store.load, repeat=5)
        print(f"| {size:,} | {len(frames.transitions):,} | {save:.2f} | {cold:.2f} "
              f"| {warm * 1000:.1f} |")
    print()


def sync_requests(work: Path, count: int) -> None:
    from data.cache.sync import sync_issues
    from data.jira.client import JiraClient
    from data.simulator.demo_data import generate_demo_issues
    from data.simulator.demo_settings import demo_settings
    from data.simulator.server import JiraSimulator

    now = datetime.now(UTC).replace(microsecond=0)
    issues = generate_demo_issues(anchor=now - timedelta(days=2), count=count)
    with JiraSimulator(issues) as sim:
        settings = demo_settings(sim.url)
        jira = replace(settings.jira, rate_limit=RateLimit(requests=100_000, per_seconds=1.0))
        settings = replace(settings, jira=jira)
        store = IssueStore.for_jira(work / "sync", settings.jira)
        print(f"### Requests on a {len(issues):,}-issue simulator project "
              f"(page size {jira.page_size})\n")
        print("| sync | issues fetched | requests | seconds |")
        print("| --- | ---: | ---: | ---: |")
        with JiraClient(settings.jira) as client:
            started = time.perf_counter()
            full = sync_issues(settings, client, store, now=now)
            _row("full fetch", full, time.perf_counter() - started)
            changed = issues[:: 100]  # 1%
            for n, raw in enumerate(changed):
                sim.set_status(raw["key"], "Done", now + timedelta(hours=1, seconds=n))
            started = time.perf_counter()
            later = now + timedelta(hours=25)
            incremental = sync_issues(settings, client, store, now=later)
            _row(f"incremental, {len(changed)} changed (1%)", incremental,
                 time.perf_counter() - started)
            started = time.perf_counter()
            cached = sync_issues(settings, client, store, now=later + timedelta(hours=1))
            _row("within the TTL", cached, time.perf_counter() - started)
    print()


def _row(label: str, result: object, seconds: float) -> None:
    print(f"| {label} | {result.fetched:,} | {result.requests} | {seconds:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    args = parser.parse_args()
    big = 10_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        format_comparison(synthetic_frames(big, 10, seed=1), work)
        load_times(work, (10_000, big))
        sync_requests(work, 1_000 if args.quick else 10_000)


if __name__ == "__main__":
    main()
