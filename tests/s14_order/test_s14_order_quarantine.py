"""``mutewatch quarantine`` lists records by file and position, and a file read again after
it changed (a new source under the same path) has a record at each position per reading:
those ties came in whatever order DuckDB's parallel insert and sort left them (another
order in each of 3 runs at 8 threads), now the older reading first."""

from __future__ import annotations

from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

OPTIONS = IngestOptions(
    format="csv", mapping={"account": "user", "time": "date", "text": "text"}, platform="forum"
)
ROWS = 3_000


def test_records_at_one_position_of_one_path_come_by_reading(tmp_path: Path) -> None:
    archive = tmp_path / "rows.csv"
    with Store.open(tmp_path / "s.duckdb") as store:
        store.con.execute("SET threads = 8")  # as on a larger machine: parallel insert and sort
        for reading in ("one", "two"):
            rows = "".join(f"a,not a time {n},{reading} {n}\n" for n in range(ROWS))
            archive.write_text("user,date,text\n" + rows, encoding="utf-8")
            ingest(store, [archive], OPTIONS)
        listed = store.quarantine()
    assert [(r["position"], r["raw"].rsplit('"text":"', 1)[1][:3]) for r in listed] == [
        (n, reading) for n in range(ROWS) for reading in ("one", "two")
    ]
