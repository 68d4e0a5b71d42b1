"""The journal of ended sessions (``web.auth.RevocationJournal``) and its move into the
store (``replay_revocations``), on a real DuckDB file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from mutewatch.store import Store
from mutewatch.web.auth import (
    RevocationJournal,
    hash_secret,
    migrate_web,
    replay_revocations,
    revocation_journal_path,
)


def test_replay_marks_live_rows_once_and_skips_a_line_cut_short(tmp_path: Path) -> None:
    """The writer's move of the journal into ``web_sessions``: rows written are marked, a
    session whose row is not there is cut from the journal all the same (its row is
    written revoked, or never), a line cut short by a crash is skipped."""
    path = tmp_path / "store.duckdb"
    journal = RevocationJournal(revocation_journal_path(path))
    now = datetime.now(UTC).replace(tzinfo=None)
    until = now + timedelta(hours=12)
    with Store.open(path) as store:
        migrate_web(store.con)
        for name in ("a", "b"):
            store.con.execute(
                "INSERT INTO web_sessions (session_hash, name, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                [hash_secret(name), name, now, until],
            )
        journal.append(hash_secret("a"), until)
        journal.append(hash_secret("never-written"), until)
        journal.path.write_bytes(journal.path.read_bytes() + b'{"session": "cut sh')
        journal.append(hash_secret("a"), until)  # twice: a second server's log-out
        assert set(journal.sessions()) == {hash_secret("a"), hash_secret("never-written")}
        assert replay_revocations(store, journal.path) == 2
        assert not journal.pending()
        rows = store.con.execute(
            "SELECT session_hash, revoked_at IS NOT NULL FROM web_sessions"
        ).fetchall()
        assert sorted(rows) == sorted([(hash_secret("a"), True), (hash_secret("b"), False)])
