"""CSV quoting as real exports get it wrong: a quote opened and never closed made the rest
of the file one value, so the rows after it vanished without a word (read 2 of 4); now its
line is quarantined naming it and the rows after it are read. Quoted values holding
newlines (multi-line posts) no longer fail the whole read when a block of the reader ends
inside one ("CSV parser got out of sync with chunker")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body"}


def _ingest(tmp_path: Path, data: bytes) -> tuple[dict[str, int], list[str], list[dict[str, Any]]]:
    path = tmp_path / "posts.csv"
    path.write_bytes(data)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], IngestOptions(platform="forum", mapping=dict(MAP)))
        again = ingest(store, [path], IngestOptions(platform="forum", mapping=dict(MAP)))
        assert (again.new, again.duplicates + again.quarantined) == (0, report.read)
        texts = [str(r["text"]) for r in store.rows("SELECT text FROM posts ORDER BY ts")]
        quarantined = store.quarantine()
    counts = {k: v for k, v in report.as_dict().items() if isinstance(v, int)}
    return counts, texts, quarantined


def test_an_unclosed_quote_costs_its_row_only(tmp_path: Path) -> None:
    data = (
        b"user,when,body\n"
        b"acc1,2020-01-01T10:00:00,ok one\n"
        b'acc2,2020-01-01T11:00:00,a 12" record\n'
        b'acc3,2020-01-01T12:00:00,"two\nlines"\n'
        b'acc4,2020-01-01T13:00:00,"never closed\n'
        b"acc5,2020-01-01T14:00:00,ok five\n"
        b"acc6,2020-01-01T15:00:00,ok six\n"
    )
    counts, texts, quarantined = _ingest(tmp_path, data)
    assert counts == {"read": 6, "new": 5, "duplicates": 0, "quarantined": 1, "skipped": 0}
    assert texts == ["ok one", 'a 12" record', "two\nlines", "ok five", "ok six"]
    (row,) = quarantined
    assert row["position"] == 3 and row["raw"] == 'acc4,2020-01-01T13:00:00,"never closed'
    assert row["reason"].startswith("line 6: a quote opened in this row is never closed")


@pytest.mark.parametrize(
    ("last", "stored", "quarantined"),
    [
        # open on the very last line: it swallows nothing, the row is kept as it reads
        (b'acc2,2020-01-01T11:00:00,"never closed', 2, 0),
        (b'acc2,2020-01-01T11:00:00,"a last post\nover two lines"\n', 2, 0),
    ],
)
def test_a_last_row_that_swallows_nothing_is_kept(
    tmp_path: Path, last: bytes, stored: int, quarantined: int
) -> None:
    counts, _, rows = _ingest(tmp_path, b"user,when,body\nacc1,2020-01-01T10:00:00,ok\n" + last)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (2, stored, quarantined)
    assert len(rows) == quarantined


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """CSV blocks of 64 KB instead of 16 MB, so that a small file crosses many of them."""
    real = pacsv.ReadOptions

    def small(**kwargs: object) -> pacsv.ReadOptions:
        return real(**{**kwargs, "block_size": 1 << 16})

    monkeypatch.setattr(pacsv, "ReadOptions", small)


@pytest.mark.usefixtures("small_blocks")
def test_multi_line_values_across_block_ends_are_read(tmp_path: Path) -> None:
    rows = [
        f'acc{i % 7},2020-01-01T10:{i % 60:02d}:00,"line {i}\nsecond, line {i}\nthird"'
        for i in range(3000)
    ]
    data = ("user,when,body\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > 2 << 16
    counts, texts, _ = _ingest(tmp_path, data)
    assert counts["read"] == counts["new"] == 3000 and counts["quarantined"] == 0
