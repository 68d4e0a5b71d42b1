"""An account export of many small chats stores what its chats store read one by one.

The fast Telegram reader walks one buffer of up to BLOCK_BYTES through the chats of an
account export, keeping an offset into it rather than copying what is left of it at each
chat. These tests hold the result to two references: the same chats written as one export
each (same posts, links, accounts, names, coverage and quarantine, less the columns that
name a file or a place in it), and the same file read with a block size so small that
chat headers, message lists and single messages are split between reads (every table the
same, row for row, positions included). The accounting stays exact (read = stored +
duplicates + quarantined + skipped) and the progress callback still hears the whole file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.ingest import IngestOptions, IngestReport, ingest, telegram
from mutewatch.store import Store

CHATS = 300
APART = 120  # chats also written one export each (about 0.1 s a file)
# columns that name the file a row came from, where in it, or when: they differ between one
# export and one export per chat
PLACE = {"source_id", "path", "position", "started_at", "finished_at", "first_source_id"}
SKIPPED = {"sources", "source_options", "ingest_runs", "meta"}  # one row per file


def _messages(n: int) -> list[dict[str, Any]]:
    base = 1_600_000_000 + n * 100
    plain = {"type": "message", "from": f"Sample Chat {n}", "from_id": f"channel{5000 + n}"}
    kind = n % 6
    if n == 7:  # a list longer than the 64 KiB the reader holds ahead: read over blocks
        return [
            {"id": i, "date_unixtime": str(base + i), "text": f"Long {n} {i} " + "y" * 150, **plain}
            for i in range(1, 801)
        ]
    if kind == 0:  # one plain post
        return [{"id": 1, "date_unixtime": str(base), "text": f"Note {n}", **plain}]
    if kind == 1:  # a service message between posts, an edit, a reply
        return [
            {"id": 1, "date_unixtime": str(base), "text": f"First {n}", **plain},
            {
                "id": 2,
                "type": "service",
                "date_unixtime": str(base + 1),
                "action": "pin_message",
                "actor": f"Sample Chat {n}",
                "text": "",
            },
            {
                "id": 4,
                "date_unixtime": str(base + 2),
                "edited_unixtime": str(base + 9),
                "reply_to_message_id": 1,
                "text": f"Third {n} " + "x" * (n * 7 % 900),
                **plain,
            },
        ]
    if kind == 2:  # no messages at all
        return []
    if kind == 3:  # entities with a link, a photo
        return [
            {
                "id": 7,
                "date_unixtime": str(base),
                "photo": "photos/photo_1.jpg",
                "text": [
                    f"See {n} ",
                    {"type": "link", "text": f"https://example.org/item/{n}"},
                ],
                **plain,
            }
        ]
    if kind == 4:  # a message whose time cannot be read: quarantined or kept by --tz rules
        return [
            {"id": 1, "date_unixtime": str(base), "text": f"Kept {n}", **plain},
            {"id": 2, "date_unixtime": "not a time", "text": f"Odd {n}", **plain},
        ]
    # the same message twice: a duplicate
    one = {"id": 3, "date_unixtime": str(base), "text": f"Twice {n}", **plain}
    return [one, dict(one)]


def _chat(n: int) -> dict[str, Any]:
    kinds = ("public_channel", "private_channel", "private_group", "public_supergroup")
    return {
        "name": f"Sample Chat {n}",
        "type": kinds[n % 4],
        "id": 5000 + n,
        "messages": _messages(n),
    }


def _write(path: Path, chats: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"chats": {"list": chats}}, indent=1), encoding="utf-8")
    return path


def _ingest(db: Path, paths: list[Path]) -> tuple[IngestReport, list[tuple[int, int]]]:
    heard: list[tuple[int, int]] = []
    store = Store.open(db)
    try:
        report = ingest(
            store, paths, IngestOptions(), progress=lambda _p, d, t: heard.append((d, t))
        )
    finally:
        store.close()
    return report, heard


def _tables(db: Path, leave_out: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows, sorted, without the columns named in ``leave_out``."""
    names_out = "(" + ", ".join(f"'{c}'" for c in sorted(leave_out)) + ")"
    kept = f"lambda c: c NOT IN {names_out}"
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(  # the stored tables with a column left to compare
            "SELECT DISTINCT table_name FROM duckdb_columns() WHERE table_name IN "
            "(SELECT table_name FROM duckdb_tables() WHERE NOT temporary) "
            f"AND column_name NOT IN {names_out}"
        )
        names = sorted(str(n) for (n,) in found.fetchall() if str(n) not in SKIPPED)
        return {
            n: sorted(con.execute(f'SELECT COLUMNS({kept}) FROM "{n}"').fetchall(), key=repr)
            for n in names
        }


def _exact(report: IngestReport) -> None:
    # service messages are read and skipped (not posts): they count apart
    assert report.read == report.new + report.duplicates + report.quarantined + report.skipped


def test_many_chats_store_what_each_chat_stores_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats = [_chat(n) for n in range(APART)]
    account = _write(tmp_path / "account" / "result.json", chats)
    together, heard = _ingest(tmp_path / "together.duckdb", [account])
    _exact(together)
    assert together.new > APART // 2 and together.duplicates > 0 and together.quarantined > 0
    size = account.stat().st_size
    assert heard and heard[-1] == (size, size)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)

    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", "0")  # many small files: no reader forks
    apart = [
        _write(tmp_path / "apart" / f"chat{n:03d}" / "result.json", [c])
        for n, c in enumerate(chats)
    ]
    alone, _ = _ingest(tmp_path / "apart.duckdb", apart)
    _exact(alone)
    assert [
        alone.as_dict()[k] for k in ("read", "new", "duplicates", "quarantined", "skipped")
    ] == [together.as_dict()[k] for k in ("read", "new", "duplicates", "quarantined", "skipped")]
    one = _tables(tmp_path / "together.duckdb", PLACE)
    each = _tables(tmp_path / "apart.duckdb", PLACE)
    assert one["posts"] and one["links"] and one["account_names"]
    assert len({r[1] for r in one["accounts"]}) == APART
    assert {n: rows for n, rows in one.items()} == each


@pytest.mark.parametrize("block", [97, 4096])
def test_many_chats_read_in_small_blocks_store_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    account = _write(tmp_path / "account" / "result.json", [_chat(n) for n in range(CHATS)])
    whole, _ = _ingest(tmp_path / "whole.duckdb", [account])
    monkeypatch.setattr(telegram, "BLOCK_BYTES", block)  # the reader's block size, not a mock
    split, heard = _ingest(tmp_path / "split.duckdb", [account])
    _exact(split)
    assert split.files[0].counts == whole.files[0].counts
    assert heard[-1] == (account.stat().st_size, account.stat().st_size)
    wall = {"started_at", "finished_at"}
    assert _tables(tmp_path / "split.duckdb", wall) == _tables(tmp_path / "whole.duckdb", wall)
