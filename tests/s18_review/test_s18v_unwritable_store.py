"""A user who may read the store but not write its directory (nor so create the journals
beside it), nor read a journal another user made: a real `mutewatch serve` run by it
starts, says at its start that the journals cannot be written and what that means, and
logs users in as it did before the journals (audit entries and log-outs then queued for
the store); `mutewatch audit` run by it lists the log as the store has it, with a note;
`mutewatch users add` run by it on a store it may write adds the user, with a note.

Before: the server said nothing, and every dashboard login, good or bad, was answered 500
"internal error: PermissionError" (the journal's open), where it used to log users in;
`mutewatch audit` failed with exit 4 whenever the journal held an entry, `users add` with
a PermissionError traceback.
Run as root only: both run as nobody (setpriv), since root writes anywhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from webfactory import Env, form_login_sync, make_env, wait_for_port

from mutewatch.store import Store, when_free
from mutewatch.web.auth import (
    AuditJournal,
    RevocationJournal,
    audit_journal_path,
    revocation_journal_path,
)

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("setpriv"),
        reason="starts the server as nobody (setpriv), which needs root",
    ),
]


@contextmanager
def _store_for_nobody(directory_mode: int, store_mode: int) -> Iterator[tuple[Env, Path]]:
    """A store (``make_env``) in a directory outside root's 0700 temporary one, the store
    file and its directories in these modes; and a directory of nobody's own (its HOME, the
    port file, the log)."""
    root = Path(tempfile.mkdtemp(prefix="mw-s18v-"))
    try:
        env = make_env(root / "store")
        for path in (root, env.path.parent):
            path.chmod(directory_mode)
        env.path.chmod(store_mode)
        own = root / "nobody"
        own.mkdir()
        own.chmod(0o777)
        yield env, own
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def readable_only() -> Iterator[tuple[Env, Path]]:
    """A store nobody may read but not write, in a directory nobody may not write."""
    with _store_for_nobody(0o755, 0o644) as made:
        yield made


def test_a_server_that_may_not_write_the_store_logs_users_in(
    readable_only: tuple[Env, Path],
) -> None:
    env, own = readable_only
    with _served_as_nobody(env, own) as url:
        transport = httpx.HTTPTransport(local_address="127.0.0.61")
        with httpx.Client(base_url=url, transport=transport, timeout=120) as client:
            answer = form_login_sync(client, "viewer1", env.tokens["viewer"])
            assert answer.status_code == 303, answer.text[:300]
            assert client.get("/").status_code == 200
            client.cookies.clear()
            wrong = form_login_sync(client, "viewer1", "mw_" + "x" * 43)
            assert wrong.status_code == 401, wrong.text[:300]
    said = (own / "server.log").read_text()
    for name in ("store.duckdb.audit.jsonl", "store.duckdb.revoked.jsonl"):
        assert f"cannot write the journal {env.path.parent / name}" in said, said[-2000:]


def test_audit_by_a_user_who_may_only_read_lists_the_store_with_a_note(
    readable_only: tuple[Env, Path],
) -> None:
    """`mutewatch audit` as nobody while the journal holds an entry (root's, 0600): the log
    as the store has it, exit 0, and a note that the journal's entries are not shown.
    Before: exit 4, "cannot open the store ...: Permission denied", nothing listed."""
    env, own = readable_only
    AuditJournal(audit_journal_path(env.path)).append(
        "login", actor="journalled", target=None, detail=None, ip="127.0.0.62", ok=True,
        at=datetime(2026, 1, 1, 12),
    )  # fmt: skip
    shown = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         sys.executable, "-m", "mutewatch", "--store", str(env.path), "audit", "--json"],
        capture_output=True, text=True, timeout=300, cwd=own,
        env={**os.environ, "TZ": "UTC", "HOME": str(own)},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["chain"]["intact"]
    assert "journalled" not in {e["actor"] for e in report["entries"]}
    assert f"{audit_journal_path(env.path)} holds entries not in the store yet" in " ".join(
        shown.stderr.split()
    )


def test_users_add_by_a_user_who_may_not_read_the_journal() -> None:
    """`mutewatch users add` as nobody on a store it may write, while the journal holds
    an entry only its maker (root, 0600) may read: the user is added, with a note, and the
    entry is written after it once root's `mutewatch audit` runs. Before: PermissionError
    traceback, nobody added."""
    with _store_for_nobody(0o777, 0o666) as (env, own):
        journal = audit_journal_path(env.path)
        AuditJournal(journal).append(
            "login", actor="journalled", target=None, detail=None, ip="127.0.0.63", ok=True,
            at=datetime(2026, 1, 1, 12),
        )  # fmt: skip
        added = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-m", "mutewatch", "--store", str(env.path), "users", "add",
             "nobody1", "--role", "viewer", "--json"],
            capture_output=True, text=True, timeout=300, cwd=own,
            env={**os.environ, "TZ": "UTC", "HOME": str(own)},
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        assert json.loads(added.stdout)["name"] == "nobody1"
        assert f"{journal} may not be read and cut by this user" in " ".join(added.stderr.split())
        shown = subprocess.run(
            [sys.executable, "-m", "mutewatch", "--store", str(env.path), "audit", "--json"],
            capture_output=True, text=True, timeout=300, env={**os.environ, "TZ": "UTC"},
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        report = json.loads(shown.stdout)
        actors = [(e["action"], e["actor"], e["target"]) for e in report["entries"]]
        assert actors[:2] == [("login", "journalled", None), ("user.add", "cli", "nobody1")]
        assert report["chain"]["intact"]


def test_a_journal_of_another_user_stops_neither_the_start_nor_the_other_journal() -> None:
    """A server run as nobody on a store it may write, beside a journal of ended sessions
    only root may read (0600, as journals are made): it starts, says so, and its writer
    moves the logins it journals into web_audit while it runs; a log-out, its journal
    not writable, is queued for the store and marks the session's row. Before: the server did not
    start (PermissionError reading that journal); past that, every move of the journals
    stopped at it, so no entry reached web_audit until a restart or `mutewatch audit`."""
    with _store_for_nobody(0o777, 0o666) as (env, own):
        revoked = revocation_journal_path(env.path)
        RevocationJournal(revoked).append("0" * 64, datetime(2026, 1, 1, 12))
        with _served_as_nobody(env, own) as url:
            transport = httpx.HTTPTransport(local_address="127.0.0.64")
            with httpx.Client(base_url=url, transport=transport, timeout=120) as client:
                answer = form_login_sync(client, "viewer1", env.tokens["viewer"])
                assert answer.status_code == 303, answer.text[:300]
                page = client.get("/", headers={"Accept": "text/html"}).text
                found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page)
                assert found, page[:300]
                # its journal not writable: the log-out is queued for the store, as before
                out = client.post("/logout", data={"csrf": found.group(1)})
                assert out.status_code == 303, out.text[:300]
            deadline = time.monotonic() + 60
            while _in_store(env.path) != (1, 1) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert _in_store(env.path) == (1, 1)
        said = (own / "server.log").read_text()
        assert f"cannot write the journal {revoked}" in said, said[-2000:]


@contextmanager
def _served_as_nobody(env: Env, own: Path) -> Iterator[str]:
    """`mutewatch serve` run as nobody on ``env``'s store (log in ``own``); its URL."""
    log = (own / "server.log").open("w")
    serve = [
        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        sys.executable, "-m", "mutewatch", "--store", str(env.path), "serve",
        "--host", "127.0.0.1", "--port", "0", "--port-file", str(own / "port"),
        "--no-moderation",
    ]  # fmt: skip
    process = subprocess.Popen(
        serve, stdout=log, stderr=subprocess.STDOUT, cwd=own,
        env={**os.environ, "TZ": "UTC", "HOME": str(own), "XDG_CACHE_HOME": str(own),
             "MUTEWATCH_PSEUDONYM_KEY": "live-test-key"},
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{wait_for_port(own / 'port', process, 120)}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _in_store(store: Path) -> tuple[int, int]:
    """The successful logins in web_audit and the revoked sessions in web_sessions, read
    while the server runs (it lets go of the store between writes)."""
    with when_free(store, lambda: Store.open(store, read_only=True), 60, poll=0.2) as opened:
        row = opened.con.execute(
            "SELECT (SELECT count(*) FROM web_audit WHERE action = 'login' AND ok), "
            "(SELECT count(*) FROM web_sessions WHERE revoked_at IS NOT NULL)"
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)
