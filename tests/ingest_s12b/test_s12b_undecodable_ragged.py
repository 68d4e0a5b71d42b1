"""A CSV row short (or long) of columns whose text is not UTF-8 (or not of --encoding).
Arrow decodes a ragged row's text before it calls the invalid-row handler; that decoding
failed, so the handler never saw the row, Arrow stopped, and the whole file was refused
("not a readable CSV file"), its good rows lost. Now that row is quarantined naming its
line, and every other row is stored."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

from .s12b_cli import MAP, ingest_cli


def _row(i: int) -> bytes:
    return b"acct%d,2020-01-01T%02d:%02d:00,placeholder %d\n" % (i % 3, i // 60 % 24, i % 60, i)


def _ingest(
    tmp_path: Path, name: str, data: bytes, encoding: str | None = None
) -> tuple[int, list[str], list[tuple[str, str]]]:
    path = tmp_path / name
    path.write_bytes(data)
    options = IngestOptions(format="csv", mapping=MAP, platform="forum", encoding=encoding)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        assert report.read == report.new + report.duplicates + report.quarantined
        texts = [r["text"] for r in store.rows("SELECT text FROM posts")]
        bad = [(r["reason"], r["raw"]) for r in store.rows("SELECT reason, raw FROM quarantine")]
    return report.new, texts, bad


def test_the_cli_quarantines_the_row_and_stores_the_rest(tmp_path: Path) -> None:
    data = b"who,when,body\n" + _row(0) + b"acct1,2020-01-01T00:01:00\xff\n" + _row(2)
    (tmp_path / "posts.csv").write_bytes(data)
    counts, (record,) = ingest_cli(tmp_path / "s.duckdb", tmp_path / "posts.csv")
    assert (counts["read"], counts["new"], counts["quarantined"]) == (3, 2, 1)
    assert record["file"].endswith("posts.csv")
    assert record["reason"] == "line 3: expected 3 columns, got 2; invalid UTF-8 in the row"
    assert record["raw"] == "acct1,2020-01-01T00:01:00\ufffd"


def test_rows_around_many_such_rows_are_all_stored(tmp_path: Path) -> None:
    """Such rows first, last (without a line end), side by side, after empty lines and
    multi-line values, among ragged rows that are UTF-8 and rows of bad UTF-8 whole."""
    lines = [b"who,when,body\n"]
    expected_bad: list[str] = []
    stored: list[str] = []
    for i in range(60):
        line = b"".join(lines).count(b"\n") + 1
        if i in (0, 7, 8, 30, 59):
            lines.append(b"acct%d,\xfe\xff%d\n" % (i, i))
            expected_bad.append(f"line {line}: expected 3 columns, got 2; invalid UTF-8 in the row")
        elif i == 12:
            lines.append(b"acct1,a,b,c\n")
            expected_bad.append(f"line {line}: expected 3 columns, got 4")
        elif i == 15:
            lines.append(b"acct1,2020-01-01T00:00:00,bad \xc3 text\n")
            expected_bad.append("invalid UTF-8 in column 'body' at byte 4")
        elif i == 20:
            lines.append(b"\n\n")
        elif i == 25:
            lines.append(b'acct1,2020-01-02T00:00:00,"two\nlines"\n')
            stored.append("two\nlines")
        else:
            lines.append(_row(i))
            stored.append(f"placeholder {i}")
    data = b"".join(lines).rstrip(b"\n")
    new, texts, bad = _ingest(tmp_path, "posts.csv", data)
    assert new == len(stored) and sorted(texts) == sorted(stored)
    assert sorted(reason for reason, _ in bad) == sorted(expected_bad)
    assert sum("bad \ufffd text" in raw for _, raw in bad) == 1


@pytest.mark.parametrize("encoding", ["cp1252", None])
def test_a_row_not_of_the_encoding(tmp_path: Path, encoding: str | None) -> None:
    body = "café"
    data = b"who,when,body\n" + _row(0) + b"acct1,\x81\n" + b"acct2,2020-01-01T00:02:00,"
    data += body.encode(encoding or "utf-8") + b"\n"
    new, texts, bad = _ingest(tmp_path, "posts.csv", data, encoding)
    assert sorted(texts) == sorted(["placeholder 0", body])
    ((reason, _),) = bad
    if encoding:
        assert reason == (
            "line 3: expected 3 columns, got 2; bytes that are not cp1252 in the row "
            "(check --encoding)"
        )
    else:
        assert reason == "line 3: expected 3 columns, got 2; invalid UTF-8 in the row"


def test_in_a_gzip_file_cut_short(tmp_path: Path) -> None:
    """The row is set aside, and the break at the end is still seen: the file's rows are
    read again from the file after that row, not from the stream that saw the break."""
    data = b"who,when,body\n" + b"".join(_row(i) for i in range(40))
    data += b"acct1,\xff\n" + b"".join(_row(i) for i in range(40, 80))
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    cut = packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)
    new, texts, bad = _ingest(tmp_path, "posts.csv.gz", cut)
    assert new == 80 and sorted(texts) == sorted(f"placeholder {i}" for i in range(80))
    reasons = sorted(reason for reason, _ in bad)
    assert reasons == [
        "line 42: expected 3 columns, got 2; invalid UTF-8 in the row",
        "the gzip stream is cut short after its last line: what followed in posts.csv.gz is lost",
    ]


def test_a_whole_gzip_file(tmp_path: Path) -> None:
    data = b"who,when,body\n" + _row(0) + b"acct1,\xff\n" + _row(2)
    new, _, bad = _ingest(tmp_path, "posts.csv.gz", gzip.compress(data))
    assert new == 2 and [reason for reason, _ in bad] == [
        "line 3: expected 3 columns, got 2; invalid UTF-8 in the row"
    ]


@pytest.mark.slow
def test_in_a_long_gzip_file_cut_short(tmp_path: Path) -> None:
    """Longer than Arrow reads ahead (200 MB): the first read stops at the row, short of
    the break, which is still seen."""
    body = b"x" * 20_000
    rows = [
        b"acct%d,2020-01-01T00:%02d:00,%d %s\n" % (i % 3, i % 60, i, body) for i in range(10_000)
    ]
    data = b"who,when,body\n" + rows[0] + b"acct1,\xff\n" + b"".join(rows[1:])
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    cut = packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)
    new, _, bad = _ingest(tmp_path, "posts.csv.gz", cut)
    assert new == 10_000
    assert sorted(reason for reason, _ in bad) == [
        "line 3: expected 3 columns, got 2; invalid UTF-8 in the row",
        "the gzip stream is cut short after its last line: what followed in posts.csv.gz is lost",
    ]
