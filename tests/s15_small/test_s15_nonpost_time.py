"""An id that is not a post (service message, quarantined record) given more than once keeps
its earliest known time in nonpost_ids, whatever the order of the records in a file, of the
files, or DuckDB's threads: the time bounds the id gaps (after_ts, before_ts), so the same
files must give the same gaps. The old INSERT OR IGNORE kept whichever row DuckDB met first:
a quarantined record without a time hid a later one's, and the first file read won."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

CHAT = 1000
BASE = 1682935200  # 2023-05-01 10:00 UTC


def _day(day: int) -> datetime:
    return datetime(2023, 5, day, 10)


def _post(message_id: int, day: int) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "message",
        "date": f"2023-05-{day:02d}T10:00:00",
        "date_unixtime": str(BASE + (day - 1) * 86400),
        "from": "Outlet",
        "from_id": f"channel{CHAT}",
        "text": f"placeholder {message_id}",
        "text_entities": [],
    }


def _service(message_id: int, day: int | None) -> dict[str, Any]:
    """A service message; without a day it has no time and is quarantined."""
    return {
        "id": message_id,
        "type": "service",
        "date": "" if day is None else f"2023-05-{day:02d}T10:00:00",
        **({} if day is None else {"date_unixtime": str(BASE + (day - 1) * 86400)}),
        "actor": "Outlet",
        "actor_id": f"channel{CHAT}",
        "action": "pin_message",
        "text": "",
        "text_entities": [],
    }


def _export(folder: Path, messages: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    chat = {"name": "Outlet", "type": "public_channel", "id": CHAT, "messages": messages}
    path = folder / "result.json"
    path.write_text(json.dumps({"about": "x", "chats": {"about": "x", "list": [chat]}}))
    return path


def _ingest(path: Path, exports: list[Path], threads: int = 1) -> tuple[list[Any], list[Any]]:
    with Store.open(path) as store:
        store.con.execute(f"SET threads = {threads}")
        ingest(store, exports, IngestOptions())
        nonpost = store.con.execute(
            "SELECT message_id, ts FROM nonpost_ids ORDER BY ALL"
        ).fetchall()
        gaps = store.con.execute(
            "SELECT after_id, before_id, after_ts, before_ts FROM id_gaps ORDER BY ALL"
        ).fetchall()
    return nonpost, gaps


# id 5: no time, then day 9, then day 3; id 6: day 4, then day 8
ONE_FILE = [
    _post(1, 1),
    _service(5, None),
    _service(5, 9),
    _service(5, 3),
    _service(6, 4),
    _service(6, 8),
    _post(10, 20),
]
NONPOST = [(5, _day(3)), (6, _day(4))]
GAPS = [(1, 5, _day(1), _day(3)), (6, 10, _day(4), _day(20))]


@pytest.mark.parametrize("threads", [1, 8])
def test_repeated_id_keeps_its_earliest_time(tmp_path: Path, threads: int) -> None:
    export = _export(tmp_path / "export", ONE_FILE)
    for run in range(3):
        nonpost, gaps = _ingest(tmp_path / f"store{run}.duckdb", [export], threads)
        assert nonpost == NONPOST
        assert gaps == GAPS


def test_same_times_whatever_the_order_of_files(tmp_path: Path) -> None:
    # the same id 5 in three files: without a time, at day 9, at day 3
    exports = [
        _export(tmp_path / name, [_post(1, 1), _service(5, day), _post(10, 20)])
        for name, day in (("untimed", None), ("late", 9), ("early", 3))
    ]
    expected = ([(5, _day(3))], [(1, 5, _day(1), _day(3)), (5, 10, _day(3), _day(20))])
    for n, order in enumerate(itertools.permutations(exports)):
        assert _ingest(tmp_path / f"store{n}.duckdb", list(order)) == expected, order
