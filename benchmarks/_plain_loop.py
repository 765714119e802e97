"""The plain per-issue loop over a raw issues file, as a process: the raw path's yardstick.

Run: ``.venv/bin/python benchmarks/_plain_loop.py ISSUES.json SETTINGS.json AS_OF DAYS``;
prints the headline (``dora`` and ``flow`` of METRICS.md section 6, no tiers) as JSON.

What a straightforward implementation does, with nothing in common with the app's
raw path: the standard library's ``json.load``, one Python loop over the issue dicts
collecting the columns the metrics read, and the per-issue reference loop of
:mod:`benchmarks.engine_reference` for the period. ``benchmarks/raw_path.py`` times it
beside ``app.py metrics --issues`` in the same run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from benchmarks.engine_reference import reference_metrics
from configuration.settings_file import load_settings
from data.issues.frames import IssueFrames


def _text(value: object) -> list[str]:
    """A mapped field's values: an option's value, a list's elements, a plain string."""
    if isinstance(value, list):
        return [t for v in value for t in _text(v)]
    if isinstance(value, dict):
        value = value.get("value", value.get("name"))
    return [str(value)] if value not in (None, "") else []


def plain_frames(raws: list[dict], field_ids: tuple[str, ...]) -> IssueFrames:
    """The columns the reference reads, filled one issue dict at a time."""
    issues, moves, versions, values, statuses = [], [], [], [], {}
    for raw in raws:
        fields = raw["fields"]
        status = fields["status"]
        statuses.setdefault(status["name"], status["statusCategory"]["key"])
        issues.append((raw["id"], raw["key"], fields["issuetype"]["name"], status["name"],
                       fields["created"]))
        for position, history in enumerate(raw["changelog"]["histories"]):
            for item in history["items"]:
                if item["field"] == "status":
                    moves.append((raw["id"], history["created"], int(history["id"] or position),
                                  item["fromString"], item["toString"]))
        for name, relation in (("fixVersions", "fix"), ("versions", "affects")):
            for version in fields.get(name) or ():
                versions.append((raw["id"], relation, version["id"], version["name"],
                                 bool(version.get("released")), version.get("releaseDate") or ""))
        for field_id in field_ids:
            values.extend((raw["id"], field_id, text) for text in _text(fields.get(field_id)))
    frame = pd.DataFrame(issues, columns=["issue_id", "key", "issue_type", "status", "created"])
    frame["created"] = pd.to_datetime(frame["created"], utc=True, format="ISO8601")
    moved = pd.DataFrame(moves, columns=["issue_id", "at", "seq", "from_status", "to_status"])
    moved["at"] = pd.to_datetime(moved["at"], utc=True, format="ISO8601")
    return IssueFrames(
        issues=frame, transitions=moved,
        versions=pd.DataFrame(versions, columns=["issue_id", "relation", "version_id", "name",
                                                 "released", "release_date"]),
        field_values=pd.DataFrame(values, columns=["issue_id", "field_id", "value"]),
        statuses=pd.DataFrame(list(statuses.items()), columns=["name", "category"]),
    )


def main(argv: list[str]) -> None:
    issues_path, settings_path, as_of, days = argv
    settings = load_settings(Path(settings_path))
    with open(issues_path, encoding="utf-8") as handle:
        raws = json.load(handle)
    frames = plain_frames(raws, tuple(settings.mapped_field_ids()))
    print(json.dumps(reference_metrics(frames, settings, pd.Timestamp(as_of), int(days))))


if __name__ == "__main__":
    main(sys.argv[1:])
