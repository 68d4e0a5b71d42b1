"""Answers of the measurements on planted stores, recorded from the implementation before the
derived-table rewrite (commit aa22be8), so the fast paths are held to the same numbers.

``python -m tests.measure.golden_cases`` (from the repo root) rewrites ``golden/*.json.gz``;
only do that when a change of answers is intended and reviewed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "golden"

BASE = {"baseline": "2017-03-01..2017-05-31", "period": "2017-11-01..2017-11-30"}
RANGE = {"date_from": "2017-04-02", "date_to": "2017-11-20"}

#: (measurement, options) on the scenario store of tests/measure/conftest.py
SCENARIO_CASES: list[tuple[str, dict[str, Any]]] = [
    *[
        ("output", {"by": by, "every": every, **extra})
        for by in (None, "outlet", "official")
        for every in ("day", "week", "month")
        for extra in ({}, {"of": "all", "include_forwards": True})
    ],
    ("output", {"every": "week", **RANGE}),
    ("output", {"by": "outlet", "of": "supporter"}),
    ("output", {"by": "outlet", "include_forwards": True, **RANGE}),
    ("outlets_status", BASE),
    ("outlets_status", {**BASE, "of": "all"}),
    ("outlets_status", {**BASE, "include_forwards": True, "silenced_below": 0.5}),
    ("outlets_status", {**BASE, "change_points": False, **RANGE}),
    *[
        ("silences", {"scope": scope, "min_hours": hours, **extra})
        for scope in ("network", "outlet")
        for hours in (0.5, 1, 4, 8, 12, 20, 40)
        for extra in ({}, {"of": "all"}, {"include_forwards": True})
    ],
    ("silences", {"scope": "network", "min_hours": 8, "of": "supporter"}),
    ("silences", {"scope": "outlet", "min_hours": 3, "of": "supporter"}),
    ("silences", {"scope": "network", "min_hours": 6, **RANGE}),
    ("silences", {"scope": "outlet", "min_hours": 6, "of": "all", **RANGE}),
    ("silences", {"scope": "outlet", "min_hours": 12, "k": 2, "include_forwards": True}),
    ("platforms", {}),
    ("platforms", {"every": "week", "of": "all", "include_forwards": True}),
    ("platforms", {"every": "day", "top": 2, **RANGE}),
]

PLANTED_CASES: list[tuple[str, dict[str, Any]]] = [
    ("output", {}),
    ("output", {"by": "outlet", "every": "month", "of": "all"}),
    ("output", {"by": "official", "every": "week", "of": "all", "include_forwards": True}),
    ("outlets_status", {"baseline": "2015-01-01..2015-12-31", "period": "2016-06-01..2016-06-30"}),
    (
        "outlets_status",
        {"baseline": "2015-01-01..2015-12-31", "period": "2016-06-01..2016-06-30", "of": "all"},
    ),
    *[
        ("silences", {"scope": scope, "min_hours": hours, **extra})
        for scope in ("network", "outlet")
        for hours in (1, 12, 30)
        for extra in ({}, {"of": "all", "include_forwards": True}, {"of": "supporter"})
    ],
    ("platforms", {}),
    ("platforms", {"every": "week", "date_from": "2015-06-01", "date_to": "2016-02-10"}),
]


def canonical(result: dict[str, Any]) -> Any:
    """The result as plain JSON values (what the CLI prints)."""
    return json.loads(json.dumps(result, sort_keys=True, default=str))


def case_id(index: int, name: str, options: dict[str, Any]) -> str:
    """A stable key for one case."""
    return f"{index:03d}-{name}-" + ",".join(f"{k}={v}" for k, v in sorted(options.items()))


#: results longer than this (JSON characters) are recorded by digest only
FULL_UP_TO = 60_000


def digest(value: Any) -> str:
    """sha256 of the canonical JSON text of ``value``."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def answers(path: Path, cases: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Run every case on the store at ``path``: its digest, and the result when short."""
    from mutewatch.measure.registry import run_measurement

    out: dict[str, Any] = {}
    for i, (name, opts) in enumerate(cases):
        result = canonical(run_measurement(name, path, **opts))
        entry: dict[str, Any] = {"sha256": digest(result)}
        if len(json.dumps(result)) <= FULL_UP_TO:
            entry["result"] = result
        out[case_id(i, name, opts)] = entry
    return out


def load(name: str) -> dict[str, Any]:
    """The recorded answers ``golden/<name>.json.gz``."""
    with gzip.open(GOLDEN / f"{name}.json.gz", "rt") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _write(name: str, data: dict[str, Any]) -> None:
    GOLDEN.mkdir(exist_ok=True)
    with gzip.open(GOLDEN / f"{name}.json.gz", "wt", compresslevel=9) as fh:
        json.dump(data, fh, sort_keys=True, separators=(",", ":"))


def main() -> None:
    """Record the answers of the current implementation."""
    import tempfile

    from tests.measure.conftest import build_scenario
    from tests.measure_more.conftest import build_planted

    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "scenario.duckdb"
        build_scenario(scenario)
        _write("scenario", answers(scenario, SCENARIO_CASES))
        planted = Path(tmp) / "planted.duckdb"
        build_planted(planted)
        _write("planted", answers(planted, PLANTED_CASES))


if __name__ == "__main__":
    main()
