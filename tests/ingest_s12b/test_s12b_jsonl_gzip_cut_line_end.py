"""A .jsonl.gz whose gzip stream breaks off right before a line's line end: that line is
whole JSON, so it was stored, and the break went unrecorded, the run reading as a whole
file. A gzip stream without its end is a file cut short, whatever the text up to the cut
holds: now the line is stored and one record says the file is cut short after it and what
followed is lost, as a break at a line end does (and as a .csv.gz cut short is recorded)."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.ingest.tabular import BATCH_ROWS
from mutewatch.store import Store

from .s12b_cli import ingest_cli


def _line(i: int) -> bytes:
    return b'{"who": "acct%d", "when": "2020-01-01T00:%02d:00Z", "body": "placeholder %d"}\n' % (
        i % 3,
        i % 60,
        i,
    )


def _cut_gzip(data: bytes) -> bytes:
    """A gzip stream of ``data`` that breaks off right after it (no last block, no trailer)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


OPTIONS = IngestOptions(
    format="jsonl", mapping={"account": "who", "time": "when"}, platform="forum"
)


def test_a_break_before_a_line_end_is_recorded(tmp_path: Path) -> None:
    whole = b"".join(_line(i) for i in range(100))
    path = tmp_path / "posts.jsonl.gz"
    path.write_bytes(_cut_gzip(whole[: whole.index(_line(61))].rstrip(b"\n")))
    store = tmp_path / "s.duckdb"
    counts, (record,) = ingest_cli(store, path)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (62, 61, 1)
    assert record["file"].endswith("posts.jsonl.gz")
    assert record["reason"] == (
        "the gzip stream is cut short after its last line (line 61, whole JSON and read, but "
        "its line end is missing): what followed in posts.jsonl.gz is lost"
    )
    with Store.open(store) as opened:
        texts = {r["text"] for r in opened.rows("SELECT text FROM posts")}
    assert texts == {f"placeholder {i}" for i in range(61)}


@pytest.mark.parametrize("tail", [b"  ", b"\n  "])
def test_a_break_in_blank_space_after_the_last_line(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "posts.jsonl.gz"
    path.write_bytes(_cut_gzip(b"".join(_line(i) for i in range(5)) + tail))
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], OPTIONS)
        reasons = [r["reason"] for r in store.rows("SELECT reason FROM quarantine")]
    assert (report.new, report.quarantined) == (5, 1)
    assert reasons == [
        "the gzip stream is cut short after its last line: what followed in posts.jsonl.gz is lost"
    ]


@pytest.mark.parametrize("cut_inside", [False, True])
def test_a_break_after_a_full_batch(tmp_path: Path, cut_inside: bool) -> None:
    """The last line read alone in the last batch: the break was not seen."""
    whole = b"".join(_line(i) for i in range(BATCH_ROWS))
    data = whole[:-20] if cut_inside else whole[:-1]
    path = tmp_path / "posts.jsonl.gz"
    path.write_bytes(_cut_gzip(data))
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], OPTIONS)
        (reason,) = [r["reason"] for r in store.rows("SELECT reason FROM quarantine")]
    assert report.read == report.new + report.quarantined
    assert report.new == BATCH_ROWS - (1 if cut_inside else 0)
    if cut_inside:
        assert reason.startswith(
            f"the gzip stream is cut short inside this line, the file's last (line {BATCH_ROWS} "
            "of posts.jsonl.gz): not valid JSON"
        )
    else:
        assert reason.startswith("the gzip stream is cut short after its last line (line 65536")
