"""The findings' words: the coordinated-silence sentence of one window read 'the longest
of 1 such window', and output that first rose from nothing 'resumed'."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from mutewatch.measure.findings import coordinated_sentence
from mutewatch.measure.registry import run_measurement
from mutewatch.outlets import load_registry
from mutewatch.store import Store
from tests.measure_s8.conftest import build, every

REGISTRY = """outlets:
  - name: Outlet North
    official: true
    accounts: [{platform: web, id: north}]
"""


def _window(start: str, end: str, hours: float, silent: int) -> dict[str, Any]:
    return {"start": start, "end": end, "hours": hours, "max_silent": silent}


def test_one_window_is_the_only_one_and_several_name_their_number() -> None:
    one = _window("2016-03-01T06:00:00Z", "2016-03-02T06:00:00Z", 24.0, 3)
    other = _window("2016-04-01T06:00:00Z", "2016-04-01T18:00:00Z", 12.0, 2)
    found = coordinated_sentence({"k": 2, "n": 3, "windows": [one]}, "all", 12.0)
    assert found is not None and found["numbers"]["windows"] == 1
    assert found["sentence"].endswith("(up to 3 at the same time), the only such window."), found[
        "sentence"
    ]
    found = coordinated_sentence({"k": 2, "n": 3, "windows": [other, one]}, "all", 12.0)
    assert found is not None and found["numbers"]["windows"] == 2
    assert found["sentence"].endswith(
        "(up to 3 at the same time), the longest of 2 such windows."
    ), found["sentence"]


def test_output_that_starts_mid_series_began_and_did_not_resume(tmp_path: Path) -> None:
    """An official outlet first posting on 2016-02-01, a month into the archive: its first
    change point rises from 0.0 a day with no post before it in the series, which the
    sentence called 'resumed on 2016-02-01 from 0.0 to 3.0 a day'."""
    supporter = every(datetime(2016, 1, 1, 12), datetime(2016, 3, 31, 12), 24)
    north = every(datetime(2016, 2, 1), datetime(2016, 3, 31, 16), 8)
    store = build(tmp_path, [{"other": supporter, "north": north}], platform="web")
    (tmp_path / "outlets.yaml").write_text(REGISTRY)
    with Store.open(store) as opened:
        load_registry(opened, tmp_path / "outlets.yaml")
    result = run_measurement("findings", store, baseline="2016-01", period="2016-03")
    (item,) = [f for f in result["findings"] if f["kind"] == "change_points"]
    assert [c["at"] for c in item["numbers"]["change_points"]] == ["2016-02-01"]
    assert item["sentence"].startswith(
        "Official output began on 2016-02-01 at 3.0 a day, with no post before it, the only "
        "change point found in the daily series from 2016-01-01 to 2016-03-31."
    ), item["sentence"]
    assert "resumed" not in item["sentence"]
