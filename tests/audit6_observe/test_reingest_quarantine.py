"""Reading a finished file again with the right options replaces what the wrong ones
quarantined: a record stored as a post is not also listed as quarantined."""

from __future__ import annotations

import json
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAPPING = {"account": "acc", "time": "t", "text": "txt"}


def test_a_wrong_time_format_then_the_right_one(tmp_path: Path) -> None:
    rows = [{"acc": "a", "t": f"2016-02-{d:02d}T12:00:00", "txt": "placeholder"} for d in (1, 2)]
    rows.append({"acc": "a", "t": "not a time", "txt": "placeholder"})
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with Store.open(tmp_path / "store.duckdb") as store:
        wrong = IngestOptions(platform="web", mapping=MAPPING, time_format="%d/%m/%Y")
        first = ingest(store, [path], wrong)
        assert (first.new, first.quarantined) == (0, 3)
        right = ingest(store, [path], IngestOptions(platform="web", mapping=MAPPING))
        assert (right.new, right.quarantined) == (2, 1)
        status = store.status()
        assert (status["posts"], status["quarantined"]) == (2, 1)
        [(position, reason)] = store.con.execute(
            "SELECT position, reason FROM quarantine"
        ).fetchall()
        assert position == 2 and "'not a time'" in reason and "--time-format iso" in reason
