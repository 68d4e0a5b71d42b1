"""Each file's ingest takes the latest names of the accounts listed in names_pending only,
where it once took every account's (a cost that grew with the store); the stores are the same.

Before, every finished file ran one UPDATE setting each account's name to its latest
(``arg_max`` over account_names). The rest of the writer is unchanged, so a store built now
is the one built before exactly when that UPDATE would change nothing after each file:
every account's name is the latest of its account_names. That is checked after each file
of a demo (renames, forwards, many chats and formats), after a file read again with
another --tz, after a run killed between batches (its accounts taken by the next file that
finishes, as before), and for a store from before names_pending (with a killed run's stale
name in it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.demo import generate, write_benchmark_export
from mutewatch.ingest import FORMATS, IngestOptions, _options_key, files, ingest
from mutewatch.model import NameSeen, Record
from mutewatch.store import Store
from mutewatch.store.writer import SourceWriter

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MAPPING = {"account": "handle", "time": "when", "text": "body", "message_id": "msg"}

# The UPDATE every finished file ran before: the accounts whose name it would change.
STALE = """
SELECT a.platform, a.account_id, a.name, n.name FROM accounts a JOIN (
    SELECT platform, account_id,
           arg_max(name, coalesce(last_seen, TIMESTAMP '0001-01-01')) AS name
    FROM account_names GROUP BY ALL) n USING (platform, account_id)
WHERE a.name IS DISTINCT FROM n.name
ORDER BY ALL
"""


def _stale(path: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(STALE).fetchall()
    finally:
        con.close()


def _pending(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM names_pending").fetchall()[0][0])
    finally:
        con.close()


def _ingest(store_path: Path, path: Path, options: IngestOptions | None = None) -> str:
    store = Store.open(store_path)
    try:
        return ingest(store, [path], options or IngestOptions()).files[0].status
    finally:
        store.close()


def _names_in_demo(store_path: Path) -> tuple[int, int]:
    """(accounts with more than one name, posts forwarded from a named channel)."""
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        renamed = con.execute(
            "SELECT count(*) FROM (SELECT account_id FROM account_names "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0][0]
        forwards = con.execute(
            "SELECT count(*) FROM posts WHERE forwarded_from IS NOT NULL"
        ).fetchall()[0][0]
        return int(renamed), int(forwards)
    finally:
        con.close()


def test_after_each_file_of_a_demo_every_account_has_its_latest_name(tmp_path: Path) -> None:
    demo = generate(tmp_path / "demo", seed=5, scale=0.03)
    exports = sorted(p for p in demo.exports.rglob("*") if p.is_file())
    assert len(exports) > 10
    store_path = tmp_path / "store.duckdb"
    options = IngestOptions(tz=demo.tz)
    for path in exports:
        _ingest(store_path, path, options)
        assert _stale(store_path) == [], path
        assert _pending(store_path) == 0
    renamed, forwards = _names_in_demo(store_path)
    assert renamed > 0 and forwards > 0  # the sequence holds renames and forwards
    # a file read again with another zone: its time-from-local posts move, names with them
    for path in exports[:5]:
        _ingest(store_path, path, IngestOptions(tz="Asia/Tokyo"))
        assert _stale(store_path) == [], path


def _kill_after_first_batch(store_path: Path, csv: Path, options: IngestOptions) -> None:
    """What a ``kill -9`` leaves after the first batch of ``csv`` committed: the real
    reader's records up to position 2 written by the real writer, which never finishes."""
    with csv.open("rb") as fh:
        items = list(FORMATS["csv"](fh, csv, options))
    records: list[Record] = [i for i in items if not isinstance(i, NameSeen)]
    first = [r for r in records if getattr(r, "position", 0) < 2]
    names = [i for i in items if isinstance(i, NameSeen) and i.account_id == "alpha_account"]
    store = Store.open(store_path)
    try:
        writer = SourceWriter(
            store,
            str(csv),
            "csv",
            files.sha256_of(csv),
            csv.stat().st_size,
            options=_options_key("csv", options),
        )
        writer.write(first, names, 2)
    finally:
        store.close()


def test_a_killed_runs_accounts_take_their_latest_name_when_the_next_file_finishes(
    tmp_path: Path,
) -> None:
    store_path = tmp_path / "store.duckdb"
    csv = FIXTURES / "tabular" / "posts.csv"
    options = IngestOptions(mapping=MAPPING, platform="forum")
    options.validate()
    _kill_after_first_batch(store_path, csv, options)
    assert _stale(store_path) == [("forum", "alpha_account", None, "alpha_account")]
    # another file finishes: it takes the killed run's accounts as well (as every file did)
    other = tmp_path / "chat.json"
    write_benchmark_export(other, messages=30, seed=4)
    assert _ingest(store_path, other) == "new"
    assert _stale(store_path) == []
    assert _pending(store_path) == 0
    assert _ingest(store_path, csv, options) == "resumed"
    assert _stale(store_path) == []


def test_a_store_from_before_names_pending_takes_every_accounts_latest_name(
    tmp_path: Path,
) -> None:
    store_path = tmp_path / "store.duckdb"
    for seed in (1, 2):
        path = tmp_path / f"chat{seed}.json"
        write_benchmark_export(path, messages=30, seed=seed)
        _ingest(store_path, path)
    # the store as the code before names_pending left it, with a run killed after a batch
    # that recorded a newer name (the next finished file would have taken it)
    con = duckdb.connect(str(store_path))
    try:
        con.execute("DROP TABLE names_pending")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version:ingest'")
        victim = con.execute("SELECT platform, account_id FROM accounts LIMIT 1").fetchall()[0]
        con.execute(
            "INSERT INTO account_names VALUES (?, ?, 'Renamed Placeholder', "
            "TIMESTAMP '2030-01-01', TIMESTAMP '2030-01-01')",
            list(victim),
        )
    finally:
        con.close()
    assert len(_stale(store_path)) == 1
    later = tmp_path / "chat3.json"
    write_benchmark_export(later, messages=30, seed=3)
    _ingest(store_path, later)
    assert _stale(store_path) == []
    assert _pending(store_path) == 0


@pytest.mark.parametrize("fixture", ["telegram/single/result.json", "telegram/minified.json"])
def test_fixtures_one_after_another(tmp_path: Path, fixture: str) -> None:
    store_path = tmp_path / "store.duckdb"
    for path in (FIXTURES / fixture, FIXTURES / "telegram" / "account" / "result.json"):
        _ingest(store_path, path)
        assert _stale(store_path) == []
