"""A line of a journal beside the store that is no entry the server writes (hand-made,
or from elsewhere) is skipped, as a line cut short by a crash is: it neither stops every
entry after it from reaching the store nor breaks the audit chain, and an ended session's
time is compared with the server's clock without a TypeError.

Before: a line whose key was a number made every replay of the audit journal fail
(DuckDB could not bind the key list), so no entry after it ever reached ``web_audit`` and
`mutewatch audit` failed; a time with an offset was hashed with it and stored without it
(chain BROKEN); an ended session's ``until`` that was a number stopped the server's start,
and one with an offset made every login's pruning raise TypeError.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from webfactory import form_login_sync, make_env, running_server

from mutewatch.store import Store
from mutewatch.web.auth import (
    AuditJournal,
    RevocationJournal,
    audit_chain,
    audit_journal_path,
    migrate_web,
    replay_audit_journal,
    revocation_journal_path,
)


def _line(**fields: object) -> bytes:
    entry: dict[str, object] = {
        "key": "k-forged", "ts": "2026-01-01T00:00:00", "actor": "x", "action": "login",
        "target": None, "detail": "{}", "ip": None, "ok": True,
    }  # fmt: skip
    entry.update(fields)
    return (json.dumps(entry) + "\n").encode()


def _append(journal: AuditJournal, actor: str) -> None:
    journal.append(
        "login", actor=actor, target=None, detail=None, ip="127.0.0.9", ok=True,
        at=datetime(2026, 1, 1, 12),
    )  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [
        _line(key=5),  # a key no string: the batch could not be bound
        _line(action=None),  # NOT NULL: the batch's transaction failed
        _line(ts=123),  # TypeError from fromisoformat
        _line(actor=["x"]),  # written as "['x']", hashed as a list: chain broken
        _line(ok="yes"),
    ],
)
def test_a_line_of_the_wrong_types_is_skipped_and_the_rest_written(
    tmp_path: Path, bad: bytes
) -> None:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        migrate_web(store.con)
    journal = AuditJournal(audit_journal_path(path))
    _append(journal, "before")
    with journal.path.open("ab") as f:
        f.write(bad)
    _append(journal, "after")
    with Store.open(path) as store:
        assert replay_audit_journal(store, journal.path) == 2
        actors = store.con.execute("SELECT actor FROM web_audit ORDER BY id").fetchall()
        chain = audit_chain(store)
    assert actors == [("before",), ("after",)]
    assert chain["intact"] and chain["entries"] == 2
    assert not journal.pending()


def test_a_time_with_an_offset_is_written_as_utc_and_the_chain_holds(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        migrate_web(store.con)
    journal = AuditJournal(audit_journal_path(path))
    journal.path.write_bytes(_line(ts="2026-01-01T01:30:00+01:00"))
    with Store.open(path) as store:
        assert replay_audit_journal(store, journal.path) == 1
        ts = store.con.execute("SELECT ts FROM web_audit").fetchall()
        chain = audit_chain(store)
    assert ts == [(datetime(2026, 1, 1, 0, 30),)]
    assert chain["intact"], chain


def test_ended_sessions_times_are_naive_utc_and_a_number_is_skipped(tmp_path: Path) -> None:
    journal = RevocationJournal(revocation_journal_path(tmp_path / "store.duckdb"))
    journal.path.write_bytes(
        b'{"session": "s-number", "until": 5}\n'
        b'{"session": 7, "until": "2026-01-01T00:00:00"}\n'
        b'{"session": "s-offset", "until": "2026-01-01T02:00:00+02:00"}\n'
    )
    ended = journal.sessions()
    assert ended == {"s-offset": datetime(2026, 1, 1)}
    now = datetime.now(UTC).replace(tzinfo=None)  # as the server compares them (_now)
    assert all(until <= now for until in ended.values())


@pytest.mark.server
def test_a_server_starts_and_journals_past_forged_lines(tmp_path: Path) -> None:
    """A real server started with a forged line in each journal: it starts, a login is
    answered, and `mutewatch audit` lists the login (its line came after the forged one)."""
    env = make_env(tmp_path / "store")
    audit_journal_path(env.path).write_bytes(_line(key=5))
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    revocation_journal_path(env.path).write_bytes(
        b'{"session": "s-number", "until": 5}\n'
        + json.dumps({"session": "s-offset", "until": until}).encode()
        + b"\n"
    )
    logdir = tmp_path / "log"
    logdir.mkdir()
    with running_server(env, logdir) as server:
        transport = httpx.HTTPTransport(local_address="127.0.0.31")
        with httpx.Client(base_url=server.url, transport=transport, timeout=120) as client:
            answer = form_login_sync(client, "viewer1", env.tokens["viewer"])
            assert answer.status_code == 303, (logdir / "server.log").read_text()
    shown = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(env.path), "audit", "--json",
         "--limit", "1000", "--wait", "120"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TZ": "UTC"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    logins = [e for e in report["entries"] if e["action"] == "login" and e["ok"]]
    assert [e["actor"] for e in logins] == ["viewer1"]
    assert report["chain"]["intact"]
