"""The moderation audit log's hash chain: written on every entry, chained by the migration
for entries written before it, and broken by any edit, deletion or unchained insert."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from service_more_helpers import ARTICLE, DEFAMATORY, comment, small_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import (
    AUDIT_FIELDS,
    GENESIS_HASH,
    MIGRATIONS,
    DirectAccess,
    ModerationService,
    audit_payload,
    moderation_audit_chain,
    payload_text,
)
from mutewatch.store import Store
from mutewatch.store.schema import migrate


def _busy(service: ModerationService) -> None:
    """Audit entries of every kind: article, submissions, approve, reject, edit."""
    held = comment(service, DEFAMATORY)
    other = comment(service)
    service.act(held, {"action": "approve", "note": "sourced"}, "mod1")
    service.act(other, {"action": "reject", "note": "n", "clause": "personal"}, "mod1")
    service.act(held, {"action": "edit", "text": "Smith met them.", "note": "n"}, "mod2")


def _sql(service: ModerationService, sql: str) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = service.access.write(lambda con: con.execute(sql).fetchall())
    return rows


def test_every_entry_is_chained(service: ModerationService) -> None:
    _busy(service)
    rows = _sql(service, "SELECT audit_id, prev_hash, hash FROM mod_audit ORDER BY audit_id")
    assert len(rows) == 6
    assert rows[0][1] == GENESIS_HASH
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))
    chain = service.audit_chain()
    assert chain == {"intact": True, "entries": 6, "head": rows[-1][2], "broken_at": None}


@pytest.mark.parametrize(
    ("tamper", "broken_at"),
    [
        ("UPDATE mod_audit SET note = 'nothing to see' WHERE audit_id = 3", 3),
        ("UPDATE mod_audit SET actor = 'someone else' WHERE audit_id = 4", 4),
        ("UPDATE mod_audit SET logged_at = logged_at + INTERVAL 1 SECOND WHERE audit_id = 2", 2),
        ("DELETE FROM mod_audit WHERE audit_id = 3", 4),
        ("UPDATE mod_audit SET hash = sha256('x') WHERE audit_id = 5", 5),
        ("INSERT INTO mod_audit (audit_id, logged_at, actor, action) VALUES"
         " (99, TIMESTAMP '2026-01-01', 'x', 'approve')", 99),
    ],
)  # fmt: skip
def test_tampering_breaks_the_chain(
    service: ModerationService, tamper: str, broken_at: int
) -> None:
    _busy(service)
    assert service.audit_chain()["intact"]
    _sql(service, tamper)
    chain = service.audit_chain()
    assert (chain["intact"], chain["broken_at"], chain["head"]) == (False, broken_at, None)


def _old_store(path: Path) -> None:
    """A store as the moderation migrations before the chain left it, with three entries."""
    con = duckdb.connect(str(path))
    migrate(con, component="moderate", migrations=MIGRATIONS[:2])
    for actor, action, note in [("cli", "article_added", None), ("machine", "submitted:hold",
                                 "Unicode é ✓ \"quoted\""), ("mod1", "approve", None)]:  # fmt: skip
        con.execute(
            "INSERT INTO mod_audit (audit_id, logged_at, actor, action, comment_id, note)"
            " VALUES (nextval('mod_audit_ids'), now()::TIMESTAMP, ?, ?, 'c1', ?)",
            [actor, action, note],
        )
    con.close()


def test_migration_chains_existing_entries_in_order(tmp_path: Path, moderator: Moderator) -> None:
    path = tmp_path / "old.duckdb"
    _old_store(path)
    with Store.open(path, read_only=True) as old:  # what `mutewatch audit` sees before it
        assert moderation_audit_chain(old) == {
            "intact": True, "entries": 3, "head": None, "broken_at": None
        }  # fmt: skip
    svc = ModerationService(DirectAccess(duckdb.connect(str(path))), small_policy(), moderator)
    rows = _sql(svc, "SELECT note, prev_hash, hash FROM mod_audit ORDER BY audit_id")
    assert rows[0][1] == GENESIS_HASH and rows[1][1] == rows[0][2] and rows[2][1] == rows[1][2]
    assert svc.audit_chain() == {
        "intact": True, "entries": 3, "head": rows[2][2], "broken_at": None
    }  # fmt: skip
    svc.add_article(ARTICLE, actor="tester")  # new entries continue the migrated chain
    chain = svc.audit_chain()
    assert (chain["intact"], chain["entries"]) == (True, 4)
    svc.close()


def test_hash_is_sha256_of_the_documented_payload(service: ModerationService) -> None:
    [(digest,)] = _sql(service, "SELECT hash FROM mod_audit")
    [(at,)] = _sql(service, "SELECT strftime(logged_at, '%Y-%m-%d %H:%M:%S.%f') FROM mod_audit")
    tester, added = b"tester".hex().upper(), b"article_added".hex().upper()
    payload = f"1|{at}|{tester}|{added}|-|{b'a1'.hex().upper()}|-|-|-|{GENESIS_HASH}"
    assert hashlib.sha256(payload.encode()).hexdigest() == digest


TEXT = st.one_of(st.none(), st.text(st.characters(codec="utf-8"), max_size=40))


@pytest.fixture(scope="module")
def memory_con() -> Iterator[duckdb.DuckDBPyConnection]:
    """One in-memory DuckDB for every example of the property below (it only runs a SELECT;
    a connection per example cost more than the example)."""
    with duckdb.connect() as con:
        yield con


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(TEXT, min_size=7, max_size=7), micros=st.integers(0, 999_999))
def test_python_payload_is_the_sql_payload(
    memory_con: duckdb.DuckDBPyConnection, texts: list[str | None], micros: int
) -> None:
    """Inserts build the payload in Python, the migration and the check in SQL: the same."""
    at = datetime(2026, 11, 29, 8, 39, 41, micros)
    values = [7, at, *texts, "f" * 64]
    sql = f"SELECT {audit_payload('', '?')} FROM (SELECT ? AS audit_id, ? AS logged_at, " + (
        ", ".join(f"CAST(? AS VARCHAR) AS {name}" for name in AUDIT_FIELDS) + ")"
    )
    row = memory_con.execute(sql, [values[-1], *values[:-1]]).fetchone()
    assert row is not None and row[0] == payload_text(7, at, texts, "f" * 64)


def test_odd_text_still_verifies(service: ModerationService) -> None:
    cid = comment(service, 'Tabs\tand\nnew lines, quotes " and | pipes, émoji 😀, e\u0301.')
    service.act(cid, {"action": "reject", "note": '-|\\u00e9 "x"\u2028'}, "mod 😀")
    assert service.audit_chain()["intact"]


def test_chain_of_a_store_without_moderation(tmp_path: Path) -> None:
    with Store.open(tmp_path / "plain.duckdb") as store:
        assert moderation_audit_chain(store) == {
            "intact": True, "entries": 0, "head": None, "broken_at": None
        }  # fmt: skip
        assert moderation_audit_chain(store.con)["entries"] == 0


def test_read_only_store_verifies_like_the_service(
    service: ModerationService, tmp_path: Path
) -> None:
    _busy(service)
    expected = service.audit_chain()
    service.close()
    with Store.open(tmp_path / "store.duckdb", read_only=True) as store:  # the fixture's file
        assert moderation_audit_chain(store) == expected
