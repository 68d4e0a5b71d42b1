"""The report's stacked count charts (output by outlet, by medium; links by host class) are
zero-filled over their buckets: an outlet with no release in a month had no point there,
so its data-table cell was empty where the heatmap of the same report, and `output`, say 0
(an empty cell reads as 'not known', not 'nothing posted')."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from mutewatch.outlets import load_registry
from mutewatch.show import charts
from mutewatch.show.report import chart_rows
from mutewatch.store import Store
from tests.measure_s8.conftest import build, every

REGISTRY = """outlets:
  - name: Outlet North
    official: true
    accounts: [{platform: web, id: north}]
  - name: Outlet South
    official: true
    accounts: [{platform: web, id: south}]
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North posts every 12 hours from January to June 2016; South the same but not in
    March or April (a gap of 61 days, 7 whole weeks)."""
    folder = tmp_path_factory.mktemp("s16-zero")
    north = every(datetime(2016, 1, 1), datetime(2016, 6, 30, 12), 12)
    south = [t for t in north if t.month not in (3, 4)]
    path = build(folder, [{"north": north, "south": south}], platform="web")
    (folder / "outlets.yaml").write_text(REGISTRY)
    with Store.open(path) as opened:
        load_registry(opened, folder / "outlets.yaml")
    return path


def test_a_week_without_releases_reads_zero_in_the_table(store: Path) -> None:
    with Store.open(store, read_only=True) as opened:
        built = charts.build(opened)
    assert built.bucket == "week"  # half a year of posts
    columns, rows = chart_rows(built.figures["output_by_outlet"], "output_by_outlet")
    assert columns == ["period", "Outlet North", "Outlet South"]
    south = {str(r["period"])[:10]: r.get("Outlet South") for r in rows}
    assert len(south) == 27 and all(isinstance(n, int) for n in south.values()), south
    quiet = [w for w, n in south.items() if "2016-03-07" <= w <= "2016-04-18"]
    assert len(quiet) == 7 and all(south[w] == 0 for w in quiet)
    assert south["2016-02-29"] == 2 and sum(south.values()) == 2 * (182 - 61)
    columns, rows = chart_rows(built.figures["heatmap"], "heatmap")
    (heat,) = [r for r in rows if r["outlet"] == "Outlet South"]
    assert heat["2016-03"] == 0 == heat["2016-04"]


def test_active_outlets_fall_to_zero_in_a_week_without_releases(tmp_path: Path) -> None:
    """North alone, quiet from March to April: the active-outlets line has a 0 in each quiet
    week, where it had no point and its step held 1 across them."""
    times = every(datetime(2016, 1, 1), datetime(2016, 6, 30, 12), 12)
    path = build(tmp_path, [{"north": [t for t in times if t.month not in (3, 4)]}], "web")
    (tmp_path / "outlets.yaml").write_text(REGISTRY)
    with Store.open(path) as opened:
        load_registry(opened, tmp_path / "outlets.yaml")
        built = charts.build(opened)
    (line,) = built.figures["active_outlets"].data
    active = {str(x)[:10]: y for x, y in zip(line.x, line.y, strict=True)}
    assert len(active) == 27 and active["2016-03-07"] == 0 == active["2016-04-18"]
    assert sorted(w for w, n in active.items() if n == 0) == [
        "2016-03-07", "2016-03-14", "2016-03-21", "2016-03-28", "2016-04-04", "2016-04-11",
        "2016-04-18",
    ]  # fmt: skip
    assert set(active.values()) == {0, 1}
