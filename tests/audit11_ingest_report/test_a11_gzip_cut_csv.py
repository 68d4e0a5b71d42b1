"""A .csv.gz whose gzip stream is cut short (a download that stopped) ends inside its last
row. The README promises that the record it cuts is quarantined; a CSV row cut inside its
last value still has all its columns, so it was stored with its text cut short ("placeholder
text number 1" for "... number 1442") and the run said nothing of the break. Now the row
the break cuts is quarantined saying so, and a break at a line end is one record saying
that what followed is lost."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

OPTIONS = IngestOptions(
    format="csv", mapping={"account": "who", "time": "when", "text": "body"}, platform="forum"
)
WHOLE = b"who,when,body\n" + b"".join(
    b"acct%d,2020-01-01T00:%02d:00,placeholder number %d\n" % (i, i % 60, i) for i in range(200)
)


def _cut_gzip(data: bytes) -> bytes:
    """A gzip stream of ``data`` that breaks off right after it (no last block, no trailer)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def _read(tmp_path: Path, data: bytes) -> tuple[int, int, list[str], list[str]]:
    path = tmp_path / "posts.csv.gz"
    path.write_bytes(data)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], OPTIONS)
        assert report.read == report.new + report.quarantined
        texts = [r["text"] for r in store.rows("SELECT text FROM posts")]
        reasons = [r["reason"] for r in store.rows("SELECT reason FROM quarantine")]
    return report.new, report.quarantined, texts, reasons


@pytest.mark.parametrize("kept", [48, 5, 18])
def test_the_row_a_gzip_break_cuts_is_set_aside(tmp_path: Path, kept: int) -> None:
    """Cut inside the last value (the row still has its columns: "... number 1" of
    "... number 150"), and cut short of its columns ("acct1", "acct150,2020-01-01")."""
    start = WHOLE.index(b"acct150,")
    new, quarantined, texts, reasons = _read(tmp_path, _cut_gzip(WHOLE[: start + kept]))
    assert (new, quarantined) == (150, 1)
    assert sorted(texts) == sorted(f"placeholder number {i}" for i in range(150))
    (reason,) = reasons
    assert reason.startswith("the gzip stream is cut short inside this row, the file's last")


def test_a_break_at_a_line_end_says_what_followed_is_lost(tmp_path: Path) -> None:
    data = WHOLE[: WHOLE.index(b"acct150,")]
    new, quarantined, _, reasons = _read(tmp_path, _cut_gzip(data))
    assert (new, quarantined) == (150, 1)
    assert reasons == [
        "the gzip stream is cut short after its last line: what followed in posts.csv.gz is lost"
    ]


def test_a_whole_gzip_file_is_read_whole(tmp_path: Path) -> None:
    assert _read(tmp_path, gzip.compress(WHOLE))[:2] == (200, 0)
