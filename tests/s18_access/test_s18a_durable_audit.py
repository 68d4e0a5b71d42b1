"""The access audit survives a server killed with SIGKILL right after it answered.

Each entry (a login, a failed login, ...) used to be queued for the server's writer thread
and written after the answer went out: a `kill -9` lost what was still queued, and while
another process held the store (an ingest), that was every entry since. Now each entry is
fsync'd to a journal beside the store before the answer, and the writer, the next server
start and `mutewatch audit` move it into the store, once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from s18a_serving import Served, audit_command, started
from webfactory import make_env

from mutewatch.store import Store, when_free
from mutewatch.web.auth import (
    AuditJournal,
    audit_chain,
    audit_journal_path,
    migrate_web,
    read_audit,
    replay_audit_journal,
)

pytestmark = pytest.mark.server

FAILED = 12  # failed logins, 2 from each of 6 addresses (5 from one would be blocked)


@contextmanager
def _holding(store: Path) -> Iterator[None]:
    """The store opened to write by this process, as an ingest holds it, once the server's
    writer let it go (it writes at its start, for longer on a loaded runner): the writer
    cannot get to it meanwhile (its reads come from its snapshot)."""
    with when_free(store, lambda: Store.open(store), 120, 0.05):
        yield


def _logins(served: Served, tag: str, role: str = "analyst") -> list[tuple[str, str]]:
    """FAILED failed logins and a good one as ``role``1, each answered; their (action,
    actor)."""
    done = []
    for i in range(FAILED):
        address = f"127.0.18.{10 + i // 2}"
        assert served.login(address, f"{tag}-{i}", "mw_wrong") == 401
        done.append(("login.failed", f"{tag}-{i}"))
    assert served.login("127.0.18.30", f"{role}1", served.token(role)) == 303
    done.append(("login", f"{role}1"))
    return done


def _mine(entries: list[dict[str, Any]], tag: str, role: str = "analyst") -> list[tuple[str, str]]:
    """The (action, actor) of the entries of ``_logins(served, tag, role)``, oldest first."""
    mine = [e for e in entries if str(e["actor"]).startswith(tag) or e["actor"] == f"{role}1"]
    return [(e["action"], e["actor"]) for e in sorted(mine, key=lambda e: e["id"])]


def _api_audit(
    served: Served, found: Callable[[list[dict[str, Any]]], bool], seconds: float = 60
) -> list[dict[str, Any]]:
    """``GET /api/v1/audit`` as admin1 once ``found(entries)`` holds, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    bearer = {"Authorization": f"Bearer {served.token('admin')}"}
    while True:
        answer = httpx.get(
            served.url + "/api/v1/audit", params={"limit": 5000}, headers=bearer, timeout=60
        )
        assert answer.status_code == 200, answer.text[:300]
        entries: list[dict[str, Any]] = answer.json()["entries"]
        if found(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.2)


def test_entries_of_answered_logins_survive_a_kill_and_are_written_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    env = make_env(tmp_path_factory.mktemp("s18a-kill-store"))
    log = tmp_path_factory.mktemp("s18a-kill-log")
    # the writer cannot write while this process holds the store: every entry waits
    with started(env, log) as served, _holding(env.path):
        expected = _logins(served, "s18a-held")
        served.server.process.kill()  # SIGKILL, right after the last answer
        served.server.process.wait(timeout=30)
    report = audit_command(env.path)  # written by `mutewatch audit` before it reads
    assert _mine(report["entries"], "s18a-held") == expected
    assert report["chain"]["intact"] and report["chain"]["broken_at"] is None
    # a restarted server writes none of them again
    with started(env, tmp_path_factory.mktemp("s18a-kill-log2")) as again:
        assert again.login("127.0.18.31", "viewer1", again.token("viewer")) == 303
        entries = _api_audit(again, lambda got: any(e["actor"] == "viewer1" for e in got))
        assert _mine(entries, "s18a-held") == expected
    report = audit_command(env.path)
    assert _mine(report["entries"], "s18a-held") == expected
    assert report["chain"]["intact"]


def test_a_restarted_server_writes_what_a_killed_one_left_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    env = make_env(tmp_path_factory.mktemp("s18a-restart-store"))
    log = tmp_path_factory.mktemp("s18a-restart-log")
    with started(env, log) as served, _holding(env.path):  # nothing written, all journalled
        expected = _logins(served, "s18a-first")
        served.server.process.kill()
        served.server.process.wait(timeout=30)
    # the store free: the next server writes the first round at its start, and its writer
    # may have written some of the second round, or all, before it is killed
    with started(env, tmp_path_factory.mktemp("s18a-restart-log2")) as served:
        more = _logins(served, "s18a-second", "admin")
        served.server.process.kill()
        served.server.process.wait(timeout=30)
    with started(env, tmp_path_factory.mktemp("s18a-restart-log3")) as again:

        def done(got: list[dict[str, Any]]) -> bool:
            return _mine(got, "s18a-second", "admin") == more

        entries = _api_audit(again, done)
        assert _mine(entries, "s18a-first") == expected
        assert _mine(entries, "s18a-second", "admin") == more
    report = audit_command(env.path)
    assert _mine(report["entries"], "s18a-first") == expected
    assert _mine(report["entries"], "s18a-second", "admin") == more
    assert report["chain"]["intact"]
    assert report["chain"]["entries"] == len(report["entries"])


def test_journal_lines_already_in_the_store_are_not_written_again(tmp_path: Path) -> None:
    """A writer killed after its commit but before it cut the journal leaves lines in both."""
    path = tmp_path / "store.duckdb"
    journal = AuditJournal(audit_journal_path(path))
    at = datetime.now(UTC).replace(tzinfo=None)
    for i in range(3):
        journal.append("login.failed", actor=f"j{i}", target=None, detail={"n": i},
                       ip="192.0.2.1", ok=False, at=at)  # fmt: skip
    lines = journal.path.read_bytes()
    with Store.open(path) as store:
        migrate_web(store.con)
        assert replay_audit_journal(store, journal.path) == 3
        assert journal.path.read_bytes() == b""  # cut once written
        journal.path.write_bytes(lines + b'{"key": "cut short by a cr')  # as if never cut
        journal.append("logout", actor="j3", target=None, detail=None, ip=None, ok=True, at=at)
        assert replay_audit_journal(store, journal.path) == 1
        entries = read_audit(store, 100)
        assert [(e["action"], e["actor"]) for e in reversed(entries)] == [
            ("login.failed", "j0"), ("login.failed", "j1"), ("login.failed", "j2"),
            ("logout", "j3"),
        ]  # fmt: skip
        assert entries[-1]["detail"] == '{"n": 0}'
        assert audit_chain(store)["intact"]
        assert journal.path.read_bytes() == b""
