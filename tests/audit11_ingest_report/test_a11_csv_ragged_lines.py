"""A ragged row's reason says "line N", but N was Arrow's record number (the header 1,
empty lines not counted, a value holding newlines one record): after a multi-line post
the named line held another row, so a researcher opening the file at that line repaired
the wrong one. Now N is the line of the file where the ragged row stands."""

from __future__ import annotations

from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

OPTIONS = IngestOptions(
    format="csv", mapping={"account": "who", "time": "when", "text": "body"}, platform="forum"
)


def test_a_ragged_row_is_named_by_its_line_in_the_file(tmp_path: Path) -> None:
    lines = [
        "who,when,body",  # 1
        'alpha,2020-01-01T10:00:00,"first line',  # 2
        'second line"',  # 3
        "",  # 4 (empty)
        "beta,2020-01-02T10:00:00,short",  # 5
        "gamma,2020-01-03T10:00:00,one,two",  # 6: ragged
        'delta,2020-01-04T10:00:00,"a\r\n\r\nb"',  # 7-9
        "epsilon,2020-01-05",  # 10: ragged
    ]
    path = tmp_path / "posts.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], OPTIONS)
        reasons = {r["raw"]: r["reason"] for r in store.rows("SELECT raw, reason FROM quarantine")}
    assert (report.new, report.quarantined) == (3, 2)
    assert reasons == {
        "gamma,2020-01-03T10:00:00,one,two": "line 6: expected 3 columns, got 4",
        "epsilon,2020-01-05": "line 10: expected 3 columns, got 2",
    }
