"""A full-account export's own conversations are no outlets.

Telegram Desktop's full-account export holds, beside channels and groups, the exporting
account's one-to-one chats with people (``personal_chat``) and with bots (``bot_chat``), its
Saved Messages and the Replies chat. They were read as channels: each became a non-official
outlet, its messages (the researcher's own among them) "supporter posts" in ``status``,
``--of supporter|all`` and the supporters' share (the export below: 6 posts, 5 of them the
exporter's own conversations). Now their messages are counted as skipped (``chat:<type>``)
and nothing of them is stored. Synthetic export: made-up names, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

T = 1709287200  # 2024-03-01T10:00:00Z


def _message(ident: int, offset: int, sender: str) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": str(T + offset),
        "from": sender,
        "from_id": "user1",
        "text": f"placeholder {ident}",
        "text_entities": [],
    }


def _export(path: Path, minified: bool) -> Path:
    chats = [
        {"type": "saved_messages", "id": 1, "messages": [_message(1, 0, "Demo")]},
        {"type": "replies", "id": 2, "messages": [_message(1, 60, "Demo")]},
        {
            "name": "Sample Contact",
            "type": "personal_chat",
            "id": 55,
            "messages": [_message(1, 100, "Sample Contact"), _message(2, 200, "Demo")],
        },
        {"name": "Sample Bot", "type": "bot_chat", "id": 66, "messages": [_message(1, 300, "x")]},
        {
            "name": "Sample Channel",
            "type": "public_channel",
            "id": 2400000001,
            "messages": [_message(5, 400, "Sample Channel")],
        },
    ]
    export = {
        "about": "placeholder",
        "personal_information": {"user_id": 1, "first_name": "Demo", "last_name": ""},
        "chats": {"about": "placeholder", "list": chats},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(export, separators=(",", ":")) if minified else json.dumps(export, indent=1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("minified", [False, True], ids=["fast", "streaming"])
def test_own_conversations_are_skipped_and_not_stored(tmp_path: Path, minified: bool) -> None:
    export = _export(tmp_path / "DataExport" / "result.json", minified)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [export], IngestOptions(tz="UTC"))
        # old code: new 6, skipped 0 (before the bot chat was skipped too: new 2, skipped 4)
        assert (report.read, report.new, report.duplicates, report.quarantined) == (6, 1, 0, 0)
        assert report.skipped == 5
        status = store.status()
        # no registry: the channel stands as its own (supporter) outlet
        assert (status["posts"], status["supporter_posts"], status["skipped"]) == (1, 1, 5)
        accounts = store.rows("SELECT account_id FROM accounts ORDER BY account_id")
        assert [a["account_id"] for a in accounts] == ["2400000001"]
        outlets = store.rows("SELECT name FROM outlets ORDER BY name")
        assert [o["name"] for o in outlets] == ["Sample Channel"]
        for table in ("account_names", "nonpost_ids", "posts"):
            left = store.scalar(
                f"SELECT count(*) FROM {table} WHERE account_id IN ('1', '2', '55', '66')"
            )
            assert left == 0, table


@pytest.mark.parametrize("minified", [False, True], ids=["fast", "streaming"])
def test_a_single_bot_chat_export_is_skipped(tmp_path: Path, minified: bool) -> None:
    chat = {
        "name": "Sample Bot",
        "type": "bot_chat",
        "id": 66,
        "messages": [_message(1, 0, "Demo"), _message(2, 60, "Sample Bot")],
    }
    path = tmp_path / "ChatExport" / "result.json"
    path.parent.mkdir(parents=True)
    text = json.dumps(chat, separators=(",", ":")) if minified else json.dumps(chat, indent=1)
    path.write_text(text, encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], IngestOptions(tz="UTC"))
        # old code: new 2, skipped 0
        assert (report.read, report.new, report.skipped, report.quarantined) == (2, 0, 2, 0)
        for table in ("accounts", "account_names", "outlets", "posts"):
            assert store.scalar(f"SELECT count(*) FROM {table}") == 0, table
        assert store.status()["skipped"] == 2
