"""Tabular files with bad input: ragged and non-UTF-8 rows are quarantined, the rest is read;
a file that cannot be read at all is an InputError and leaves no source behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, IngestReport, ingest
from mutewatch.store import Store

OPTIONS = IngestOptions(
    format="auto",
    mapping={"account": "user", "time": "t", "text": "body"},
    time_format="%Y-%m-%d %H:%M",
    platform="twitter",
)


def adds_up(report: IngestReport) -> bool:
    return report.read == report.new + report.duplicates + report.quarantined + report.skipped


def _ingest(tmp_path: Path, name: str, content: bytes) -> tuple[IngestReport, list[tuple]]:
    path = tmp_path / name
    path.write_bytes(content)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], OPTIONS)
        rows = store.con.execute(
            "SELECT position, reason, raw FROM quarantine ORDER BY position"
        ).fetchall()
        assert store.con.execute("SELECT status FROM sources").fetchall() == [("done",)]
    return report, rows


def test_ragged_rows_are_quarantined_with_line_and_raw_text(tmp_path: Path) -> None:
    content = (
        b"user,t,body\n"
        b"u1,2020-01-01 10:00,alpha\n"
        b"u2,2020-01-02 10:00\n"
        b"u3,2020-01-03 10:00,beta,extra\n"
        b"u4,2020-01-04 10:00,gamma\n"
    )
    report, rows = _ingest(tmp_path, "ragged.csv", content)
    assert (report.read, report.new, report.quarantined) == (4, 2, 2)
    assert adds_up(report)
    reasons = {raw: reason for _, reason, raw in rows}
    assert reasons["u2,2020-01-02 10:00"] == "line 3: expected 3 columns, got 2"
    assert reasons["u3,2020-01-03 10:00,beta,extra"] == "line 4: expected 3 columns, got 4"
    assert len({position for position, _, _ in rows}) == 2


def test_rows_that_are_not_utf8_are_quarantined_and_the_rest_read(tmp_path: Path) -> None:
    content = b"user,t,body\nu1,2020-01-01 10:00,ab\xffcd\nu2,2020-01-02 10:00,fine\n"
    report, rows = _ingest(tmp_path, "latin.csv", content)
    assert (report.read, report.new, report.quarantined) == (2, 1, 1)
    assert adds_up(report)
    [(position, reason, raw)] = rows
    assert position == 0
    assert reason == "invalid UTF-8 in column 'body' at byte 2"
    assert "u1" in raw and "ab\ufffdcd" in raw


def test_a_clean_csv_still_reads_whole(tmp_path: Path) -> None:
    content = (
        b"\xef\xbb\xbfuser,t,body\r\nu1,2020-01-01 10:00,alpha\r\nu2,2020-01-02 10:00,beta\r\n"
    )
    report, rows = _ingest(tmp_path, "bom.csv", content)
    assert (report.read, report.new, report.quarantined, rows) == (2, 2, 0, [])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "empty"),
        ("broken.parquet", b"not parquet at all", "not a readable Parquet file"),
        ("empty.jsonl", b"", "empty"),
    ],
)
def test_unreadable_files_are_an_input_error_that_stores_nothing(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with Store.open(tmp_path / "s.duckdb") as store:
        with pytest.raises(InputError, match=reason) as caught:
            ingest(store, [path], OPTIONS)
        assert str(path) in str(caught.value)
        assert caught.value.hint
        assert store.con.execute("SELECT count(*) FROM sources").fetchall() == [(0,)]
        # a re-run is refused the same clean way, not with "already ingested" or a crash
        with pytest.raises(InputError, match=reason):
            ingest(store, [path], OPTIONS)


def test_json_lines_that_are_not_utf8_are_quarantined(tmp_path: Path) -> None:
    content = (
        b'{"user": "u\xff", "t": "2020-01-01 10:00"}\n{"user": "u2", "t": "2020-01-01 10:00"}\n'
    )
    report, rows = _ingest(tmp_path, "rows.jsonl", content)
    assert (report.read, report.new, report.quarantined) == (2, 1, 1)
    [(position, reason, raw)] = rows
    assert (position, reason.startswith("not valid JSON")) == (0, True)
    assert raw.startswith('{"user": "u\ufffd"')
