"""Demo mode's data, made once a day and reused by every start (the first chart's speed).

Demo mode serves the generated demo project from the simulator and fetches it into
the cache like any JIRA. Generating the project and fetching it took most of the
time to the first chart, and both give the same result all day, so:

- *demo key*: ``<UTC day>-s<seed>-<generator digest>``; the digest is a hash of the
  generator's source files, so a changed generator never reuses an old project.
- *demo folder*: ``<cache>/demo/<demo key>``: the cache folder of demo mode (its
  issue store, results), the generated issues (``demo-issues.json``) and the
  simulator's port (``simulator-port``). Other folders under ``<cache>/demo`` are
  earlier days' (or generators') and are removed.
- *anchor*: the start of the UTC day: the demo project is dated before it.
- *port reuse*: the simulator listens on the port it had last time when that port is
  free, so the settings' JIRA URL, and with it the issue store's key, stay the same
  and the stored issues are found without a fetch. When the port is taken, another
  one is used and the first page fetches, as before.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from datetime import UTC, datetime, time
from pathlib import Path

import msgspec

from configuration.atomic_files import atomic_write
from data.simulator import catalog, demo_data, demo_values, demo_workflows, timefmt
from data.simulator.server import JiraSimulator

log = logging.getLogger(__name__)

SEED = 7
ISSUES_FILE = "demo-issues.json"
PORT_FILE = "simulator-port"
_GENERATOR = (catalog, demo_data, demo_values, demo_workflows, timefmt)


def generator_digest() -> str:
    """A hash of the demo generator's source: it changes whenever the output may."""
    digest = hashlib.sha256()
    for module in _GENERATOR:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:12]


def anchor_of(now: datetime) -> datetime:
    """The start of ``now``'s UTC day."""
    return datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)


def demo_folder(demo_root: Path, now: datetime) -> Path:
    """Today's demo folder under ``demo_root`` (created); other days' are removed."""
    key = f"{anchor_of(now).date().isoformat()}-s{SEED}-{generator_digest()}"
    if demo_root.is_dir():
        for entry in demo_root.iterdir():
            if entry.name != key:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
    folder = demo_root / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_demo_simulator(folder: Path, now: datetime) -> JiraSimulator:
    """The simulator serving the demo project of ``folder``'s day, started."""
    issues = _demo_issues(folder, anchor_of(now))
    port = _saved_port(folder)
    try:
        simulator = JiraSimulator(issues, port=port).start()
    except OSError:  # the last port is taken now: any free one (the first page fetches)
        log.info("Demo simulator port %s is taken; using another one", port)
        simulator = JiraSimulator(issues).start()
    atomic_write(folder / PORT_FILE, simulator.url.rsplit(":", 1)[1].encode())
    return simulator


def _demo_issues(folder: Path, anchor: datetime) -> list[dict]:
    path = folder / ISSUES_FILE
    try:
        return msgspec.json.decode(path.read_bytes())
    except (OSError, msgspec.DecodeError):
        issues = demo_data.generate_demo_issues(anchor=anchor, seed=SEED)
        atomic_write(path, msgspec.json.encode(issues))
        return issues


def _saved_port(folder: Path) -> int:
    try:
        port = int((folder / PORT_FILE).read_text())
    except (OSError, ValueError):
        return 0
    return port if 1024 <= port <= 65535 else 0
