"""The rows of consecutive small chats leave the Telegram reader as one batch.

An account export of many one-post chats used to become one Arrow table per chat, each
built and pickled through the reader pipe on its own (2.6 ms a chat). The fast reader now
joins the rows of consecutive small chats into one PostBatch until it holds
``telegram.FLUSH_ROWS`` records or ``telegram.FLUSH_BYTES`` of their JSON; a big chat
leaves as before. These tests hold the joined batches to what is stored without them: the
same chats as one export each (every table, row for row), and the same file read with one
batch per block (``FLUSH_ROWS = 1``, the old shape), at tiny bounds and at the defaults.
The speed itself is measured by benchmarks/ingest_many_chats.py, not here: these tests
guard that joining changes nothing that is stored, counted, quarantined or resumed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch import ingest as ingest_module
from mutewatch.ingest import IngestOptions, ingest, telegram
from mutewatch.model import PostBatch
from mutewatch.store import Store
from tests.s14_chats.test_s14c_many_chats import PLACE, _chat, _exact, _ingest, _tables, _write

CHATS = 90
WALL = {"started_at", "finished_at"}
# (FLUSH_ROWS, FLUSH_BYTES): one batch per block (the old shape), joined by a row bound,
# joined by a byte bound, the defaults (None)
ONE_PER_BLOCK = (1, 1 << 40)
BOUNDS: list[tuple[int, int] | None] = [ONE_PER_BLOCK, (3, 1 << 40), (1 << 40, 700), None]
COUNTS = ("read", "new", "duplicates", "quarantined", "skipped")


def _bounds(monkeypatch: pytest.MonkeyPatch, bounds: tuple[int, int] | None) -> None:
    """Set the reader's bounds (None: leave the defaults)."""
    if bounds is None:
        return
    monkeypatch.setattr(telegram, "FLUSH_ROWS", bounds[0])
    monkeypatch.setattr(telegram, "FLUSH_BYTES", bounds[1])


def _sources(db: Path) -> list[tuple[Any, ...]]:
    """The sources' paths, ends and counts (what ``_tables`` leaves out: one row a file)."""
    with Store.open(db) as store:
        return store.con.execute(
            "SELECT path, status, position, read, new, duplicates, quarantined, skipped, "
            "first_time, last_time FROM sources ORDER BY path"
        ).fetchall()


def _bad_chat(n: int) -> dict[str, Any]:
    """Chat ``n`` of the builder with its second message's id made unreadable."""
    chat = _chat(n)
    chat["messages"][1]["id"] = "two"
    return chat


BAD = 13  # a chat of the builder with three messages (a post, a service message, a post)


def _chats() -> list[dict[str, Any]]:
    return [_bad_chat(n) if n == BAD else _chat(n) for n in range(CHATS)]


@pytest.fixture(scope="module")
def apart(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The chats as one export each, ingested one batch per block: counts and store."""
    root = tmp_path_factory.mktemp("apart")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUTEWATCH_INGEST_PROCESS", "0")  # many small files: no reader forks
        _bounds(patch, ONE_PER_BLOCK)
        paths = [_write(root / f"chat{n:03d}" / "result.json", [c]) for n, c in enumerate(_chats())]
        report, _ = _ingest(root / "apart.duckdb", paths)
    _exact(report)
    return report.as_dict(), root / "apart.duckdb"


@pytest.mark.parametrize("bounds", BOUNDS)
def test_many_chats_store_what_each_chat_stores_alone_and_what_one_batch_a_block_stores(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    apart: tuple[dict[str, Any], Path],
    bounds: tuple[int, int] | None,
) -> None:
    account = _write(tmp_path / "account" / "result.json", _chats())
    _bounds(monkeypatch, ONE_PER_BLOCK)
    blockwise, _ = _ingest(tmp_path / "blockwise.duckdb", [account])
    _bounds(monkeypatch, bounds)
    joined, heard = _ingest(tmp_path / "joined.duckdb", [account])
    _exact(joined)
    assert joined.files[0].counts == blockwise.files[0].counts
    assert [joined.as_dict()[k] for k in COUNTS] == [apart[0][k] for k in COUNTS]
    size = account.stat().st_size
    assert heard and heard[-1] == (size, size)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)
    one = _tables(tmp_path / "joined.duckdb", WALL)
    assert one["posts"] and one["links"] and one["quarantine"] and one["nonpost_ids"]
    assert one == _tables(tmp_path / "blockwise.duckdb", WALL)  # positions and paths too
    assert _sources(tmp_path / "joined.duckdb") == _sources(tmp_path / "blockwise.duckdb")
    assert _tables(tmp_path / "joined.duckdb", PLACE) == _tables(apart[1], PLACE)


@pytest.mark.parametrize("bounds", BOUNDS)
def test_a_bad_record_in_one_chat_of_many_is_quarantined_at_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bounds: tuple[int, int] | None
) -> None:
    chats = _chats()
    account = _write(tmp_path / "account" / "result.json", chats)
    _bounds(monkeypatch, bounds)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [account], IngestOptions())
        rows = store.con.execute(
            "SELECT path, position, reason, raw FROM quarantine WHERE reason LIKE 'not a read%'"
        ).fetchall()
        neighbours = store.con.execute(
            "SELECT message_id FROM posts WHERE account_id = ? ORDER BY 1", [str(5000 + BAD)]
        ).fetchall()
    _exact(report)
    position = sum(len(c["messages"]) for c in chats[:BAD]) + 1
    [(path, at, reason, raw)] = rows
    assert (path, at) == (str(account), position)
    assert reason.startswith("not a readable message: Expected `int`, got `str`")
    assert '"id": "two"' in raw
    assert neighbours == [(1,), (4,)]  # the chat's other messages are kept


def test_consecutive_small_chats_leave_as_one_batch_and_a_big_chat_as_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's batches at a bound of 100 records: chat 7 (800 posts) is one batch of its
    own, the small chats around it are joined; every record is read once, in file order."""
    account = _write(tmp_path / "account" / "result.json", _chats())

    def read() -> list[Any]:
        with account.open("rb") as fh:
            return list(telegram.read(fh, account))

    _bounds(monkeypatch, ONE_PER_BLOCK)
    blockwise = read()
    _bounds(monkeypatch, (100, 1 << 40))
    joined = read()
    batches = [i for i in joined if isinstance(i, PostBatch)]
    sizes = [len(b) for b in batches]
    assert 800 in sizes and len(batches) < 8
    assert len([i for i in blockwise if isinstance(i, PostBatch)]) > 60
    assert all(len(b) + len(b.others) < 100 + 10 for b in batches if len(b) != 800)
    assert _flat(joined) == _flat(blockwise)


def test_at_the_default_bounds_an_export_of_small_chats_is_read_as_one_batch(
    tmp_path: Path,
) -> None:
    """About 1,000 posts in 90 chats (one bad record among them): one Arrow table, not one
    per chat (75 on the code before the chats were joined)."""
    account = _write(tmp_path / "account" / "result.json", _chats())
    with account.open("rb") as fh:
        items = list(telegram.read(fh, account))
    [batch] = [i for i in items if isinstance(i, PostBatch)]
    assert len(batch) > 900 and batch.table["account_id"].num_chunks == 1


def _flat(items: list[Any]) -> list[Any]:
    """Rows and records as read, batches opened: posts by position, then the rest in order."""
    posts: list[Any] = []
    rest: list[Any] = []
    for item in items:
        if isinstance(item, PostBatch):
            posts.extend(item.posts())
            rest.extend(item.others)
        else:
            rest.append(item)
    return sorted(posts, key=lambda p: p.position) + rest


class _Stop(Exception):
    pass


def test_a_run_stopped_after_some_commits_resumes_to_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Joined batches at tiny bounds, a commit every 40 records: the run is stopped by its
    caller after its third commit, then run again; it resumes and stores what one run does."""
    monkeypatch.setattr(ingest_module, "BATCH_RECORDS", 40)
    _bounds(monkeypatch, (5, 1 << 40))
    account = _write(tmp_path / "account" / "result.json", _chats())
    clean, _ = _ingest(tmp_path / "clean.duckdb", [account])

    commits: list[int] = []

    def stop(_path: Path, _done: int, _total: int) -> None:
        commits.append(_done)
        if len(commits) == 3:  # past chat 7 (800 posts), among joined small chats
            raise _Stop

    with Store.open(tmp_path / "stopped.duckdb") as store:
        with pytest.raises(_Stop):
            ingest(store, [account], IngestOptions(), progress=stop)
        [(position, read)] = store.con.execute("SELECT position, read FROM sources").fetchall()
    assert sum(len(c["messages"]) for c in _chats()[:8]) < read <= position < clean.read
    resumed, _ = _ingest(tmp_path / "stopped.duckdb", [account])
    assert resumed.files[0].status == "resumed"
    assert resumed.files[0].counts == clean.files[0].counts  # the stopped run's included
    _exact(resumed)
    assert _tables(tmp_path / "stopped.duckdb", WALL) == _tables(tmp_path / "clean.duckdb", WALL)
    assert _sources(tmp_path / "stopped.duckdb") == _sources(tmp_path / "clean.duckdb")
