"""A registry may give a Telegram channel's id as the Bot API and Telethon write it.

Telegram Desktop exports give a chat's bare id (``2300000001``); bots, Telethon and most
channel lists give a channel as ``-100`` before it (``-1002300000001``). A registry written
that way matched no account: the official outlet got no post, its channel stood as its own
non-official outlet, and nothing said so (``outlets load``: "0 official ... posts
attributed"). Synthetic chat: made-up names, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

CHAT_ID = 2300000001


def _export(path: Path) -> Path:
    messages = [
        {
            "id": i,
            "type": "message",
            "date": "2024-03-01T10:00:00",
            "date_unixtime": str(1709287200 + 3600 * i),
            "from": "Sample Channel Ids",
            "from_id": f"channel{CHAT_ID}",
            "text": f"placeholder {i}",
            "text_entities": [{"type": "plain", "text": f"placeholder {i}"}],
        }
        for i in (1, 2, 3)
    ]
    chat = {"name": "Sample Channel Ids", "type": "public_channel", "id": CHAT_ID}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**chat, "messages": messages}, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "given", [f'"-100{CHAT_ID}"', f"-100{CHAT_ID}", f'"{CHAT_ID}"'], ids=["text", "int", "bare"]
)
def test_bot_api_channel_id_matches_the_exported_chat(tmp_path: Path, given: str) -> None:
    export = _export(tmp_path / "chat" / "result.json")
    registry = tmp_path / "outlets.yaml"
    registry.write_text(
        "outlets:\n"
        '  - {name: "Outlet Ids", official: true, accounts: '
        f"[{{platform: telegram, id: {given}}}]}}\n",
        encoding="utf-8",
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [export], IngestOptions(tz="UTC"))
        load_registry(store, registry)
        status = store.status()
        outlets = store.rows("SELECT name, official, registered FROM outlets ORDER BY name")
    # old code with a -100 id: 0 official posts, and "Sample Channel Ids" as its own outlet
    assert (status["official_posts"], status["supporter_posts"]) == (3, 0)
    assert outlets == [{"name": "Outlet Ids", "official": True, "registered": True}]
