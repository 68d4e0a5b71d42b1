"""Message-id gaps are computed for every touched channel in one statement: the gaps of many
channels refreshed together equal each channel's refreshed alone, and a channel's gaps
follow its own posts, service messages and timestamps only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store, writer

# per chat: the message ids it holds; the ids missing between them are its gaps
CHAT_IDS = {0: [1, 2, 5, 9], 1: [3, 4], 2: [10, 20, 21, 30], 3: [7]}
SERVICE_ID = 7  # chat 2's id 7 is a service message: no post, but it bounds gaps


def _message(chat: int, message_id: int) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "message",
        "date": f"2023-05-{1 + message_id % 28:02d}T10:00:00",
        "date_unixtime": str(1682935200 + message_id * 86400),
        "from": f"Outlet {chat}",
        "from_id": f"channel{1000 + chat}",
        "text": "placeholder",
        "text_entities": [],
    }


def _service(chat: int, message_id: int) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "service",
        "date": "2023-05-08T10:00:00",
        "date_unixtime": str(1682935200 + message_id * 86400),
        "actor": f"Outlet {chat}",
        "actor_id": f"channel{1000 + chat}",
        "action": "pin_message",
        "text": "",
        "text_entities": [],
    }


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    chats = []
    for chat, ids in CHAT_IDS.items():
        messages = [_message(chat, i) for i in ids]
        if chat == 2:
            messages.insert(1, _service(chat, SERVICE_ID))
        chats.append(
            {"name": f"Outlet {chat}", "type": "public_channel", "id": 1000 + chat,
             "messages": messages}
        )  # fmt: skip
    export = tmp_path / "result.json"
    export.write_text(json.dumps({"about": "x", "chats": {"about": "x", "list": chats}}))
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        ingest(store, [export], IngestOptions())
    return path


def _gaps(path: Path) -> list[tuple[Any, ...]]:
    with Store.open(path) as store, store.transaction() as con:
        return con.execute("SELECT * FROM id_gaps ORDER BY ALL").fetchall()


def _accounts(path: Path) -> list[tuple[str, str]]:
    with Store.open(path) as store, store.transaction() as con:
        rows = con.execute("SELECT DISTINCT platform, account_id FROM posts ORDER BY ALL")
        return [(str(p), str(a)) for p, a in rows.fetchall()]


def test_each_channels_gaps_are_its_own(store_path: Path) -> None:
    gaps = {(row[1], row[2], row[3], row[4]) for row in _gaps(store_path)}
    assert gaps == {
        ("1000", 2, 5, 2),
        ("1000", 5, 9, 3),
        ("1002", SERVICE_ID, 10, 2),  # the service message bounds a gap, is none
        ("1002", 10, 20, 9),
        ("1002", 21, 30, 8),
    }


def test_channels_refreshed_together_equal_each_refreshed_alone(store_path: Path) -> None:
    accounts = _accounts(store_path)
    assert len(accounts) == len(CHAT_IDS)
    together = _gaps(store_path)
    with Store.open(store_path) as store, store.transaction() as con:
        con.execute("DELETE FROM id_gaps")
        for account in accounts:
            writer.refresh_id_gaps(con, [account])
    assert _gaps(store_path) == together
    with Store.open(store_path) as store, store.transaction() as con:
        con.execute("UPDATE id_gaps SET missing = -1")  # stale rows must all be replaced
        writer.refresh_id_gaps(con, accounts)
    assert _gaps(store_path) == together


def test_refreshing_some_channels_leaves_the_others_alone(store_path: Path) -> None:
    accounts = _accounts(store_path)
    with Store.open(store_path) as store, store.transaction() as con:
        con.execute("UPDATE id_gaps SET missing = -1")
        writer.refresh_id_gaps(con, accounts[:1])
        writer.refresh_id_gaps(con, [])
        stale = con.execute(
            "SELECT DISTINCT account_id FROM id_gaps WHERE missing = -1 ORDER BY 1"
        ).fetchall()
    assert accounts[0][1] == "1000"
    assert [a for (a,) in stale] == ["1002"]
