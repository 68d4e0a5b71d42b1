"""Days no source covered are not days without posts: --from/--to beyond the archive's
coverage are cut to it, with a warning, in output, trend, supporters and platforms."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure.registry import run_measurement
from mutewatch.store import Store

FIRST = datetime(2016, 1, 1, 12)
DAYS = 40  # 2016-01-01 .. 2016-02-09, one post a day (two on even days)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clip")
    rows = []
    for day in range(DAYS):
        for n in range(1 + day % 2):
            ts = FIRST + timedelta(days=day, minutes=n)
            rows.append(
                {"acc": "a", "t": ts.isoformat(), "txt": f"placeholder https://x.example/{day}"}
            )
    path = folder / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with Store.open(folder / "store.duckdb") as opened:
        options = IngestOptions(
            platform="web", mapping={"account": "acc", "time": "t", "text": "txt"}
        )
        ingest(opened, [path], options)
    return folder / "store.duckdb"


def test_trend_does_not_read_the_end_of_the_collection_as_a_drop(store: Path) -> None:
    result = run_measurement("trend", store, of="all", date_to="2016-06-30")
    assert all(c["after_per_day"] > 0 for c in result["change_points"])
    assert result["peak_to_current"]["current"]["posts"] > 0
    assert result["parameters"]["to"] == "2016-02-09"
    assert "beyond the archive's coverage 2016-01-01..2016-02-09" in result["warnings"][0]


@pytest.mark.parametrize("name", ["output", "supporters", "platforms"])
def test_series_end_with_the_coverage(store: Path, name: str) -> None:
    result = run_measurement(name, store, of="all", date_from="2015-11-01", date_to="2016-04-30")
    periods = [r["period"] for r in result["rows"]]
    assert periods[0].startswith("2016-01") and periods[-1].startswith("2016-02")
    assert (result["parameters"]["from"], result["parameters"]["to"]) == (
        "2016-01-01",
        "2016-02-09",
    )
    assert len(result["warnings"]) == 1


def test_inside_the_coverage_nothing_changes(store: Path) -> None:
    result = run_measurement(
        "output", store, of="all", date_from="2016-01-05", date_to="2016-01-06"
    )
    assert "warnings" not in result
    assert [r["count"] for r in result["rows"]] == [1, 2]


def test_dates_wholly_outside_stay_empty_and_say_so(store: Path) -> None:
    result = run_measurement("output", store, of="all", date_from="2017-01-01")
    assert result["rows"] == []
    assert "wholly outside the archive's coverage" in result["warnings"][0]
    runner = CliRunner()
    args = ["--store", str(store), "trend", "--of", "all", "--to", "2015-01-01", "--json"]
    out = runner.invoke(main, args)
    assert out.exit_code == 0 and "wholly outside" in json.loads(out.output)["warnings"][0]


def test_the_text_output_shows_the_warnings(store: Path) -> None:
    runner = CliRunner()
    args = ["--store", str(store), "outlets", "status", "--of", "all"]
    args += ["--baseline", "2015-12-01..2016-01-10", "--period", "2016-02-01..2016-02-09"]
    out = runner.invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "Warning: baseline 2015-12-01..2016-01-10 extends beyond" in out.output
    out = runner.invoke(
        main, ["--store", str(store), "output", "--of", "all", "--to", "2016-05-01"]
    )
    assert "Warning: --to 2016-05-01 extends beyond" in out.output
