"""Audit fixes of the measuring commands, on small real stores ingested from CSV.

The store (module scope) holds one official outlet posting every 3 hours, in two CSV
archives with a hole between them that no source covers:

* archive 1 (2020-01-01 .. 2020-03-31): a 15 h gap from 2020-01-20 09:00 and a 30 h silence
  from 2020-02-10 09:00;
* nothing collected from 2020-03-31 21:00 to 2020-04-15 00:00 (coverage ``none``);
* archive 2 (2020-04-15 .. 2020-05-31): a 20 h silence from 2020-05-10 09:00.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main

OUTLETS = """outlets:
- name: Outlet A
  official: true
  accounts:
  - platform: twitter
    name: acc_a
"""


def _write_csv(path: Path, times: list[datetime], first_id: int) -> int:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["message_id", "account", "time", "text"])
        for i, t in enumerate(times):
            w.writerow([first_id + i, "acc_a", t.isoformat(), "placeholder text"])
    return first_id + len(times)


def _every_3h(lo: datetime, hi: datetime, gaps: list[tuple[datetime, float]]) -> list[datetime]:
    """Posts every 3 hours in [lo, hi]; each gap (start, hours) leaves a hole after start."""
    out: list[datetime] = []
    t = lo
    while t <= hi:
        out.append(t)
        hole = next((h for s, h in gaps if s == t), None)
        t += timedelta(hours=hole if hole is not None else 3)
    return out


def _ingest(store: Path, files: list[Path], outlets: Path) -> None:
    args = ["--store", str(store), "ingest", *map(str, files), "--format", "csv"]
    args += ["--platform", "twitter", "--map", "message_id=message_id", "--time-format", "iso"]
    args += ["--outlets", str(outlets)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def run(store: Path, *args: str) -> tuple[int, Any]:
    """Run a command with --json: its exit code and the one JSON object it printed."""
    result = CliRunner().invoke(main, ["--store", str(store), *args, "--json"])
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.output  # exactly one JSON object on stdout
    return result.exit_code, json.loads(lines[0])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audit")
    outlets = root / "outlets.yaml"
    outlets.write_text(OUTLETS)
    one = _every_3h(
        datetime(2020, 1, 1),
        datetime(2020, 3, 31, 21),
        [(datetime(2020, 1, 20, 9), 15.0), (datetime(2020, 2, 10, 9), 30.0)],
    )
    two = _every_3h(
        datetime(2020, 4, 15), datetime(2020, 5, 31, 21), [(datetime(2020, 5, 10, 9), 20.0)]
    )
    next_id = _write_csv(root / "one.csv", one, 1)
    _write_csv(root / "two.csv", two, next_id)
    path = root / "store.duckdb"
    _ingest(path, [root / "one.csv", root / "two.csv"], outlets)
    return path


@pytest.fixture(scope="module")
def resumed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The audit's repro: 14 posts on 2020-01-01..05, then 7 from 2020-02-01 every 3 days."""
    root = tmp_path_factory.mktemp("resumed")
    outlets = root / "outlets.yaml"
    outlets.write_text(OUTLETS)
    times = [datetime(2020, 1, 1) + timedelta(hours=i * 96 / 14) for i in range(14)]
    times += [datetime(2020, 2, 1, 12) + timedelta(days=3 * i) for i in range(7)]
    _write_csv(root / "x.csv", times, 1)
    path = root / "store.duckdb"
    _ingest(path, [root / "x.csv"], outlets)
    return path


def _kind(result: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(f for f in result["findings"] if f["kind"] == kind)


def _by_start(silences: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["start"][:13]: s for s in silences}


# ----------------------------------------------------------------------------- 1 rises from zero
def test_change_points_keep_a_rise_from_zero(resumed: Path) -> None:
    code, trend = run(resumed, "trend")
    assert code == 0
    assert [c["at"] for c in trend["change_points"]] == ["2020-01-08", "2020-02-01"]
    code, result = run(
        resumed,
        "findings",
        "--baseline",
        "2020-01-01..2020-01-05",
        "--period",
        "2020-02-01..2020-02-19",
    )
    assert code == 0
    item = _kind(result, "change_points")
    assert len(item["numbers"]["change_points"]) == 2
    sentence = item["sentence"]
    assert "the only change point" not in sentence
    assert "2 times" in sentence and "1 drop, 1 rise" in sentence
    assert "on 2020-01-08 (2.0 to 0.0 a day, -100%)" in sentence
    assert "resumed on 2020-02-01 from 0.0 to 0.37 a day" in sentence


# ----------------------------------------------------------------------------- 2 JSON errors
def test_empty_store_gives_json_everywhere(tmp_path: Path) -> None:
    from mutewatch.store import Store

    path = tmp_path / "empty.duckdb"
    Store.open(path, read_only=False).close()
    for command in ("output", "silences", "trend", "supporters", "findings"):
        code, result = run(path, command)
        assert code == 0, (command, result)
        assert "error" not in result
    _, sup = run(path, "supporters")
    assert sup["rows"] == [] and sup["notes"]
    _, fnd = run(path, "findings")
    assert fnd["findings"] == [] and fnd["notes"] and fnd["skipped"]


def test_errors_under_json_are_one_json_object(tmp_path: Path, store: Path) -> None:
    code, result = run(tmp_path / "missing.duckdb", "platforms")
    assert code == 4
    assert result["error"]["code"] == "store_unavailable"
    assert set(result["error"]) == {"code", "message", "hint"}
    code, result = run(store, "output", "--every", "fortnight")
    assert code == 2 and result["error"]["code"] == "bad_request"
    code, result = run(store, "findings", "--baseline", "2020-13")
    assert code == 2 and "baseline" in result["error"]["message"]
    plain = CliRunner().invoke(main, ["--store", str(tmp_path / "missing.duckdb"), "trend"])
    assert plain.exit_code == 4 and plain.stdout == ""  # without --json: stderr as before


# ----------------------------------------------------------------------------- 3 windows
def test_silence_window_selects_but_does_not_change_statistics(store: Path) -> None:
    _, whole = run(store, "silences", "--no-coordinated")
    ref = _by_start(whole["silences"])["2020-02-10T09"]
    for window in (
        ("--from", "2020-02-01", "--to", "2020-02-29"),
        ("--from", "2020-02-10", "--to", "2020-02-10"),
        ("--from", "2020-02-11", "--to", "2020-02-28"),  # the silence ended on 02-11
    ):
        _, part = run(store, "silences", "--no-coordinated", *window)
        rows = _by_start(part["silences"])
        assert list(rows) == ["2020-02-10T09"], window
        assert rows["2020-02-10T09"] == ref, window
    _, none = run(store, "silences", "--from", "2020-02-12", "--to", "2020-02-28")
    assert none["silences"] == []


# ----------------------------------------------------------------------------- 5 coverage none
def test_uncollected_gap_is_no_record(store: Path) -> None:
    _, result = run(store, "silences", "--no-coordinated")
    rows = _by_start(result["silences"])
    hole = rows["2020-03-31T21"]
    assert hole["coverage"] == "none"
    assert hole["rank"] is None and hole["p_value"] is None and not hole["unprecedented"]
    assert rows["2020-02-10T09"]["rank"] == 1 and rows["2020-02-10T09"]["unprecedented"]
    later = rows["2020-05-10T09"]
    assert later["coverage"] == "full"
    assert later["previous_longest_hours"] == pytest.approx(30.0)
    assert later["rank"] == 2 and not later["unprecedented"]


def test_findings_longest_silence_is_a_collected_one(store: Path) -> None:
    _, result = run(store, "findings")
    item = _kind(result, "longest_silence")
    assert item["numbers"]["hours"] == pytest.approx(30.0)
    assert item["numbers"]["coverage"] == "full"
    assert "30.0 hours from 2020-02-10 09:00 UTC" in item["sentence"]


# ----------------------------------------------------------------------------- 4 period
def test_findings_honour_the_period(store: Path) -> None:
    _, result = run(store, "findings", "--baseline", "2020-01", "--period", "2020-02")
    decline = _kind(result, "decline")
    assert decline["numbers"]["current_period"] == "2020-02"
    assert "May" not in decline["sentence"]
    longest = _kind(result, "longest_silence")
    assert longest["numbers"]["end"] < "2020-03-01"
    assert "to 2020-02-29" in longest["sentence"]
    # a period ending in January (after a baseline of its first days: the two may not
    # overlap) sees the 15 h gap of 2020-01-20, not the 30 h silence of February
    _, early = run(
        store,
        "findings",
        "--baseline",
        "2020-01-01..2020-01-10",
        "--period",
        "2020-01-11..2020-01-31",
    )
    assert _kind(early, "longest_silence")["numbers"]["hours"] == pytest.approx(15.0)


# ----------------------------------------------------------------------------- 6 supporters --of
def test_supporters_echo_what_they_count(store: Path) -> None:
    _, plain = run(store, "supporters")
    assert plain["parameters"]["of"] == "all" and plain["notes"] == []
    _, other = run(store, "supporters", "--of", "supporter")
    assert other["parameters"]["of"] == "all"
    assert any("--of supporter was not applied" in n for n in other["notes"])
    assert other["rows"] == plain["rows"]
