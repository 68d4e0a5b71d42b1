"""The report's silence chart drew each bar from the gap's hours rounded to 0.1 h (6
minutes), and its data table reads each end back from the bar: a gap closed by a post at
13:07 ended at 13:06 in the table, up to 3 minutes off the post (and off ``mutewatch
silences`` for the same gap). On the real Fifth Tribe tweets 97 of the 118 network silences
of a report ended off their closing post. Bars and table now end at the post."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mutewatch.measure.registry import run_measurement
from mutewatch.show import charts
from mutewatch.show.report import chart_rows
from mutewatch.store import Store
from tests.s20_measure.s20m_store import build_store, every

START = datetime(2016, 1, 4)
FIRST = START + timedelta(days=7)
SECOND = START + timedelta(days=15)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North posts every 2 hours for four weeks, with a gap of 13 h 07 min (13.1167 h) and
    one of 50 h 05 min (50.0833 h): neither is a whole number of tenths of an hour."""
    times = every(START, START + timedelta(days=28), 2)
    for cut, hours, minutes in ((FIRST, 13, 7), (SECOND, 50, 5)):
        times = [t for t in times if not cut < t <= cut + timedelta(hours=hours + 1)]
        times.append(cut + timedelta(hours=hours, minutes=minutes))
    return build_store(tmp_path_factory.mktemp("s20-ends"), {"North": times})


def _table(store: Path) -> list[dict[str, object]]:
    with Store.open(store, read_only=True) as opened:
        built = charts.build(opened)
    _, rows = chart_rows(built.figures["silences"], "silences")
    return rows


def test_the_chart_table_ends_each_silence_at_its_closing_post(store: Path) -> None:
    rows = _table(store)
    spans = {(str(r["outlet"]), r["start"], r["end"]) for r in rows}
    first, second = FIRST, SECOND
    assert ("network: all official outlets", first, first + timedelta(hours=13, minutes=7)) in (
        spans
    ), sorted(spans)
    assert ("Outlet North", second, second + timedelta(hours=50, minutes=5)) in spans, sorted(spans)
    hours = {(str(r["outlet"]), r["start"]): r["hours"] for r in rows}
    assert hours["network: all official outlets", first] == 13.1  # the label stays rounded
    assert hours["Outlet North", second] == 50.1


def test_the_chart_table_and_silences_agree_to_the_minute(store: Path) -> None:
    network = run_measurement(
        "silences", store, scope="network", min_hours=12, with_coordinated=False
    )
    measured = {s["start"][:16]: s["end"][:16] for s in network["silences"]}
    shown = {
        r["start"].strftime("%Y-%m-%dT%H:%M"): r["end"].strftime("%Y-%m-%dT%H:%M")  # type: ignore[attr-defined]
        for r in _table(store)
        if str(r["outlet"]).startswith("network")
    }
    assert shown and shown == measured
