"""Large damaged records read among joined Telegram chats count toward the byte bound.

The fast Telegram reader joins the rows of consecutive small chats into one PostBatch until
it holds ``telegram.FLUSH_ROWS`` records or ``telegram.FLUSH_BYTES`` of JSON. Records read
while rows are held travel in that batch's ``others``: quarantined messages, which carry
their whole raw text, and the posts of a block that failed to decode, read one by one.
They counted toward the row bound only, so a run of large damaged messages after a small
chat grew one batch far past the byte bound (up to FLUSH_ROWS of them). These tests hold
each joined batch to the byte bound, and what is stored, quarantined and counted to the
same file read one batch per block (``FLUSH_ROWS = 1``, no joining).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import telegram
from mutewatch.model import Post, PostBatch, Quarantined
from tests.s14_chats.test_s14c_many_chats import _exact, _ingest, _tables, _write
from tests.s15_chats.test_s15_joined_chats import _flat

BIG = 8 << 10  # the text of a large message
WALL = {"started_at", "finished_at"}
COUNTS = ("read", "new", "duplicates", "quarantined", "skipped")


def _message(chat: int, n: int, text: str, ident: Any = None) -> dict[str, Any]:
    return {
        "id": n if ident is None else ident,
        "type": "message",
        "date_unixtime": str(1_600_000_000 + chat * 1000 + n),
        "from": f"Sample Chat {chat}",
        "from_id": f"channel{5000 + chat}",
        "text": text,
    }


def _chat(chat: int, messages: list[dict[str, Any]], ident: Any = None) -> dict[str, Any]:
    return {
        "name": f"Sample Chat {chat}",
        "type": "public_channel",
        "id": 5000 + chat if ident is None else ident,
        "messages": messages,
    }


def _small(chat: int) -> dict[str, Any]:
    return _chat(chat, [_message(chat, n, f"item {chat} {n} lorem") for n in (1, 2)])


def _damaged(chat: int, count: int) -> dict[str, Any]:
    """A chat whose every other message has an unreadable id: its block fails to decode,
    so its records are read one by one (quarantined, or posts)."""
    text = "lorem " * (BIG // 6)
    bad = ["x" if n % 2 else None for n in range(count)]
    return _chat(chat, [_message(chat, n, f"item {n} {text}", bad[n]) for n in range(count)])


def _no_id(chat: int, count: int) -> dict[str, Any]:
    """A chat with an empty id: each of its messages is quarantined whole."""
    text = "ipsum " * (BIG // 6)
    return _chat(chat, [_message(chat, n, f"item {n} {text}") for n in range(count)], "")


def _export(tmp_path: Path, count: int) -> Path:
    chats = [_small(0), _damaged(1, count), _small(2), _no_id(3, count), _small(4)]
    return _write(tmp_path / "account" / "result.json", chats)


def _weight(record: Any) -> int:
    if isinstance(record, Quarantined):
        return len(record.raw.encode())
    return len(record.text.encode()) if isinstance(record, Post) else 0


def _read(path: Path) -> list[Any]:
    with path.open("rb") as fh:
        return list(telegram.read(fh, path))


@pytest.mark.parametrize("flush_bytes", [64 << 10, None])
def test_a_joined_batch_of_large_damaged_records_leaves_by_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flush_bytes: int | None
) -> None:
    """Small chats around a chat of damaged messages and a chat with no id, 8 KiB each:
    every joined batch holds under FLUSH_BYTES of records before its last one (one batch
    of about 0.5 MB at a 64 KiB bound, or 10 MB at the default 4 MiB, before)."""
    if flush_bytes is not None:
        monkeypatch.setattr(telegram, "FLUSH_BYTES", flush_bytes)
    bound = telegram.FLUSH_BYTES
    count = 2 * (bound // BIG) + 20  # well past the bound, far under FLUSH_ROWS
    path = _export(tmp_path, count)
    joined = _read(path)
    batches = [i for i in joined if isinstance(i, PostBatch)]
    held = [sum(_weight(r) for r in b.others[:-1]) for b in batches]
    assert batches
    assert max(held) < bound, (bound, held)
    assert sum(_weight(r) for b in batches for r in b.others) > 0  # records did join
    quarantined = [r for r in _flat(joined) if isinstance(r, Quarantined)]
    assert len(quarantined) == count // 2 + count  # the damaged half, the chat with no id
    monkeypatch.setattr(telegram, "FLUSH_ROWS", 1)  # one batch per block: no joining
    assert _flat(joined) == _flat(_read(path))


def test_joined_by_bytes_the_store_holds_what_one_batch_a_block_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every table (quarantine's path, position, reason and raw among them), the sources'
    counts, read = stored + duplicates + quarantined + skipped."""
    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", "0")
    monkeypatch.setattr(telegram, "FLUSH_BYTES", 64 << 10)
    path = _export(tmp_path, 40)
    joined, _ = _ingest(tmp_path / "joined.duckdb", [path])
    monkeypatch.setattr(telegram, "FLUSH_ROWS", 1)
    blockwise, _ = _ingest(tmp_path / "blockwise.duckdb", [path])
    _exact(joined)
    assert [joined.as_dict()[k] for k in COUNTS] == [blockwise.as_dict()[k] for k in COUNTS]
    assert joined.quarantined == 20 + 40 and joined.new == 3 * 2 + 20
    tables = _tables(tmp_path / "joined.duckdb", WALL)
    assert len(tables["quarantine"]) == 60
    assert tables == _tables(tmp_path / "blockwise.duckdb", WALL)
