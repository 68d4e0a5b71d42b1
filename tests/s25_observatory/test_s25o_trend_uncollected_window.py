"""Network ``trend`` over a window no source collected gives no rate.

``trend --from 2017-01-01 --to 2017-02-28`` on an archive of January 2016 zero-filled the
59 days and printed "Latest 28-day rate to 2017-02-28: 0.00 a day [0.00, 0.13]" (JSON:
per_day 0.0 over the series, each month and 32 rolling windows) beside the warning that
nothing there was collected. Now nothing is measured: per_day null, no rolling rate, and
the note "not measured: the window holds no collected day". A window partly covered is
still cut to the covered days (``status.clip_dates``), as documented.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from tests.s17_measure.conftest import ingest_rows

NOTE = "not measured: the window holds no collected day"
ROWS = [(f"2016-01-{day:02d}", "placeholder") for day in range(4, 29)]


def _trend(store: Path, first: str, last: str, *json_flag: str) -> Any:
    args = ["--store", str(store), "trend", "--of", "all", "--from", first, "--to", last]
    result = CliRunner().invoke(main, [*args, *json_flag])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if json_flag else result.output


@pytest.mark.parametrize("window", [("2017-01-01", "2017-02-28"), ("2015-01-01", "2015-02-01")])
def test_a_window_without_a_collected_day_has_no_rate(
    tmp_path: Path, window: tuple[str, str]
) -> None:
    store = ingest_rows(tmp_path, ROWS)
    found = _trend(store, *window, "--json")
    assert found["series"]["per_day"] is None
    assert found["rolling"] == [] and found["change_points"] == []
    assert all(p["per_day"] is None for p in found["periods"])
    assert any(NOTE in n for n in found["notes"])
    assert any("lies wholly outside" in w for w in found["warnings"])
    text = _trend(store, *window)
    assert f"Note: {NOTE}" in text
    assert "a day [" not in text and "0.00 a day" not in text


def test_a_window_partly_covered_is_measured_on_its_covered_days(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, ROWS)
    found = _trend(store, "2016-01-10", "2016-02-28", "--json")
    assert found["series"]["start"] == "2016-01-10" and found["series"]["end"] == "2016-01-28"
    assert found["series"]["per_day"] == 1.0
    assert not any(NOTE in n for n in found.get("notes", []))
