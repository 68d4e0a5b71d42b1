"""Arrow reads a CSV file ahead of what it parses (some 34 blocks) on an I/O thread of its
own, and goes on reading after its reader stops at an error. 8c60a99 read the header again
(seeking back) while the first reader's read-ahead still read the same file: one read of
the old reader landed after the seek, took the header's block, and the header was read
from inside a row (3 failures in 9 runs; b62058d). Here a file whose reads after its first
are slowed makes that order certain; and a file with many ragged rows that are not UTF-8
is read a few times, not four times for each (8c60a99's ``_around_undecodable``)."""

from __future__ import annotations

import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest

from mutewatch.ingest import tabular
from mutewatch.ingest.files import open_archive

SPEC = tabular.TableSpec(platform="forum", mapping={"account": "who", "time": "when"})


def _data(rows: int = 2_000) -> bytes:
    body = b"x" * 400
    lines = [b"who,when,body\n", b"acct0,2020-01-01T00:00:00,first\n", b"acct1,\xff\n"]
    lines += [b"acct%d,2020-01-01T00:00:01,%d %s\n" % (i % 3, i, body) for i in range(rows)]
    return b"".join(lines)


class _Slow:
    """A real file whose reads after the first wait before reading: 0.1 s, or 0.3 s for
    one from its start (a read again), so a read asked for before a seek back to the start
    lands after it and before the reads of the next reader."""

    def __init__(self, path: Path) -> None:
        self.fh = path.open("rb")
        self.reads = 0

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        if self.reads > 1 and threading.current_thread() is not threading.main_thread():
            time.sleep(0.3 if self.fh.tell() == 0 else 0.1)
        return self.fh.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.fh.seek(offset, whence)

    def tell(self) -> int:
        return self.fh.tell()

    @property
    def closed(self) -> bool:
        return self.fh.closed

    def close(self) -> None:
        self.fh.close()


def test_the_header_read_again_is_not_raced_by_the_old_reader(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(_data())
    slow = _Slow(path)
    try:
        options = pacsv.ReadOptions(block_size=1 << 14, use_threads=False)
        parse = tabular._parse_options(SPEC, tabular._skip)
        header = tabular._csv_header(slow, options, parse)  # type: ignore[arg-type]
        assert header == ["who", "when", "body"]
        assert slow.tell() == 0
        time.sleep(0.5)  # no read of an old reader lands later either
        assert slow.tell() == 0
    finally:
        slow.close()


def test_the_rows_read_again_are_not_raced_by_the_old_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of the file (its header read first, as above) with the same slow file."""
    monkeypatch.setattr(tabular, "_BLOCK_SIZE", 1 << 14)
    path = tmp_path / "posts.csv"
    path.write_bytes(_data())
    slow = _Slow(path)
    try:
        items = list(tabular.read_csv(slow, path, SPEC))  # type: ignore[arg-type]
    finally:
        slow.close()
    posts = [i for i in items if isinstance(i, tabular.Post)]
    bad = [i for i in items if isinstance(i, tabular.Quarantined)]
    assert len(posts) == 2_001
    assert [q.reason for q in bad] == [
        "line 3: expected 3 columns, got 2; invalid UTF-8 in the row"
    ]


@pytest.fixture
def opened() -> list[str]:
    """The files opened while a test runs (an audit hook stays once added: it is made to
    note nothing outside)."""
    seen: list[str] = []
    active = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if active[0] and event == "open" and isinstance(args[0], str | Path):
            seen.append(str(args[0]))

    sys.addaudithook(hook)
    yield seen
    active[0] = False


@pytest.mark.parametrize("gz", [False, True])
def test_the_file_is_read_a_few_times_however_many_such_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: list[str], gz: bool
) -> None:
    monkeypatch.setattr(tabular, "_BLOCK_SIZE", 1 << 14)
    lines = [b"who,when,body\n"]
    for i in range(3_000):
        lines.append(b"acct%d,2020-01-01T00:00:01,%d\n" % (i % 3, i))
        if i % 10 == 0:
            lines.append(b"acct1,\xfe%d\n" % i)
    data = b"".join(lines)
    path = tmp_path / ("posts.csv.gz" if gz else "posts.csv")
    path.write_bytes(zlib.compress(data, 1, wbits=31) if gz else data)
    del opened[:]
    with open_archive(path) as fh:
        items = list(tabular.read_csv(fh, path, SPEC))
    assert sum(isinstance(i, tabular.Post) for i in items) == 3_000
    assert sum(isinstance(i, tabular.Quarantined) for i in items) == 300
    assert opened.count(str(path)) <= 4  # 8c60a99: some 4 for each of the 300
