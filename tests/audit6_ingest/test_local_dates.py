"""A Telegram ``date`` read in --tz (only when date_unixtime is missing) that falls in a
daylight-saving change: a wall time that never happened is quarantined with the reason; one
that happened twice is stored at the earlier instant, flagged time_from_local."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

DATES = {
    1: "2024-03-31T01:30:00",  # before the spring gap: 00:30 UTC
    2: "2024-03-31T02:30:00",  # inside the gap (02:00-03:00 never happened in Berlin)
    3: "2024-10-27T02:30:00",  # inside the overlap: 00:30 UTC (CEST) and 01:30 UTC (CET)
    4: "2024-10-27T03:30:00",  # after it: 02:30 UTC
}


def _export(path: Path, pretty: bool) -> Path:
    messages = [
        {"id": i, "type": "message", "date": d, "from": "Chan", "from_id": "channel77", "text": "x"}
        for i, d in DATES.items()
    ]
    doc = {"name": "Chan", "type": "public_channel", "id": 77, "messages": messages}
    path.write_text(json.dumps(doc, indent=1 if pretty else None), encoding="utf-8")
    return path


@pytest.mark.parametrize("pretty", [True, False], ids=["block reader", "streaming reader"])
def test_dst_gap_is_quarantined_and_overlap_takes_the_earlier_instant(
    tmp_path: Path, pretty: bool
) -> None:
    export = _export(tmp_path / "result.json", pretty)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [export], IngestOptions(tz="Europe/Berlin"))
        assert (report.read, report.new, report.quarantined) == (4, 3, 1)
        posts = store.rows("SELECT message_id, ts, time_from_local FROM posts ORDER BY 1")
        assert [(p["message_id"], p["ts"], p["time_from_local"]) for p in posts] == [
            (1, datetime(2024, 3, 31, 0, 30), True),
            (3, datetime(2024, 10, 27, 0, 30), True),
            (4, datetime(2024, 10, 27, 2, 30), True),
        ]
        (reason,) = [q["reason"] for q in store.quarantine()]
    assert "2024-03-31T02:30:00 never happened in Europe/Berlin" in reason
    assert "check --tz" in reason
