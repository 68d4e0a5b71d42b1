"""A UTF-16 (or UTF-32) .csv.gz / .jsonl.gz whose gzip stream breaks off at a byte that
is not a character boundary (an odd byte of UTF-16). The half character left at the end
was decoded as a stray byte, so the cut row was quarantined as "bytes that are not utf-16"
while the break's record set aside the good row before it (how the text ends was read from
the last 64 KB of raw bytes, decoded from wherever they began: from an odd byte, or as
little-endian in a big-endian file). A cut row too short of its columns stopped the whole
file ("not a readable CSV file"). Now the row the break cuts is the one quarantined, its
reason naming the file and its line, and every row before it is stored."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "who", "time": "when", "text": "body"}


def _cut_gzip(data: bytes) -> bytes:
    """A gzip stream of ``data`` that breaks off right after it (no last block, no trailer)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def _csv(rows: int, pad: int) -> str:
    return "who,when,body\n" + "".join(
        f"acct{i % 3},2020-01-01T{i // 60 % 24:02d}:{i % 60:02d}:00,placeholder {i} {'x' * pad}\n"
        for i in range(rows)
    )


def _jsonl(rows: int, pad: int) -> str:
    return "".join(
        f'{{"who": "acct{i % 3}", "when": "2020-01-01T{i // 60 % 24:02d}:{i % 60:02d}:00", '
        f'"body": "placeholder {i} {"x" * pad}"}}\n'
        for i in range(rows)
    )


def _ingest(tmp_path: Path, name: str, data: bytes) -> tuple[int, list[str], list[str]]:
    path = tmp_path / name
    path.write_bytes(_cut_gzip(data))
    fmt = "csv" if ".csv" in name else "jsonl"
    options = IngestOptions(format=fmt, mapping=dict(MAP), platform="forum")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        assert report.read == report.new + report.duplicates + report.quarantined
        texts = [r["text"] for r in store.rows("SELECT text FROM posts")]
        reasons = [r["reason"] for r in store.rows("SELECT reason FROM quarantine")]
    return report.new, texts, reasons


ENCODINGS = ["utf-16", "utf-16-be", "utf-32"]  # utf-16: the platform's order (LE), BOM first
BOMS = {"utf-16-be": b"\xfe\xff", "utf-32": b""}


def _encoded(text: str, encoding: str) -> bytes:
    return BOMS.get(encoding, b"") + text.encode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", ["posts.csv.gz", "posts.jsonl.gz"])
@pytest.mark.parametrize(("rows", "pad"), [(40, 0), (400, 200)])  # < 64 KB, > 64 KB
@pytest.mark.parametrize("into", [1, 3, 15, 27])  # bytes into the last row (never a boundary)
def test_the_row_a_break_cuts_at_an_odd_byte_is_the_one_set_aside(
    tmp_path: Path, encoding: str, name: str, rows: int, pad: int, into: int
) -> None:
    text = _csv(rows, pad) if ".csv" in name else _jsonl(rows, pad)
    data = _encoded(text, encoding)
    width = 4 if encoding == "utf-32" else 2
    last = text.rstrip("\n").rfind("\n") + 1  # where the last row begins (characters)
    start = len(data) - len(text[last:]) * width  # ASCII: one code unit a character
    cut = start + into * width + (width - 1 if width == 4 else 1)  # mid-character
    new, texts, reasons = _ingest(tmp_path, name, data[:cut])
    assert new == rows - 1, reasons
    assert sorted(texts) == sorted(f"placeholder {i} {'x' * pad}" for i in range(rows - 1))
    (reason,) = reasons
    line = rows + 1 if ".csv" in name else rows  # the CSV's header is line 1
    assert reason.startswith("the gzip stream is cut short inside this ")
    assert f"line {line} of {name}" in reason


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_break_after_a_line_end_and_half_a_character(tmp_path: Path, encoding: str) -> None:
    """Cut inside the first character of the row after the last whole line: that row is
    lost whole, which one record says; every row before it is stored."""
    text = _csv(40, 0)
    data = _encoded(text, encoding)
    last = text.rstrip("\n").rfind("\n") + 1
    cut = len(data) - len(text[last:]) * (4 if encoding == "utf-32" else 2) + 1
    new, texts, reasons = _ingest(tmp_path, "posts.csv.gz", data[:cut])
    assert new == 39
    assert reasons == [
        "the gzip stream is cut short after its last line: what followed in posts.csv.gz is lost"
    ]
