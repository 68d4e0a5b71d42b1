"""Ids derived from content (tabular files without a message_id column, feeds) are hashes,
not a channel's sequence: they never make id gaps ("missing message ids")."""

from __future__ import annotations

import json
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "account", "time": "time", "text": "text"}


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_without_message_ids_makes_no_id_gaps(tmp_path: Path) -> None:
    rows = [
        {"account": "chan", "time": f"2024-01-0{d}T10:00:00Z", "text": f"item {d}"}
        for d in range(1, 6)
    ]
    derived = _jsonl(tmp_path / "derived.jsonl", rows)
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [derived], IngestOptions(platform="telegram", mapping=dict(MAP)))
        assert store.scalar("SELECT count(*) FROM posts") == 5
        assert store.scalar("SELECT count(*) FROM id_gaps") == 0
        assert store.status()["missing_message_ids"] == 0


def test_real_ids_beside_derived_ones_keep_their_gaps(tmp_path: Path) -> None:
    """The same channel read once with ids (1 and 5: three missing) and once without."""
    with_ids = _jsonl(
        tmp_path / "ids.jsonl",
        [
            {"account": "chan", "id": i, "time": f"2024-02-0{i}T10:00:00Z", "text": f"n {i}"}
            for i in (1, 5)
        ],
    )
    without = _jsonl(
        tmp_path / "noids.jsonl",
        [{"account": "chan", "time": "2024-03-01T10:00:00Z", "text": "other"}],
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(
            store,
            [with_ids],
            IngestOptions(platform="telegram", mapping={**MAP, "message_id": "id"}),
        )
        ingest(store, [without], IngestOptions(platform="telegram", mapping=dict(MAP)))
        assert store.scalar("SELECT count(*) FROM posts") == 3
        gaps = store.rows("SELECT after_id, before_id, missing FROM id_gaps")
        assert gaps == [{"after_id": 1, "before_id": 5, "missing": 3}]
        assert store.status()["missing_message_ids"] == 3
