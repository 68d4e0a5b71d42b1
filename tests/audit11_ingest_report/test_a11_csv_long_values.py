"""CSV values longer than Arrow's read block. Arrow needs each record whole inside one
block (16 MiB when reading, 1 MiB when the header is checked before anything is stored),
and stopped with "straddling object straddles two block boundaries": a file whose first
row held a 2 MB value (a scraped article's body) was refused as "not a readable CSV file",
and one with a 33 MB value further down lost every row and left an unfinished source.
Now the header is read with longer blocks, and when a record outgrows the block the rows
after those already read are read again with longer ones: every row is stored once."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest import tabular
from mutewatch.store import Store


def _ingest(store: Path, path: Path, *extra: str) -> dict[str, Any]:
    args = ["--store", str(store), "ingest", str(path), "--platform", "forum", "--json"]
    args += ["--map", "account=who", "--map", "time=when", "--map", "text=body", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _texts(store: Path) -> list[tuple[str, int]]:
    with Store.open(store) as opened:
        rows = opened.rows("SELECT account_id, length(text) AS n FROM posts ORDER BY ts")
    return [(r["account_id"], r["n"]) for r in rows]


HEAD = b"who,when,body\n"


def test_a_long_value_in_the_first_row(tmp_path: Path) -> None:
    path = tmp_path / "first.csv"
    long = b"x" * (2 << 20)
    path.write_bytes(HEAD + b'a,2020-01-01,"' + long + b'"\nb,2020-01-02,short\n')
    report = _ingest(tmp_path / "s.duckdb", path)
    assert (report["read"], report["new"], report["quarantined"]) == (2, 2, 0)
    assert _texts(tmp_path / "s.duckdb") == [("a", 2 << 20), ("b", 5)]


@pytest.mark.parametrize("compressed", [False, True])
def test_a_value_longer_than_a_block_further_down(tmp_path: Path, compressed: bool) -> None:
    rows = b"".join(b"r%d,2020-01-01T00:%02d:00,row %d\n" % (i % 7, i % 60, i) for i in range(3000))
    long = b"y" * (33 << 20)  # past two 16 MiB block boundaries wherever it starts
    data = HEAD + rows + b'a,2020-02-01,"' + long + b'"\n' + b"a,2020-02-02,one,two\n"
    data += b'b,2020-02-03,"two\nlines"\n'
    path = tmp_path / ("down.csv.gz" if compressed else "down.csv")
    path.write_bytes(gzip.compress(data, 1) if compressed else data)
    report = _ingest(tmp_path / "s.duckdb", path)
    assert (report["read"], report["new"], report["quarantined"]) == (3003, 3002, 1)
    assert _texts(tmp_path / "s.duckdb")[-2:] == [("a", 33 << 20), ("b", 9)]
    with Store.open(tmp_path / "s.duckdb") as opened:
        (bad,) = opened.rows("SELECT reason FROM quarantine")
    assert bad["reason"] == "line 3003: expected 3 columns, got 4"


def _awkward(long: int) -> bytes:
    """Rows of every kind around values longer than a small block."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["who", "when", "body"])
    for i in range(300):
        when = f"2020-01-{1 + i % 28:02d}T{i % 24:02d}:00:00"
        if i % 37 == 5:
            out.write(f"ragged{i},{when},x,y\r\n")
        elif i % 41 == 7:
            out.write("\r\n")  # an empty line: no record
        elif i % 53 == 11:
            writer.writerow([f"long{i}", when, "é" * long])
        else:
            writer.writerow([f"acct{i}", when, f"line one {i}\nline two"])
    return out.getvalue().encode("latin-1")


@pytest.mark.parametrize("block", [1 << 10, 1 << 12])
def test_rows_read_again_with_longer_blocks_are_each_read_once(tmp_path: Path, block: int) -> None:
    """Small blocks (the function's own parameter) make records outgrow them several
    times over, after ragged rows, empty lines and values holding newlines; the rows come
    out as those of one read with a block long enough, in a file read as latin-1."""
    path = tmp_path / "awkward.csv"
    path.write_bytes(_awkward(5000))
    spec = tabular.TableSpec("forum", {"account": "who", "time": "when", "text": "body"})

    def rows(size: int) -> list[Any]:
        with path.open("rb") as raw:
            stream = tabular.utf8_stream(raw, "latin-1")
            header = ["who", "when", "body"]
            batches = tabular._arrow_rows(stream, path, spec, header, "latin-1", 1, size)
            got = [row for batch in batches for row in batch]
        return sorted(json.dumps(r, default=vars, sort_keys=True) for r in got)

    whole = rows(16 << 20)
    assert len(whole) == 300 - 8 and sum("expected 3 columns" in r for r in whole) == 8
    assert rows(block) == whole
