"""The report's and dashboard's source table tells the sources apart.

Every Telegram Desktop export is a ``result.json``; the "Data coverage and quarantine"
section showed each source by its file name alone, so the demo's 49 sources were 49 rows of
``result.json`` and no reader could tell which export held the quarantined records. Now a
source shows as many of the folders above its file as tell it apart from the others
(``province_03_media_office/result.json``), never the folders all of them share.
Synthetic chats: made-up names, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.show import charts
from mutewatch.store import Store


def _export(path: Path, chat_id: int) -> Path:
    message = {
        "id": 1,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": str(1709287200 + chat_id % 7),
        "text": "placeholder",
        "text_entities": [],
    }
    chat = {"name": f"Sample {chat_id}", "type": "public_channel", "id": chat_id}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**chat, "messages": [message]}, indent=1), encoding="utf-8")
    return path


def test_sources_named_by_the_folders_that_tell_them_apart(tmp_path: Path) -> None:
    exports = tmp_path / "deep" / "exports"
    paths = [
        _export(exports / "channel_one" / "result.json", 2500000001),
        _export(exports / "channel_two" / "result.json", 2500000002),
        _export(exports / "left" / "DataExport" / "result.json", 2500000003),
        _export(exports / "right" / "DataExport" / "result.json", 2500000004),
    ]
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, paths, IngestOptions(tz="UTC"))
        figure, rows = charts.coverage(store)
    # old code: four rows of "result.json"
    assert sorted(r["path"] for r in rows) == [
        "channel_one/result.json",
        "channel_two/result.json",
        "left/DataExport/result.json",
        "right/DataExport/result.json",
    ]
    assert not any(str(tmp_path) in r["path"] or "exports" in r["path"] for r in rows)
    bars = sorted(str(y).split(" ", 1)[1] for y in figure.data[0].y)
    assert bars == sorted(r["path"] for r in rows)


def test_a_lone_source_and_repeated_paths_keep_the_file_name() -> None:
    assert charts.source_labels(["/home/someone/x/result.json"]) == ["result.json"]
    same = ["/home/someone/x/result.json"] * 2
    assert charts.source_labels(same) == ["result.json", "result.json"]
