"""``output --by outlet`` reads each outlet's periods against its own channels' coverage:
a channel whose export starts mid-month makes that month partial for its outlet alone;
a chat that begins inside a longer export is covered over all of it; a hole between two
exports of a channel is uncovered (fraction 0); the end of a channel's last export cannot
tell silence from the end of collection, so the days after it stay covered to the
archive's end, as ``outlets status`` counts them. The report's charts filtered to one
outlet shade the same periods."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.measure.registry import run_measurement
from mutewatch.show import charts
from mutewatch.store import Store
from tests.measure_s8.conftest import build, every

JAN1, MAR31 = datetime(2016, 1, 1), datetime(2016, 3, 31, 18)
FEB14 = datetime(2016, 2, 14, 18)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outlet_partial")
    return build(
        folder,
        [
            # one export of three chats: "steady" all quarter, "quiet" silent from Feb 15,
            # "newcomer" posting from Jan 20 (the export holds every chat's history)
            {
                "steady": every(JAN1, MAR31, 6),
                "quiet": every(JAN1, FEB14, 6),
                "newcomer": every(datetime(2016, 1, 20), MAR31, 6),
            },
            # a channel whose own export starts mid-January
            {"late": every(datetime(2016, 1, 16), MAR31, 6)},
            # a channel whose own (single-channel) export ends mid-February
            {"cut": every(JAN1, FEB14, 6)},
            # a channel exported twice, with nothing between Jan 31 and Mar 1
            {"gappy": every(JAN1, datetime(2016, 1, 31, 18), 6)},
            {"gappy": every(datetime(2016, 3, 1), MAR31, 6)},
        ],
    )


def _by_outlet(store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement(
        "output", store, of="all", by="outlet", every="month", **options
    )
    return result


def _flags(result: dict[str, Any], group: str) -> dict[str, float]:
    return {
        r["period"]: r["covered_fraction"]
        for r in result["rows"]
        if r["group"] == group and r.get("partial")
    }


def test_each_outlet_is_read_against_its_own_channels(store: Path) -> None:
    result = _by_outlet(store)
    assert result["coverage_basis"] == "outlet"
    assert result["partial_periods"] == []  # the archive covers the whole quarter
    assert _flags(result, "steady") == {}
    assert _flags(result, "late") == {"2016-01-01": round(16 / 31, 4)}
    assert _flags(result, "quiet") == {}  # silent inside an export that went on: no excuse
    assert _flags(result, "newcomer") == {}  # began inside an export that ran before
    assert _flags(result, "cut") == {}  # silent or no longer collected: it cannot tell
    assert _flags(result, "gappy") == {"2016-02-01": 0.0}
    late = [p for p in result["partial_by_group"] if p["group"] == "late"]
    assert late == [
        {
            "group": "late",
            "period": "2016-01-01",
            "covered_days": 16,
            "days": 31,
            "covered_fraction": round(16 / 31, 4),
        }
    ]
    spans = {c["group"]: c for c in result["outlet_coverage"]}
    assert spans["late"]["covered"] == [{"from": "2016-01-16", "to": "2016-03-31", "days": 76}]
    assert spans["quiet"]["covered"] == spans["newcomer"]["covered"] == spans["steady"]["covered"]
    assert spans["quiet"]["covered"] == [{"from": "2016-01-01", "to": "2016-03-31", "days": 91}]
    assert spans["cut"]["covered"] == spans["steady"]["covered"]
    assert spans["gappy"]["covered"] == [
        {"from": "2016-01-01", "to": "2016-01-31", "days": 31},
        {"from": "2016-03-01", "to": "2016-03-31", "days": 31},
    ]
    assert "coverage basis" in result["method"].lower()


def test_from_to_narrow_each_outlets_coverage(store: Path) -> None:
    result = _by_outlet(store, date_from="2016-01-10", date_to="2016-03-31")
    assert _flags(result, "late") == {"2016-01-01": round(16 / 31, 4)}
    assert _flags(result, "steady") == {"2016-01-01": round(22 / 31, 4)}


def test_without_by_outlet_the_basis_is_the_archive(store: Path) -> None:
    result = run_measurement("output", store, of="all", every="month")
    assert result["coverage_basis"] == "archive"
    assert "partial_by_group" not in result
    assert not any(r.get("partial") for r in result["rows"])


def test_text_output_marks_outlet_rows(store: Path) -> None:
    args = ["--store", str(store), "output", "--of", "all", "--by", "outlet", "--every", "month"]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    line = next(r for r in text.output.splitlines() if r.startswith("2016-01-01  late"))
    assert "52% partial*" in line
    as_json = json.loads(CliRunner().invoke(main, [*args, "--json"]).output)
    assert as_json["coverage_basis"] == "outlet"


def _outlet_id(store: Path, name: str) -> int:
    with Store.open(store, read_only=True) as opened:
        row = opened.con.execute("SELECT outlet_id FROM outlets WHERE name = ?", [name]).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("name", ["late", "gappy", "steady"])
def test_charts_of_one_outlet_shade_what_output_flags(store: Path, name: str) -> None:
    with Store.open(store, read_only=True) as opened:
        f = charts.Filters(outlet_id=_outlet_id(store, name))
        shaded = charts.partial_buckets(opened, f, "month")
        spans = charts.covered_spans(opened, f)
    assert spans
    span = (spans[0][0], spans[-1][1])  # the first and last day covered
    flagged = [
        {k: p[k] for k in ("period", "covered_days", "days")}
        for p in _by_outlet(store)["partial_by_group"]
        if p["group"] == name and p["period"] <= span[1].isoformat()
    ]
    assert shaded == flagged
    assert bool(shaded) == (name != "steady")
