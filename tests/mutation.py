"""Mutation testing: mutmut over each module, against that module's own tests.

``make mutation`` runs ``python -m tests.mutation``; ``python -m tests.mutation
data/metrics/workflow.py configuration/redaction.py`` runs only the modules named.
Not part of ``make test`` (a module takes minutes); run it before each release and
record the figures in docs/testing.md.

Terms:

- *own tests*: the test file that mirrors the module (``tests/data/metrics/
  test_lead_time.py`` for ``data/metrics/lead_time.py``) plus the grouped test files
  listed in ``EXTRA_TESTS`` for modules whose rules are tested together. A mutant
  counts as killed only when one of these fails: a module is not credited for bugs
  that only some distant integration test happens to notice.
- *score*: killed (including timeouts) / mutants tested, per module.
- *work copy*: mutmut rewrites the code it mutates, so each module runs in its own
  copy of the project under ``mutation-runs/<module>/`` (ignored by git); ``mutmut
  browse`` or ``mutmut show <name>`` there explains a survivor.

mutmut 3 reads its configuration from ``[tool.mutmut]`` in pyproject.toml; this
script writes that section into each work copy (``only_mutate`` the one module,
``pytest_add_cli_args_test_selection`` its own tests), so the project's own
pyproject.toml carries none.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutation-runs"
PACKAGES = ("data/metrics", "data/jira", "data/cache", "data/issues", "configuration")
# Modules whose rules are tested in a grouped file rather than (only) a mirror file.
EXTRA_TESTS: dict[str, tuple[str, ...]] = {
    "data/metrics/lead_time.py": ("tests/data/metrics/test_dora.py",),
    "data/metrics/change_failure_rate.py": ("tests/data/metrics/test_dora.py",),
    "data/metrics/deployment_frequency.py": ("tests/data/metrics/test_dora.py",),
    "data/metrics/time_to_restore.py": ("tests/data/metrics/test_dora.py",),
    # The DORA metrics' own files state dora_events' rules through the public metrics.
    "data/metrics/dora_events.py": ("tests/data/metrics/test_dora.py",
                                    "tests/data/metrics/test_lead_time.py",
                                    "tests/data/metrics/test_change_failure_rate.py",
                                    "tests/data/metrics/test_time_to_restore.py",
                                    "tests/data/metrics/test_deployment_frequency.py"),
    "data/metrics/flow_efficiency.py": ("tests/data/metrics/test_flow.py",),
    "data/metrics/flow_time.py": ("tests/data/metrics/test_flow.py",),
    "data/metrics/flow_load.py": ("tests/data/metrics/test_flow.py",),
    "data/metrics/flow_velocity.py": ("tests/data/metrics/test_flow.py",),
    "data/metrics/flow_distribution.py": ("tests/data/metrics/test_flow.py",),
    "data/metrics/workflow.py": ("tests/data/metrics/test_flow.py",),
    "data/metrics/timeline.py": ("tests/data/metrics/test_flow.py",),
    "data/cache/merge.py": ("tests/data/cache/test_sync.py",),
    "data/jira/token_bucket.py": (
        "tests/data/jira/test_file_bucket.py",
    ),
    "data/issues/normalize.py": ("tests/data/issues/test_load_raw_issues.py",),
    "data/jira/client.py": ("tests/data/jira/test_client_auth.py",
                            "tests/data/jira/test_client_errors.py",
                            "tests/data/jira/test_client_search.py"),
    "data/jira/transport.py": ("tests/data/jira/test_client_retries.py",
                               "tests/data/jira/test_client_errors.py"),
    "data/jira/changelog.py": ("tests/data/jira/test_changelog_merge.py",),
    "data/jira/paging.py": ("tests/data/jira/test_client_search.py",),
    "data/metrics/sampling.py": ("tests/data/metrics/test_forecast.py",),
    "configuration/settings.py": ("tests/configuration/test_settings_file.py",
                                  "tests/configuration/test_validation.py"),
}
# What a work copy needs besides the mutated packages (the tests import the app).
COPIED = ("data", "configuration", "callbacks", "ui", "tests", "assets", "app.py",
          "celery_app.py", "pyproject.toml", "settings.example.json")


@dataclass(frozen=True)
class Score:
    module: str
    killed: int
    survived: int
    other: int  # no tests, skipped, suspicious or not checked

    @property
    def tested(self) -> int:
        return self.killed + self.survived

    def line(self) -> str:
        if not self.tested:
            return (f"{self.module:45} not measured: mutmut tested none of {self.other} "
                    "mutants (did the clean test run fail? see mutation-runs/)")
        percent = 100.0 * self.killed / self.tested
        extra = f", {self.other} not tested" if self.other else ""
        return (f"{self.module:45} {self.killed:4}/{self.tested:<4} killed "
                f"{percent:5.1f}%{extra}")


def own_tests(module: str) -> list[str]:
    """The mirror test file (when it exists) and the module's grouped test files."""
    path = Path(module)
    mirror = Path("tests") / path.parent / f"test_{path.stem}.py"
    tests = [str(mirror)] if (ROOT / mirror).is_file() else []
    tests += [t for t in EXTRA_TESTS.get(module, ()) if t not in tests]
    return tests


def all_modules() -> list[str]:
    return [str(p.relative_to(ROOT)) for package in PACKAGES
            for p in sorted((ROOT / package).glob("*.py")) if p.name != "__init__.py"]


def modules_to_run(named: list[str]) -> list[str]:
    """The modules named, else every module of ``PACKAGES`` that has own tests."""
    return named or [m for m in all_modules() if own_tests(m)]


def _work_copy(module: str, tests: list[str]) -> Path:
    work = WORK / module.replace("/", ".").removesuffix(".py")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, work / name)
    section = {
        "source_paths": ["data", "configuration"],
        "only_mutate": [module],
        "also_copy": ["callbacks", "ui", "assets", "app.py", "celery_app.py"],
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:dash", "-q", "-p", "no:cacheprovider"],
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}"
                                     for key, value in section.items()]
    with (work / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return work


def run_module(module: str, max_children: int) -> Score:
    tests = own_tests(module)
    if not tests:
        raise SystemExit(f"{module}: no own tests (add a mirror file or EXTRA_TESTS)")
    work = _work_copy(module, tests)
    mutmut = [sys.executable, "-m", "mutmut"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run([*mutmut, "run", "--max-children", str(max_children)], cwd=work,
                   env=env, check=False, stdout=subprocess.DEVNULL)
    subprocess.run([*mutmut, "export-cicd-stats"], cwd=work, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    killed = int(stats.get("killed", 0)) + int(stats.get("timeout", 0))
    survived = int(stats.get("survived", 0))
    return Score(module, killed, survived, int(stats.get("total", 0)) - killed - survived)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="mutmut per module, against its own tests")
    parser.add_argument("modules", nargs="*", help="e.g. data/metrics/workflow.py (default: all)")
    parser.add_argument("--max-children", type=int, default=1,
                        help="parallel mutants (default 1: the machine is shared)")
    args = parser.parse_args(argv)
    scores = []
    for module in modules_to_run(args.modules):
        print(f"== {module} against {' '.join(own_tests(module))}", flush=True)
        scores.append(run_module(module, args.max_children))
        print(scores[-1].line(), flush=True)
    print("\nmodule                                        killed/tested")
    for score in scores:
        print(score.line())
    if not args.modules:
        untested = [m for m in all_modules() if not own_tests(m)]
        print(f"\nnot measured (no own tests): {', '.join(untested) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
