"""Telegram exports whose damage still parses as JSON: every bad record is quarantined with
its reason, nothing good is lost, and read = new + duplicates + quarantined + skipped, in
both readers (Telegram's pretty layout: the fast reader; minified: the streaming one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

Layout = str
LAYOUTS = ("pretty", "minified")


def _msg(i: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": i,
        "type": "message",
        "date": "2020-01-01T00:00:00",
        "date_unixtime": str(1_577_836_800 + i * 60),
        "from": "Placeholder",
        "from_id": "channel1",
        "text": f"placeholder {i}",
    }
    base.update(fields)
    return base


def _chat(ident: Any, messages: Any) -> dict[str, Any]:
    return {"name": "Placeholder", "type": "public_channel", "id": ident, "messages": messages}


def _ingest(tmp_path: Path, export: Any, layout: Layout) -> tuple[Store, Any]:
    folder = tmp_path / layout
    folder.mkdir()
    path = folder / "result.json"
    if layout == "pretty":
        path.write_text(json.dumps(export, indent=1))
    else:
        path.write_text(json.dumps(export, separators=(",", ":")))
    store = Store.open(folder / "store.duckdb")
    report = ingest(store, [path], IngestOptions())
    assert report.read == report.new + report.duplicates + report.quarantined + report.skipped
    return store, report


def _quarantine(store: Store) -> list[tuple[int, str, str]]:
    rows = store.con.execute(
        "SELECT q.position, q.reason, s.path FROM quarantine q JOIN sources s USING (source_id) "
        "ORDER BY q.position"
    ).fetchall()
    return [(int(p), str(r), str(s)) for p, r, s in rows]


def _message_ids(store: Store) -> list[int]:
    rows = store.con.execute("SELECT message_id FROM posts ORDER BY message_id").fetchall()
    return [int(r[0]) for r in rows]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_bool_id_is_quarantined_not_a_crash(tmp_path: Path, layout: Layout) -> None:
    store, report = _ingest(tmp_path, _chat(1, [_msg(1), _msg(True), _msg(3)]), layout)
    assert _message_ids(store) == [1, 3]
    [(position, reason, _)] = _quarantine(store)
    assert position == 1 and "id" in reason


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("value", [{"a": 1}, "oops", 5, None, True])
def test_messages_that_are_not_a_list_are_one_quarantined_record(
    tmp_path: Path, layout: Layout, value: Any
) -> None:
    store, report = _ingest(tmp_path, _chat(1, value), layout)
    assert (report.read, report.quarantined, report.new) == (1, 1, 0)
    [(position, reason, path)] = _quarantine(store)
    assert position == 0 and "messages" in reason and "not a list" in reason
    assert path.endswith("result.json")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_chat_without_a_usable_id_quarantines_its_messages_and_others_are_read(
    tmp_path: Path, layout: Layout
) -> None:
    export = {
        "chats": {
            "list": [
                _chat(1, [_msg(1), _msg(2)]),
                _chat(1.5, [_msg(5), _msg(6)]),
                _chat(True, [_msg(7)]),
                _chat({"x": 1}, [_msg(8)]),
                _chat(3, [_msg(9)]),
            ]
        }
    }
    store, report = _ingest(tmp_path, export, layout)
    assert _message_ids(store) == [1, 2, 9]
    assert (report.read, report.new, report.quarantined) == (7, 3, 4)
    rows = _quarantine(store)
    assert [p for p, _, _ in rows] == [2, 3, 4, 5]
    assert all("no usable id" in reason for _, reason, _ in rows)
    assert "1.5" in rows[0][1] and "true" in rows[2][1].lower()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_chat_list_entries_that_are_not_chats_are_quarantined(
    tmp_path: Path, layout: Layout
) -> None:
    export = {
        "chats": {
            "list": ["x", _chat(2, [_msg(1)]), 5, _chat(3, {"a": _msg(4)}), _chat(4, [_msg(6)])]
        }
    }
    store, report = _ingest(tmp_path, export, layout)
    assert _message_ids(store) == [1, 6]
    assert (report.read, report.new, report.quarantined) == (5, 2, 3)
    reasons = [reason for _, reason, _ in _quarantine(store)]
    assert [p for p, _, _ in _quarantine(store)] == [0, 2, 3]
    assert "not a chat" in reasons[0] and "not a chat" in reasons[1]
    assert "not a list" in reasons[2]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    "export", [{"chats": "x"}, {"chats": {"list": 7}}, {"left_chats": None, "chats": {"list": []}}]
)
def test_a_chats_key_of_the_wrong_type_is_quarantined(
    tmp_path: Path, layout: Layout, export: Any
) -> None:
    store, report = _ingest(tmp_path, export, layout)
    assert (report.read, report.quarantined) == (1, 1)
    [(_, reason, _)] = _quarantine(store)
    assert "chats" in reason


@pytest.mark.parametrize("layout", LAYOUTS)
def test_both_readers_give_the_same_records(tmp_path: Path, layout: Layout) -> None:
    export = {"chats": {"list": [_chat(2, [_msg(1), "x", _msg(3, date=5)]), None]}}
    store, report = _ingest(tmp_path, export, layout)
    assert _message_ids(store) == [1]
    assert [p for p, _, _ in _quarantine(store)] == [1, 2, 3]
