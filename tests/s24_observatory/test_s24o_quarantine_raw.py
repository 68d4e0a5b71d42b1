"""A Telegram message quarantined by the fast reader keeps its own JSON.

A message that decodes but has no readable time (no ``date_unixtime`` and a local ``date``
that never happened in ``--tz``, or none at all) was quarantined with its decoded fields
re-encoded: every field mutewatch does not read (``text_entities``, ``reactions``, ...) was
gone and the fields it reads but the message lacks read ``null`` (``"date_unixtime": null``),
so the record could not be repaired from the quarantine; a message of a block that failed
to decode kept its bytes. Now both keep the message as the file holds it. Synthetic chat:
made-up names, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store


def _message(ident: int, **fields: Any) -> dict[str, Any]:
    text = f"placeholder {ident}"
    return {
        "id": ident,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": str(1709287200 + 60 * ident),
        "from": "Sample Channel Raw",
        "from_id": "channel2600000001",
        "text": text,
        "text_entities": [{"type": "plain", "text": text}],
        **fields,
    }


def test_quarantined_message_keeps_the_bytes_of_the_file(tmp_path: Path) -> None:
    gap = _message(2, date="2024-03-31T02:30:00", reactions=[{"type": "emoji", "count": 2}])
    del gap["date_unixtime"]  # local time only, inside Berlin's spring-forward gap
    undated = _message(4)
    del undated["date_unixtime"], undated["date"]
    messages = [_message(1), gap, _message(3), undated, _message(5)]
    chat = {"name": "Sample Channel Raw", "type": "public_channel", "id": 2600000001}
    path = tmp_path / "chat" / "result.json"
    path.parent.mkdir()
    path.write_text(json.dumps({**chat, "messages": messages}, indent=1), encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], IngestOptions(tz="Europe/Berlin"))
        rows = store.rows("SELECT position, raw FROM quarantine ORDER BY position")
    assert (report.read, report.new, report.quarantined) == (5, 3, 2)
    assert [r["position"] for r in rows] == [1, 3]
    # old code: {"id": 2, ..., "date_unixtime": null, "edited_unixtime": null, ...}
    # without text_entities or reactions
    assert [json.loads(r["raw"]) for r in rows] == [gap, undated]
    assert rows[0]["raw"] in path.read_text(encoding="utf-8")  # the file's own bytes
