"""Raw path: ``app.py metrics --issues FILE --days 182`` end to end, as a process.

Run: ``.venv/bin/python benchmarks/raw_path.py [--sizes 30000 100000] [--repeat 3]``.
For each size the simulator's generator writes that many demo issues (full
changelogs, a fixed anchor) to a temporary JSON file; then, alternating in one run,
two processes read it:

- *app*: ``app.py metrics --issues FILE --days 182 --as-of ANCHOR`` (every metric,
  26 weekly buckets, cumulative flow, aging, forecast);
- *loop*: ``benchmarks/_plain_loop.py``, stdlib ``json`` and a plain per-issue loop
  computing the headline numbers (the yardstick of issue 15).

Printed per size: file size, then for each process the median wall seconds, the
median CPU seconds (user + system, from ``wait4``: wall time moves with the other
work on the shared cores, CPU time much less) and the largest peak RSS; the ratio
app / loop of both; and whether both headlines agree. Targets: app <= 0.25x the loop
at 30,000 issues; <= 4 s and <= 1 GiB at 100,000.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine import assert_same, headline  # noqa: E402
from configuration.validation import settings_to_dict  # noqa: E402
from data.simulator.demo_data import generate_demo_issues  # noqa: E402
from data.simulator.demo_settings import demo_settings  # noqa: E402

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
DAYS = 182


# A small launcher between this process and the measured one: on Linux a child's
# peak RSS starts from its parent's at fork, and this process holds the generated
# issues; the launcher (a bare interpreter) forks and execs the command and reports
# the child's wall, CPU and peak RSS as JSON on its stderr.
LAUNCHER = """
import json, os, sys, time
began = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(json.dumps([time.perf_counter() - began, usage.ru_utime + usage.ru_stime,
                             usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)]))
"""


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of one child process."""
    done = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    wall, cpu, peak, code = json.loads(done.stderr.rsplit("\n", 1)[-1])  # the launcher's line
    if code != 0:
        raise RuntimeError(f"{command[1]} failed: {done.stderr[-2000:]}")
    return wall, cpu, peak, done.stdout


def write_inputs(size: int, workdir: Path) -> tuple[Path, Path]:
    """The issues file (written by a child process, so that this one stays small)."""
    issues = workdir / f"issues-{size}.json"
    subprocess.run([sys.executable, __file__, "--write", str(size), str(issues)], check=True)
    settings = workdir / "settings.json"
    settings.write_text(json.dumps(settings_to_dict(demo_settings("http://127.0.0.1:9"))))
    return issues, settings


def bench(size: int, repeat: int, workdir: Path) -> None:
    issues, settings = write_inputs(size, workdir)
    as_of = ANCHOR.isoformat()
    env = {**os.environ, "DASHBOARD_LOG_DIR": str(workdir / "logs"),
           "DASHBOARD_CACHE_DIR": str(workdir / "cache")}
    env.pop("REDIS_URL", None)
    app = [sys.executable, "app.py", "metrics", "--issues", str(issues), "--settings",
           str(settings), "--days", str(DAYS), "--as-of", as_of]
    loop = [sys.executable, "benchmarks/_plain_loop.py", str(issues), str(settings), as_of,
            str(DAYS)]
    runs: dict[str, list] = {"app": [], "loop": []}
    for _ in range(repeat):  # alternating, so both see the same machine load
        runs["app"].append(run(app, env))
        runs["loop"].append(run(loop, env))
    agree = True
    try:
        assert_same(headline(json.loads(runs["app"][-1][3])),
                    headline(json.loads(runs["loop"][-1][3])), "headline")
    except AssertionError:
        agree = False
    figures = {name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
                      max(r[2] for r in rs)) for name, rs in runs.items()}
    (aw, ac, am), (lw, lc, lm) = figures["app"], figures["loop"]
    print(f"| {size:,} | {issues.stat().st_size / 1e6:.0f} MB | {aw:.2f} s | {ac:.2f} s | "
          f"{am:.0f} MiB | {lw:.2f} s | {lc:.2f} s | {lm:.0f} MiB | {aw / lw:.2f}x | "
          f"{ac / lc:.2f}x | {'yes' if agree else 'NO'} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", nargs=2, help=argparse.SUPPRESS)  # size, path: the child
    args = parser.parse_args(argv)
    if args.write:
        size, path = args.write
        Path(path).write_text(json.dumps(generate_demo_issues(anchor=ANCHOR, count=int(size))))
        return
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print("| issues | file | app wall | app CPU | app peak RSS | loop wall | loop CPU | "
          "loop peak RSS | app / loop (wall) | app / loop (CPU) | same headline |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as workdir:
        for size in args.sizes:
            bench(size, args.repeat, Path(workdir))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
