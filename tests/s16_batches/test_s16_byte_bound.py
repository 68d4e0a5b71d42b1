"""Store batches end by bytes as well as by count, never inside a PostBatch's block.

``ingest._batches`` grouped records into store batches by count alone (``BATCH_RECORDS``),
so 50,000 feed entries of full article HTML were held as Posts, then again in Arrow and in
DuckDB, all at once. A batch now also ends once its records weigh ``BATCH_BYTES``
(``model.record_weight``). These tests set tiny bounds and check where batches end, that a
PostBatch and the records travelling with it stay in one batch with every resume position
past what is written, and that the store, the counts and a resumed run are the same
whatever the bounds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch import ingest as ingest_module
from mutewatch.ingest import FORMATS, IngestOptions, ingest
from mutewatch.model import NameSeen, PostBatch, Quarantined, Record, record_weight
from mutewatch.store import Store
from tests.s14_chats.test_s14c_many_chats import _exact, _ingest, _tables, _write
from tests.s15_chats.test_s15_joined_chats import _bounds, _chats, _sources

WALL = {"started_at", "finished_at"}
ENTRIES = 60
BODY = 3000  # characters of an entry's text: 20 entries weigh 60 KB
SMALL_BYTES = 20_000  # a batch of about seven such entries


def _feed(path: Path, entries: int = ENTRIES, body: int = BODY) -> Path:
    """An RSS feed of long entries; entries 10 and 11 repeat entry 5 (duplicates), entry 20
    has no date (quarantined)."""
    items = []
    for i in range(entries):
        n = 5 if i in (10, 11) else i
        day = f"<pubDate>Wed, {1 + n % 28:02d} Jan 2020 10:00:00 +0000</pubDate>"
        date = "" if i == 20 else day
        words = "lorem ipsum " * (body // 12)
        items.append(
            f"<item><title>Item {n}</title><link>https://feed.example/{n}</link>"
            f"<guid>item-{n}</guid>{date}<description>Body {n}: {words}"
            f"&lt;a href=&quot;https://other.example/p/{n}&quot;&gt;more&lt;/a&gt;"
            "</description></item>\n"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Sample Outlet</title><link>https://feed.example/</link>\n"
        + "".join(items)
        + "</channel></rss>\n",
        encoding="utf-8",
    )
    return path


Group = tuple[list[Record], list[NameSeen], int, int]


def _groups(path: Path, fmt: str) -> list[Group]:
    with path.open("rb") as fh:
        return list(ingest_module._batches(FORMATS[fmt](fh, path, IngestOptions()), fh))


def _positions(record: Record) -> list[int]:
    if isinstance(record, PostBatch):
        return [int(p) for p in record.table["position"].to_pylist()]
    return [record.position]


def _resumable(groups: list[Group]) -> None:
    """Each batch's resume position passes all it holds and nothing a later batch holds."""
    for k, (records, _names, position_after, _offset) in enumerate(groups):
        assert all(p < position_after for r in records for p in _positions(r))
        later = [p for g in groups[k + 1 :] for r in g[0] for p in _positions(r)]
        assert all(p >= position_after for p in later)


def test_long_entries_leave_in_several_batches_by_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "BATCH_BYTES", SMALL_BYTES, raising=False)
    groups = _groups(_feed(tmp_path / "feed.xml"), "feed")
    assert len(groups) >= ENTRIES * BODY // SMALL_BYTES  # by count alone: one batch
    for records, _names, _after, _offset in groups[:-1]:
        weights = [record_weight(r) for r in records]
        assert sum(weights) >= SMALL_BYTES > sum(weights) - weights[-1]  # cut when reached
    assert [p for g in groups for r in g[0] for p in _positions(r)] == list(range(ENTRIES))
    assert sum(isinstance(r, Quarantined) for g in groups for r in g[0]) == 1
    _resumable(groups)
    offsets = [offset for *_, offset in groups]
    assert offsets == sorted(offsets)


def test_the_count_bound_still_cuts_small_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "BATCH_RECORDS", 7)
    groups = _groups(_feed(tmp_path / "feed.xml", body=24), "feed")
    assert [len(g[0]) for g in groups] == [7] * (ENTRIES // 7) + [ENTRIES % 7]
    _resumable(groups)


@pytest.mark.parametrize("batch_bytes", [1, 3000, 1 << 40])
def test_a_postbatch_and_the_records_it_carries_are_never_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_bytes: int
) -> None:
    """Joined Telegram chats (PostBatches carrying quarantined, skipped records and names):
    at any byte bound each PostBatch reaches the store whole, with its others."""
    _bounds(monkeypatch, (5, 1 << 40))
    monkeypatch.setattr(ingest_module, "BATCH_BYTES", batch_bytes, raising=False)
    account = _write(tmp_path / "account" / "result.json", _chats())
    with account.open("rb") as fh:
        read = list(FORMATS["telegram"](fh, account, IngestOptions()))
        groups = list(ingest_module._batches(iter(read), fh))
    blocks = [item for item in read if isinstance(item, PostBatch)]
    assert any(b.others for b in blocks)
    _resumable(groups)
    got = [r for g in groups for r in g[0] if isinstance(r, PostBatch)]
    assert [b.table for b in got] == [b.table for b in blocks]  # whole, in order
    for block in blocks:  # its others in the same batch as its rows
        [(records, names, *_)] = [
            g
            for g in groups
            if any(isinstance(r, PostBatch) and r.table is block.table for r in g[0])
        ]
        assert all(any(o is r for r in [*records, *names]) for o in block.others)
    if batch_bytes == 1:
        assert len(groups) >= len(blocks)


BOUNDS = [(50_000, SMALL_BYTES), (7, 1 << 40), (50_000, 1)]
JOINED = (40, 1 << 40)  # the Telegram reader joins small chats up to 40 records


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path, dict[str, Any]]:
    """A feed of long entries and an export of joined chats, ingested at the default bounds."""
    root = tmp_path_factory.mktemp("clean")
    with pytest.MonkeyPatch.context() as patch:
        _bounds(patch, JOINED)
        paths = [
            _feed(root / "feeds" / "feed.xml"),
            _write(root / "account" / "result.json", _chats()),
        ]
        report, heard = _ingest(root / "clean.duckdb", paths)
    _exact(report)
    assert report.duplicates >= 2 and report.quarantined >= 2 and report.skipped >= 1
    assert len(heard) == 2  # one batch a file
    return paths, root / "clean.duckdb", report.as_dict()


@pytest.mark.parametrize("bounds", BOUNDS)
def test_the_store_is_the_same_whatever_the_bounds(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean: tuple[list[Path], Path, dict[str, Any]],
    bounds: tuple[int, int],
) -> None:
    paths, clean_db, clean_report = clean
    _bounds(monkeypatch, JOINED)
    monkeypatch.setattr(ingest_module, "BATCH_RECORDS", bounds[0])
    monkeypatch.setattr(ingest_module, "BATCH_BYTES", bounds[1], raising=False)
    report, heard = _ingest(tmp_path / "store.duckdb", paths)
    _exact(report)
    assert len(heard) > 4  # several batches, where the defaults make one a file
    assert report.as_dict() == clean_report
    assert _tables(tmp_path / "store.duckdb", WALL) == _tables(clean_db, WALL)
    assert _sources(tmp_path / "store.duckdb") == _sources(clean_db)


class _Stop(Exception):
    pass


def test_a_run_stopped_between_batches_cut_by_bytes_resumes_to_the_same_store(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean: tuple[list[Path], Path, dict[str, Any]],
) -> None:
    feed = clean[0][0]
    clean_report, _ = _ingest(tmp_path / "clean.duckdb", [feed])
    monkeypatch.setattr(ingest_module, "BATCH_BYTES", SMALL_BYTES, raising=False)
    commits: list[int] = []

    def stop(_path: Path, done: int, _total: int) -> None:
        commits.append(done)
        if len(commits) == 3:
            raise _Stop

    with Store.open(tmp_path / "stopped.duckdb") as store:
        with pytest.raises(_Stop):
            ingest(store, [feed], IngestOptions(), progress=stop)
        [(position, read)] = store.con.execute("SELECT position, read FROM sources").fetchall()
    assert 0 < read <= position < clean_report.read
    resumed, _ = _ingest(tmp_path / "stopped.duckdb", [feed])
    assert resumed.files[0].status == "resumed"
    assert resumed.files[0].counts == clean_report.files[0].counts
    _exact(resumed)
    assert _tables(tmp_path / "stopped.duckdb", WALL) == _tables(tmp_path / "clean.duckdb", WALL)
    assert _sources(tmp_path / "stopped.duckdb") == _sources(tmp_path / "clean.duckdb")
