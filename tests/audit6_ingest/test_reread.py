"""A finished file read again with other options says so, and its sources row tells the
figures of that reading (read = new + duplicates + quarantined + skipped, quarantined = what
the quarantine holds for it)."""

from __future__ import annotations

import json
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "account", "time": "time", "text": "text", "message_id": "id"}
FIELDS = ("read", "new", "duplicates", "quarantined", "skipped")


def _source(store: Store) -> dict[str, int]:
    row = store.rows(f"SELECT {', '.join(FIELDS)} FROM sources")[0]
    return {k: int(v) for k, v in row.items()}


def test_reread_with_a_time_format_is_reported_and_counted(tmp_path: Path) -> None:
    rows = [
        {"account": "chan", "id": i, "time": f"0{i}/02/2024 10:00", "text": f"n {i}"}
        for i in range(1, 5)
    ] + [{"account": "chan", "id": 9, "time": "2024-02-09T10:00:00Z", "text": "iso"}]
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plain = IngestOptions(platform="telegram", mapping=dict(MAP))
    dated = IngestOptions(platform="telegram", mapping=dict(MAP), time_format="%d/%m/%Y %H:%M")
    with Store.open(tmp_path / "s.duckdb") as store:
        first = ingest(store, [path], plain).files[0]
        assert (first.status, first.counts.new, first.counts.quarantined) == ("new", 1, 4)
        assert _source(store) == first.counts.as_dict()

        again = ingest(store, [path], plain).files[0]
        assert again.status == "already ingested"
        assert _source(store) == first.counts.as_dict()

        other = ingest(store, [path], dated).files[0]
        assert other.status == "re-read with other options"
        # the iso row is not a time of this format: quarantined now; the four are stored
        assert other.counts.as_dict() == {
            "read": 5, "new": 4, "duplicates": 0, "quarantined": 1, "skipped": 0
        }  # fmt: skip
        assert _source(store) == other.counts.as_dict()
        assert store.scalar("SELECT count(*) FROM quarantine") == 1
        assert store.scalar("SELECT count(*) FROM posts") == 5

        last = ingest(store, [path], dated).files[0]
        assert last.status == "already ingested"
        assert _source(store) == other.counts.as_dict()
