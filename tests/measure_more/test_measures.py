"""trend, supporters, platforms and findings on the planted store (DuckDB engine)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
import duckdb
import pytest
from click.testing import CliRunner

from mutewatch.cli import measuring_more
from mutewatch.errors import UsageError
from mutewatch.measure import findings as fnd
from mutewatch.measure.platforms import platforms
from mutewatch.measure.supporters import supporters
from mutewatch.measure.trend import trend
from mutewatch.store import Store

from .conftest import NAME_ONLY, Planted


@pytest.fixture(scope="module")
def trend_result(planted: Planted) -> dict[str, Any]:
    return trend(planted.path)


@pytest.fixture(scope="module")
def supporters_result(planted: Planted) -> dict[str, Any]:
    return supporters(planted.path)


@pytest.fixture(scope="module")
def platforms_result(planted: Planted) -> dict[str, Any]:
    return platforms(planted.path, top=3)


@pytest.fixture(scope="module")
def findings_result(planted: Planted) -> dict[str, Any]:
    return fnd.findings(planted.path, coordinated=True)


def _sql(planted: Planted, query: str) -> Any:
    con = duckdb.connect(str(planted.path), read_only=True)
    try:
        return con.execute(query).fetchone()[0]  # type: ignore[index]
    finally:
        con.close()


# ----------------------------------------------------------------------------- trend
def test_trend_finds_the_planted_decline(trend_result: dict[str, Any]) -> None:
    points = trend_result["change_points"]
    assert len(points) == 1
    at = date.fromisoformat(points[0]["at"])
    assert abs((at - date(2016, 3, 1)).days) <= 3
    assert 27 < points[0]["before_per_day"] < 33  # planted 30 a day
    assert 5 < points[0]["after_per_day"] < 8  # planted 6.4 a day
    assert trend_result["series"]["days"] == 547


def test_trend_peak_to_current_and_intervals(trend_result: dict[str, Any]) -> None:
    ptc = trend_result["peak_to_current"]
    assert ptc["current"]["period"] == "2016-06"
    assert ptc["peak"]["period"].startswith("2015") or ptc["peak"]["period"] < "2016-03"
    assert 0.7 < ptc["change"] < 0.85  # planted (30 - 6.4) / 30 = 0.79
    rolling = trend_result["rolling"]
    last = rolling[-1]
    assert last["low"] < 6.4 < last["high"]
    in_2015 = next(r for r in rolling if r["date"] == "2015-06-30")
    assert in_2015["low"] < 30 < in_2015["high"]
    assert trend_result["parameters"]["interval"] == "negbin"
    assert trend_result["parameters"]["of"] == "official"


def test_trend_window_without_a_shift_has_no_change_point(planted: Planted) -> None:
    result = trend(planted.path, date_from="2015-01-01", date_to="2015-12-31", interval="poisson")
    assert result["change_points"] == []
    assert result["series"]["days"] == 365
    assert result["parameters"]["from"] == "2015-01-01"


def test_trend_rejects_unknown_period(planted: Planted) -> None:
    with pytest.raises(UsageError, match="--every"):
        trend(planted.path, every="fortnight")


def test_empty_store_measures_to_empty_results_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    Store.open(path).close()
    empty = supporters(path)
    assert empty["rows"] == [] and any("no posts" in n for n in empty["notes"])
    assert trend(path)["series"]["days"] == 0


@pytest.mark.parametrize(
    "command",
    [["output"], ["silences"], ["trend"], ["supporters"], ["platforms"], ["findings"],
     ["outlets", "status", "--baseline", "2015-01-01..2015-12-31",
      "--period", "2016-01-01..2016-01-31"]],
    ids=lambda c: c[0] if c[0] != "outlets" else "outlets-status",
)  # fmt: skip
def test_every_measuring_command_prints_one_json_object_on_an_empty_store(
    tmp_path: Path, command: list[str]
) -> None:
    from mutewatch.cli import main

    path = tmp_path / "empty.duckdb"
    Store.open(path).close()
    done = CliRunner().invoke(main, ["--store", str(path), *command, "--json"])
    assert done.exit_code == 0, done.output
    assert isinstance(json.loads(done.stdout), dict)


# ----------------------------------------------------------------------------- supporters
def test_supporter_share_rises(supporters_result: dict[str, Any]) -> None:
    rows = supporters_result["rows"]
    assert len(rows) == 18
    assert rows[0]["share"] < 0.2 and rows[-1]["share"] > 0.8
    assert supporters_result["trend"]["share"]["direction"] == "rising"
    assert supporters_result["trend"]["amplification_per_day"]["direction"] == "falling"
    assert sum(r["official"] for r in rows) == supporters_result["total"]["official"]


def test_amplification_resolves_ids_and_names(
    planted: Planted, supporters_result: dict[str, Any]
) -> None:
    may = next(r for r in supporters_result["rows"] if r["period"] == "2016-05")
    by_id = _sql(
        planted,
        "SELECT count(*) FROM posts WHERE NOT official AND forwarded_account_id LIKE 'off%'"
        " AND ts >= '2016-05-01' AND ts < '2016-06-01'",
    )
    assert may["amplification"] == by_id + NAME_ONLY  # the unrelated forwards do not count
    assert may["official_releases"] == may["official"]
    assert may["forwards_per_release"] == pytest.approx(
        may["amplification"] / may["official"], abs=1e-4
    )


def test_include_forwards_counts_forwards_in_the_share(planted: Planted) -> None:
    result = supporters(planted.path, include_forwards=True, every="week")
    total = result["total"]
    all_posts = _sql(planted, "SELECT count(*) FROM posts")
    assert total["posts"] == all_posts
    assert result["rows"][0]["period"] == "2014-12-29"  # weeks start on Monday
    assert result["rows"][0]["full"] is False


# ----------------------------------------------------------------------------- platforms
def test_host_classes_disappear(platforms_result: dict[str, Any]) -> None:
    classes = platforms_result["host_classes"]
    assert classes["file_host"]["gone"] and classes["file_host"]["last"].startswith("2015-09-30")
    assert classes["social"]["gone"] and classes["social"]["last"].startswith("2015-12-31")
    assert not classes["video"]["gone"]
    rows = {r["period"]: r for r in platforms_result["rows"]}
    assert rows["2015-01"]["hosts"] == 11 and rows["2015-01"]["host_classes"] == 5
    assert rows["2015-10"]["hosts"] == 7 and "file_host" not in rows["2015-10"]["by_class"]
    assert rows["2016-06"]["hosts"] == 4 and rows["2016-06"]["host_classes"] == 3
    assert len(rows["2015-01"]["top_hosts"]) == 3
    assert platforms_result["trend"]["hosts"]["direction"] == "falling"


def test_platform_links_follow_the_counted_posts(planted: Planted) -> None:
    mine = platforms(planted.path, of="supporter")
    assert mine["total"]["links"] == 0
    assert mine["trend"]["hosts"]["direction"] == "flat"
    window = platforms(planted.path, date_from="2016-01-01", date_to="2016-01-31", every="day")
    assert len(window["rows"]) == 31
    assert window["total"]["hosts"] == 4
    assert window["total"]["links"] == sum(r["links"] for r in window["rows"])


# ----------------------------------------------------------------------------- findings
def test_default_windows_and_labels() -> None:
    b, p = fnd.default_windows(date(2015, 1, 1), date(2016, 6, 30))
    assert fnd.window_label(b) == "2015" and fnd.window_label(p) == "June 2016"
    b, p = fnd.default_windows(date(2015, 3, 5), date(2016, 7, 4))
    assert fnd.window_label(b) == "April 2015" and fnd.window_label(p) == "June 2016"
    assert fnd.parse_window("2017-12", "period") == (date(2017, 12, 1), date(2017, 12, 31))
    with pytest.raises(UsageError):
        fnd.default_windows(date(2016, 6, 3), date(2016, 7, 20))
    with pytest.raises(UsageError):
        fnd.parse_window("2017-13..2018", "period")


@pytest.mark.slow
def test_findings_state_the_planted_numbers(findings_result: dict[str, Any]) -> None:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in findings_result["findings"]:
        by_kind.setdefault(f["kind"], []).append(f)
        assert f["sentence"] and f["method"] and isinstance(f["numbers"], dict)
    assert findings_result["parameters"]["baseline"] == {"from": "2015-01-01", "to": "2015-12-31"}
    assert "dropped on 2016-03-01" in by_kind["change_points"][0]["sentence"]
    assert "the only change point" in by_kind["change_points"][0]["sentence"]
    decline = by_kind["decline"][0]
    assert f"{round(decline['numbers']['change'] * 100)}%" in decline["sentence"]
    assert "to June 2016" in decline["sentence"]
    gone = " ".join(f["sentence"] for f in by_kind["host_class_gone"])
    assert "No links to file hosts in June 2016, against 2,955 in 2015" in gone
    assert "last seen 2015-09-30" in gone
    hosts = by_kind["platform_hosts"][0]["sentence"]
    assert "4 distinct hosts" in hosts and "down from 11" in hosts
    share = by_kind["supporter_share"][0]
    assert share["numbers"]["period_share"] > 0.8 > 0.4 > share["numbers"]["baseline_share"]
    assert by_kind["silenced_outlets"][0]["sentence"] == (
        "8 of 10 official outlets active in 2015 (80%) were almost totally silenced in "
        "June 2016 (output at most 10% of their 2015 rate)."
    )
    silence = by_kind["longest_silence"][0]
    assert silence["sentence"].startswith(
        "Official channels went silent for 36.0 hours from 2015-11-08 09:00 UTC, the longest "
        "break on record (previous longest "
    )
    assert silence["numbers"]["coverage"] == "full"
    assert silence["numbers"]["previous_longest_hours"] < 36.0
    dates = by_kind["silencing_dates"][0]["numbers"]
    assert dates["silenced"] == 8 and dates["with_change_point"] == 8
    assert dates["median"] == "2016-03-01"  # the planted change day (outlets status)
    assert "coordinated_silence" in by_kind
    assert findings_result["skipped"] == []


@pytest.mark.slow
def test_findings_through_the_registry(planted: Planted) -> None:
    from mutewatch.measure.registry import run_measurement

    result = run_measurement(
        "findings",
        planted.path,
        baseline="2015-01..2015-06",
        period="2016-04",
        of="official",
    )
    kinds = {f["kind"] for f in result["findings"]}
    assert {"decline", "silenced_outlets", "longest_silence", "platform_hosts"} <= kinds
    assert "coordinated_silence" not in kinds
    assert result["parameters"]["period"] == {"from": "2016-04-01", "to": "2016-04-30"}
    silenced = next(f for f in result["findings"] if f["kind"] == "silenced_outlets")
    assert "in the period" not in silenced["sentence"] and "April 2016" in silenced["sentence"]


def test_sentence_builders_on_given_measurements() -> None:
    status = {
        "threshold": 0.1,
        "summary": {"active_in_baseline": 38, "active_in_period": 9, "silenced": 29},
        "outlets": [],
    }
    b = (date(2015, 1, 1), date(2015, 12, 31))
    p = (date(2017, 12, 1), date(2017, 12, 31))
    item = fnd.silenced_sentence(status, b, p, "official")
    assert item is not None
    assert item["sentence"] == (
        "29 of 38 official outlets active in 2015 (76%) were almost totally silenced in "
        "December 2017 (output at most 10% of their 2015 rate)."
    )
    silences = [
        {
            "scope": "network",
            "start": "2017-10-01T00:00:00Z",
            "end": "2017-10-01T08:12:00Z",
            "hours": 8.2,
            "coverage": "full",
            "p_value": None,
        },
        {
            "scope": "network",
            "start": "2017-11-08T09:00:00Z",
            "end": "2017-11-09T09:30:00Z",
            "hours": 24.5,
            "coverage": "full",
            "p_value": None,
        },
    ]
    item = fnd.longest_silence_sentence(silences, "official", 6.0)
    assert item is not None
    assert item["sentence"] == (
        "Official channels went silent for 24.5 hours from 2017-11-08 09:00 UTC, the longest "
        "break on record (previous longest 8.2 hours)."
    )


# ----------------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def cli(planted: Planted) -> click.Group:
    @click.group()
    @click.pass_context
    def main(ctx: click.Context) -> None:
        ctx.obj = planted.path

    measuring_more.register(main)
    return main


@pytest.mark.parametrize("command", ["trend", "supporters", "platforms"])
def test_cli_json_echoes_parameters(cli: click.Group, command: str) -> None:
    res = CliRunner().invoke(cli, [command, "--json", "--from", "2016-01-01", "--every", "month"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["parameters"]["from"] == "2016-01-01"
    assert data["parameters"]["engine"] == "duckdb"


@pytest.mark.slow
def test_cli_findings_text_and_json(
    cli: click.Group, findings_result: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake(store: Path, **options: Any) -> dict[str, Any]:
        seen.update(options, store=store)
        return findings_result

    from mutewatch.measure import findings as findings_module

    # the command imports the library when it runs, so patching the module is enough
    monkeypatch.setattr(findings_module, "findings", fake)
    res = CliRunner().invoke(
        cli, ["findings", "--baseline", "2015", "--period", "2016-06", "--coordinated"]
    )
    assert res.exit_code == 0, res.output
    assert "No links to file hosts in June 2016" in res.output
    assert seen["baseline"] == "2015" and seen["coordinated"] is True
    assert seen["min_hours"] == 12.0
    res = CliRunner().invoke(cli, ["findings", "--json", "--period", "2016-06-01..2016-06-30"])
    data = json.loads(res.output)
    assert data["findings"] == findings_result["findings"]
    assert {"kind", "sentence", "numbers", "method", "parameters"} <= set(data["findings"][0])


def test_staircase_sentence_names_the_largest_absolute_shift() -> None:
    steps = [
        {"at": "2016-01-01", "before_per_day": 0.05, "after_per_day": 14.0, "change": 279.0},
        {"at": "2016-03-01", "before_per_day": 40.0, "after_per_day": 140.0, "change": 2.5},
    ]
    item = fnd.change_point_sentence({"change_points": steps, "parameters": {}}, "supporter")
    assert item is not None
    assert item["sentence"] == (
        "Supporter output changed level 2 times in the daily series (0 drops, 2 rises): from "
        "0.05 posts a day before 2016-01-01 to 140.0 a day after 2016-03-01; the largest single "
        "shift was on 2016-03-01 (40.0 to 140.0 a day, +250%)."
    )
    assert fnd.change_point_sentence({"change_points": []}, "official") is None
