"""Measurements on a store with planted truth (DuckDB engine)."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from click.testing import CliRunner

from mutewatch.errors import StoreError, UsageError
from mutewatch.measure import stats
from mutewatch.measure.engine import Engine, cached_export_dir, export_parquet
from mutewatch.measure.params import Params, iso, parse_range
from mutewatch.measure.registry import MEASUREMENTS, run_measurement

from .conftest import B_IDGAP, F_HOLE, SHORT, SILENCE, StoreFactory, every

Scenario = tuple[Path, dict[str, Any]]


def _official_times(truth: dict[str, Any]) -> list[datetime]:
    return sorted(t for times in truth["plan"].values() for t in times)


# --- output ---------------------------------------------------------------------------------


def test_output_daily_total_matches_planted_posts(scenario: Scenario) -> None:
    path, truth = scenario
    result = run_measurement("output", path)
    expected = Counter(t.date().isoformat() for t in _official_times(truth))
    got = {r["period"]: r["count"] for r in result["rows"]}
    assert got == {d: expected.get(d, 0) for d in got}
    assert sum(got.values()) == len(_official_times(truth))  # forwards, supporters left out
    assert result["parameters"]["of"] == "official"
    assert result["every"] == "day" and result["by"] is None


def test_output_weeks_start_monday_and_zero_fill_every_group(scenario: Scenario) -> None:
    path, truth = scenario
    result = run_measurement("output", path, by="outlet", every="week")
    periods = sorted({r["period"] for r in result["rows"]})
    assert all(date.fromisoformat(p).weekday() == 0 for p in periods)
    assert periods[0] == "2017-02-27" and periods[-1] == "2017-11-27"
    groups = {r["group"] for r in result["rows"]}
    assert groups == set("ABCDEF")
    assert len(result["rows"]) == len(periods) * 6  # zero-filled grid
    d_late = [r for r in result["rows"] if r["group"] == "D" and r["period"] >= "2017-06-01"]
    assert d_late and all(r["count"] == 0 for r in d_late)  # D vanished mid-window
    c_total = sum(r["count"] for r in result["rows"] if r["group"] == "C")
    assert c_total == len(truth["plan"]["C"])


def test_output_renamed_channel_stays_one_outlet(scenario: Scenario) -> None:
    path, truth = scenario
    result = run_measurement("output", path, by="outlet", every="month")
    a_rows = [r for r in result["rows"] if r["group"] == "A"]
    assert sum(r["count"] for r in a_rows) == len(truth["plan"]["A"])
    assert not any(r["group"] == "A old name" for r in result["rows"])


def test_output_of_all_forwards_official_medium_and_host(scenario: Scenario) -> None:
    path, truth = scenario
    n_official = len(_official_times(truth))
    n_sup, n_fwd = len(truth["supporter"]), len(truth["forwards"])
    by_off = run_measurement("output", path, of="all", by="official", every="month")
    totals = Counter()
    for r in by_off["rows"]:
        totals[r["group"]] += r["count"]
    assert totals == {"official": n_official, "supporter": n_sup}
    with_fwd = run_measurement("output", path, include_forwards=True, every="month")
    assert with_fwd["total"] == n_official + n_fwd
    medium = run_measurement("output", path, by="medium", every="month")
    kinds = Counter()
    for r in medium["rows"]:
        kinds[r["group"]] += r["count"]
    assert kinds["photo"] == len(truth["plan"]["B"])
    hosts = run_measurement("output", path, of="all", by="host", every="month")
    per_host = Counter()
    for r in hosts["rows"]:
        per_host[r["group"]] += r["count"]
    assert per_host == {"files.example.org": len(truth["plan"]["C"]), "t.me": n_sup}


def test_output_empty_window_is_zero_filled(scenario: Scenario) -> None:
    path, _ = scenario
    result = run_measurement("output", path, date_from="2019-01-01", date_to="2019-01-03")
    assert result["rows"] == [
        {"period": f"2019-01-0{i}", "group": None, "count": 0} for i in (1, 2, 3)
    ]
    grouped = run_measurement("output", path, by="outlet", date_from="2019-01-01", to="2019-01-03")
    assert grouped["rows"] == []


def test_output_days_are_utc_whatever_the_machine_zone(scenario: Scenario) -> None:
    path, truth = scenario
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        result = run_measurement("output", path, date_from="2017-03-11", date_to="2017-03-13")
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()
    # 2017-03-12 is the US DST switch; buckets are UTC days all the same
    expected = Counter(t.date().isoformat() for t in _official_times(truth))
    assert [(r["period"], r["count"]) for r in result["rows"]] == [
        (d, expected[d]) for d in ("2017-03-11", "2017-03-12", "2017-03-13")
    ]


# --- outlet status --------------------------------------------------------------------------


def test_outlet_status_planted(scenario: Scenario) -> None:
    path, _ = scenario
    result = run_measurement(
        "outlets_status", path, baseline="2017-03-01..2017-05-31", period="2017-11-01..2017-11-30"
    )
    by = {r["outlet"]: r for r in result["outlets"]}
    assert set(by) == set("ABCDEF")  # S is not official
    assert by["A"]["status"] == "active" and by["B"]["status"] == "active"
    assert by["C"]["status"] == "new" and by["C"]["ratio"] is None
    assert by["D"]["status"] == "dormant" and by["D"]["period_per_day"] == 0
    assert by["E"]["status"] == "silenced"
    assert by["E"]["baseline_per_day"] == pytest.approx(10.0, abs=0.01)
    assert by["E"]["ratio"] == pytest.approx(0.05, abs=0.01)
    assert result["summary"] == {
        "active_in_baseline": 5,
        "active_in_period": 5,
        "silenced": 2,  # E silenced, D dormant
        "share_silenced": 0.4,
        "by_status": {"silenced": 1, "dormant": 1, "new": 1, "active": 3, "no_posts": 0},
        "registered": 6,
        "registered_no_posts": 0,
    }
    assert result["baseline"] == {"from": "2017-03-01", "to": "2017-05-31", "days": 92}
    # change points: E dropped on 2017-09-01, D stopped on 2017-05-15, C began 2017-06-01
    assert by["E"]["changed_at"] == "2017-09-01T00:00:00Z"
    assert by["D"]["changed_at"] == "2017-05-15T00:00:00Z"
    assert by["C"]["changed_at"] == "2017-06-01T00:00:00Z"
    assert by["E"]["change"]["after_per_day"] < 1 < by["E"]["change"]["before_per_day"]


def test_outlet_status_unregistered_accounts_count_under_all(scenario: Scenario) -> None:
    path, _ = scenario
    kw = {"baseline": "2017-03-01..2017-05-31", "period": "2017-11-01..2017-11-30"}
    result = run_measurement("outlets_status", path, of="all", change_points=False, **kw)
    s_row = [r for r in result["outlets"] if r["outlet"] == "S"]
    assert s_row and s_row[0]["official"] is False and s_row[0]["registered"] is False
    assert s_row[0]["status"] == "active"
    assert result["summary"]["active_in_baseline"] == 6


def test_outlet_status_rejects_bad_ranges(scenario: Scenario) -> None:
    path, _ = scenario
    with pytest.raises(UsageError):
        run_measurement("outlets_status", path, baseline="2017-05-01..2017-03-01", period="2017")
    with pytest.raises(UsageError):
        parse_range("2017-01-01..2017-02-01..2017-03-01")


# --- silences -------------------------------------------------------------------------------


def test_network_silence_survives_supporter_chatter_and_forwards(scenario: Scenario) -> None:
    path, _ = scenario
    result = run_measurement("silences", path, scope="network", min_hours=12)
    assert len(result["silences"]) == 1
    s = result["silences"][0]
    assert s["start"] == iso(SILENCE[0]) == "2017-11-08T09:00:00Z"
    assert s["end"] == "2017-11-09T09:30:00Z"
    assert s["hours"] == 24.5
    assert s["unprecedented"] is True and s["rank"] == 1
    assert s["previous_longest_hours"] == pytest.approx(8.2)
    assert s["coverage"] == "full"
    assert s["p_value"] is not None and s["p_value"] < 1e-6
    assert "negative-binomial" in result["p_value_method"]
    assert result["parameters"]["min_hours"] == 12
    # the 8.2 h gap is a silence at a lower threshold, and it was a record then
    low = run_measurement("silences", path, min_hours=8, with_coordinated=False)
    short = [x for x in low["silences"] if x["start"] == iso(SHORT[0])]
    assert short and short[0]["hours"] == pytest.approx(8.2) and short[0]["rank"] == 2


def test_silence_broken_when_supporters_count(scenario: Scenario) -> None:
    path, _ = scenario
    result = run_measurement("silences", path, of="all", min_hours=12, with_coordinated=False)
    assert result["silences"] == []  # supporter posts every 5 h fill every gap
    fwd = run_measurement("silences", path, include_forwards=True, min_hours=12)
    assert all(s["hours"] < 24.5 for s in fwd["silences"])


def test_outlet_silences_coverage_and_coordination(scenario: Scenario) -> None:
    path, _ = scenario
    result = run_measurement("silences", path, scope="outlet", min_hours=20)
    by = {(s["outlet"], s["start"]): s for s in result["silences"]}
    edge = by[("F", iso(F_HOLE[0]))]  # between two exports: not collected
    assert edge["coverage"] == "none" and edge["hours"] == pytest.approx(756.0)
    deleted = by[("B", iso(B_IDGAP[0]))]  # message ids missing across the whole gap
    assert deleted["coverage"] == "none"
    a = by[("A", iso(SILENCE[0]))]
    assert a["coverage"] == "full" and a["unprecedented"] and a["rank"] == 1
    # B's earlier 36 h gap was not collected (ids missing): it sets no record and has no rank
    assert deleted["rank"] is None and deleted["p_value"] is None
    assert not deleted["unprecedented"]
    later = by[("B", iso(SILENCE[0]))]
    assert later["previous_longest_hours"] < 24.5 and later["unprecedented"]
    co = result["coordinated"]
    assert co["n"] == 6 and co["k"] == 3
    assert len(co["windows"]) == 1
    w = co["windows"][0]
    assert w["start"] <= iso(SILENCE[0]) and w["end"] >= iso(SILENCE[1])
    assert w["max_silent"] == 5 and "F" in w["outlets"]  # F's uncovered month is not counted
    assert all(
        s["start"] >= iso(datetime(2017, 9, 1)) for s in result["silences"] if s["outlet"] == "E"
    )


def test_partial_coverage_when_one_channel_was_not_collected(factory: StoreFactory) -> None:
    a, b = factory.outlet("A"), factory.outlet("B")
    ca, cb = factory.channel("1", a), factory.channel("2", b)
    src = factory.source()
    t0 = datetime(2018, 1, 1)
    times = every(t0, t0 + timedelta(days=20), timedelta(hours=1))
    gap = (t0 + timedelta(days=15), t0 + timedelta(days=16))
    factory.posts(ca, [t for t in times if not gap[0] < t < gap[1]], source_id=src)
    factory.posts(cb, [t for t in times if t <= gap[0] + timedelta(hours=6)], source_id=src)
    factory.coverage(src, ca, t0, times[-1])
    factory.coverage(src, cb, t0, gap[0] + timedelta(hours=12))  # B's archive stops mid-gap
    path = factory.close()
    result = run_measurement("silences", path, min_hours=12, with_coordinated=False)
    [s] = result["silences"]
    assert s["start"] == iso(gap[0] + timedelta(hours=6)) and s["hours"] == 18
    assert s["coverage"] == "partial"
    assert s["covered_share"] == pytest.approx((1 + 6 / 18) / 2, abs=1e-3)


# --- statistics -----------------------------------------------------------------------------


def _fit(start: datetime, end: datetime, lb: datetime, times: list[datetime]) -> dict[str, float]:
    """Score a gap with a lookback of whole days lb .. day(start) - 1 holding ``times``."""
    n_days = (datetime.combine(start.date(), datetime.min.time()) - lb).days
    daily = np.zeros(n_days)
    hours = np.zeros(24)
    for t in times:
        i = (t - lb).days
        if 0 <= i < n_days:
            daily[i] += 1
            hours[t.hour] += 1
    return stats.gap_p_value(start, end, lb, daily, hours)


def test_p_value_allows_over_dispersion() -> None:
    start = datetime(2018, 3, 1)
    lb = start - timedelta(days=28)
    steady = every(lb, start, timedelta(hours=2))
    rng = np.random.default_rng(1)
    bursty = []
    for d in range(28):  # same mean (12/day) but days of 0 or 24 posts
        if rng.random() < 0.5:
            day = lb + timedelta(days=d)
            bursty += every(day, day + timedelta(days=1), timedelta(hours=1))
    end = start + timedelta(hours=24)
    p_steady = _fit(start, end, lb, steady)
    p_bursty = _fit(start, end, lb, bursty)
    assert p_steady["inv_r"] == 0 and p_steady["p_value"] == pytest.approx(np.exp(-12), rel=0.05)
    assert p_bursty["inv_r"] > 0.5
    assert p_bursty["p_value"] > 100 * p_steady["p_value"]


def test_p_value_knows_the_night_and_the_weekend() -> None:
    start = datetime(2018, 3, 1)  # a Thursday
    lb = start - timedelta(days=28)
    days = [lb + timedelta(days=d) for d in range(28)]
    # posts only 08:00-19:00 UTC, never on Fridays
    times = [d + timedelta(hours=h) for d in days if d.weekday() != 4 for h in range(8, 20)]
    night = _fit(start + timedelta(hours=19), start + timedelta(hours=32), lb, times)
    day = _fit(start + timedelta(hours=7), start + timedelta(hours=20), lb, times)
    assert night["p_value"] > 0.2 and day["p_value"] < 1e-3
    friday = _fit(start + timedelta(hours=19), start + timedelta(hours=56), lb, times)
    assert friday["p_value"] > 0.05  # a quiet Friday is expected


def test_p_value_crosses_dst_as_plain_utc_hours() -> None:
    start = datetime(2017, 3, 26, 0, 30)  # Europe switches to summer time at 01:00 UTC
    lb = datetime(2017, 2, 26)
    times = every(lb, start, timedelta(hours=1))
    r = _fit(start, start + timedelta(hours=3), lb, times)
    assert r["expected"] == pytest.approx(3.0, rel=0.02)


def test_change_points_find_a_drop() -> None:
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.poisson(10, 100), rng.poisson(0.5, 60)])
    found = stats.main_change(x, "down")
    assert abs(found["index"] - 100) <= 2 and found["after_per_day"] < 1
    assert stats.change_points(rng.poisson(10, 160)) == []


# --- engine, export, registry, CLI ------------------------------------------------------------


def test_export_and_cache_refresh(scenario: Scenario, tmp_path: Path) -> None:
    path, truth = scenario
    manifest = export_parquet(path, tmp_path / "export")
    assert manifest["rows"]["posts"] == (
        len(_official_times(truth)) + len(truth["supporter"]) + len(truth["forwards"])
    )
    assert (tmp_path / "export" / "posts.parquet").exists()
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(path.read_bytes())
    first = cached_export_dir(copy)
    stamp = (first / "manifest.json").stat().st_mtime_ns
    assert cached_export_dir(copy) == first
    assert (first / "manifest.json").stat().st_mtime_ns == stamp  # unchanged store: reused
    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM posts WHERE official = FALSE")
    con.close()
    refreshed = cached_export_dir(copy)
    meta = json.loads((refreshed / "manifest.json").read_text())
    assert meta["rows"]["posts"] == manifest["rows"]["posts"] - len(truth["supporter"])


def test_engine_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        Engine.open(tmp_path / "missing.duckdb")
    with pytest.raises(UsageError):
        Params(of="everyone")
    with pytest.raises(UsageError):
        run_measurement("nonsense", tmp_path / "x.duckdb")
    with pytest.raises(UsageError):
        Params.from_options({"from": "2017-13-01"})


def test_registry_lists_the_core_measurements() -> None:
    assert {"output", "outlets_status", "silences"} <= set(MEASUREMENTS)


def test_cli_json_and_text(scenario: Scenario) -> None:
    from mutewatch.cli import main

    path, _ = scenario
    runner = CliRunner()
    res = runner.invoke(main, ["--store", str(path), "silences", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["silences"][0]["hours"] == 24.5 and data["parameters"]["scope"] == "network"
    res = runner.invoke(
        main,
        [
            "--store",
            str(path),
            "outlets",
            "status",
            "--baseline",
            "2017-03-01..2017-05-31",
            "--period",
            "2017-11-01..2017-11-30",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "2 of 5 outlets active in the baseline were silenced" in res.output
    res = runner.invoke(main, ["--store", str(path), "output", "--every", "month", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["every"] == "month"
    res = runner.invoke(main, ["--store", str(path), "output", "--from", "yesterday"])
    assert res.exit_code == 2 and "not a date" in res.output


def test_numpy_pelt_matches_ruptures() -> None:
    rng = np.random.default_rng(3)
    for _ in range(15):
        n = int(rng.integers(40, 160))
        cps = sorted(rng.choice(np.arange(10, n - 10), int(rng.integers(1, 4)), replace=False))
        rates = rng.gamma(2, 5, len(cps) + 1)
        bounds = [0, *cps, n]
        x = np.concatenate(
            [rng.poisson(r, b - a) for r, a, b in zip(rates, bounds[:-1], bounds[1:], strict=True)]
        ).astype(float)
        size = int(rng.integers(1, 8))
        mine = stats.pelt(x, penalty=2 * np.log(n), min_size=size, phi=stats.dispersion_phi(x))
        assert mine == stats.change_points_ruptures(x, min_size=size)


def test_cli_export_parquet(scenario: Scenario, tmp_path: Path) -> None:
    from mutewatch.cli import main

    path, truth = scenario
    out = tmp_path / "exp"
    res = CliRunner().invoke(
        main, ["--store", str(path), "export", "--parquet", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["rows"]["coverage"] == 8 and data["rows"]["id_gaps"] == 1
    assert sorted(p.name for p in out.glob("*.parquet")) == sorted(
        f"{t}.parquet" for t in data["rows"]
    )
    with duckdb.connect() as con:
        n = con.execute(f"SELECT count(*) FROM '{out / 'posts.parquet'}'").fetchone()[0]
    assert n == data["rows"]["posts"]


def test_measure_while_this_process_holds_the_store_open(
    scenario: Scenario, tmp_path: Path
) -> None:
    path, _ = scenario
    copy = tmp_path / "held.duckdb"
    copy.write_bytes(path.read_bytes())
    from mutewatch.store import Store

    with Store.open(copy):  # read-write in this process (e.g. `mutewatch demo`)
        result = run_measurement("silences", copy, with_coordinated=False)
    assert result["silences"][0]["hours"] == 24.5
