"""A session ended, or a user disabled, stays so after the server is killed with SIGKILL
right after it answered, and started again on the same store.

A log-out used to be a queued write: the server answered, and its writer marked the
session's row revoked afterwards. A `kill -9` before the writer got to it (at once while
another process, an ingest, held the store) left the row live, and the old cookie worked
again after the restart for up to 12 h, while the audit log said "logout". Now the ended
session is fsync'd to a journal beside the store (``STORE.revoked.jsonl``) before the
answer; the next server refuses it from its start and marks the row.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from webfactory import Env, LiveServer, form_login_sync, make_env, running_server

from mutewatch.store import Store, when_free
from mutewatch.web.auth import SESSION_COOKIE, hash_secret

pytestmark = pytest.mark.server


def _client(server: LiveServer, address: str) -> httpx.Client:
    """A browser-like client (cookie jar) of ``server`` from ``address`` in 127.0.0.0/8."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=120)


def _signed_in(client: httpx.Client, env: Env, role: str) -> str:
    """Log in through the form as ``role``1; the session cookie's value."""
    assert form_login_sync(client, f"{role}1", env.tokens[role]).status_code == 303
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    assert client.get("/api/v1/me").status_code == 200
    return cookie


def _csrf(client: httpx.Client) -> str:
    """The CSRF token of the client's session, from a page's log-out form (viewer1's 403)."""
    page = client.get("/admin", headers={"Accept": "text/html"})
    found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
    assert found, f"no CSRF token on {page.status_code} /admin"
    return found.group(1)


def _journal(env: Env) -> Path:
    """The journal of ended sessions beside the store (``auth.revocation_journal_path``)."""
    return Path(str(env.path) + ".revoked.jsonl")


def _pending(env: Env) -> bool:
    journal = _journal(env)
    return journal.exists() and journal.stat().st_size > 0


def session_row(store: Store, cookie: str) -> tuple[object, ...] | None:
    """(name, revoked_at) of the session row of ``cookie``, or None."""
    row = store.con.execute(
        "SELECT name, revoked_at FROM web_sessions WHERE session_hash = ?", [hash_secret(cookie)]
    ).fetchone()
    return None if row is None else tuple(row)


@contextmanager
def _holding(path: Path, *written: str) -> Iterator[Store]:
    """The store opened to write by this process, as an ingest holds it, once the server's
    writer let it go and has written the session rows of the cookies ``written``: the
    writer cannot write meanwhile (its reads come from its snapshot)."""
    deadline = time.monotonic() + 120
    while True:
        store = when_free(path, lambda: Store.open(path), 120, 0.05)
        if all(session_row(store, cookie) for cookie in written):
            break
        store.close()
        assert time.monotonic() < deadline, "the server did not write the session rows"
        time.sleep(0.2)
    try:
        yield store
    finally:
        store.close()


def _kill(server: LiveServer) -> None:
    server.process.kill()  # SIGKILL
    server.process.wait(timeout=30)


def _refused(server: LiveServer, cookie: str) -> None:
    """The cookie opens neither the API (401) nor a page (to the login form)."""
    with httpx.Client(base_url=server.url, timeout=120) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get("/api/v1/me").status_code == 401
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code in (303, 307) and "/login" in page.headers["location"]


def _revoked_in_store(env: Env, cookie: str) -> None:
    """Once the server that replays the journal is stopped: the row is marked revoked and
    the journal is empty."""
    with Store.open(env.path, read_only=True) as store:
        row = session_row(store, cookie)
    assert row is not None and row[1] is not None, row
    assert not _pending(env)


def _replayed(env: Env, seconds: float = 60) -> None:
    """Wait until the running server emptied the journal of ended sessions."""
    deadline = time.monotonic() + seconds
    while _pending(env):
        assert time.monotonic() < deadline, "the server did not write the ended sessions"
        time.sleep(0.1)


def test_a_logout_answered_survives_a_kill(tmp_path_factory: pytest.TempPathFactory) -> None:
    env = make_env(tmp_path_factory.mktemp("s18r-logout-store"))
    log = tmp_path_factory.mktemp("s18r-logout-log")
    with running_server(env, log) as server, _client(server, "127.0.18.40") as browser:
        cookie = _signed_in(browser, env, "viewer")
        csrf = _csrf(browser)
        # the session's row is written; now nothing more can be until the kill
        with _holding(env.path, cookie):
            out = browser.post("/logout", data={"csrf": csrf})
            assert out.status_code == 303 and out.headers["location"] == "/login"
            _kill(server)
    with running_server(env, tmp_path_factory.mktemp("s18r-logout-log2")) as again:
        _refused(again, cookie)
        _replayed(env)
        _refused(again, cookie)
    _revoked_in_store(env, cookie)


def test_a_session_ended_by_a_new_login_survives_a_kill(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Logging in again in a browser signed in ends its session (pages._end_previous_session)."""
    env = make_env(tmp_path_factory.mktemp("s18r-relogin-store"))
    log = tmp_path_factory.mktemp("s18r-relogin-log")
    with running_server(env, log) as server, _client(server, "127.0.18.41") as browser:
        first = _signed_in(browser, env, "analyst")
        with _holding(env.path, first):
            second = _signed_in(browser, env, "analyst")
            assert second != first
            _kill(server)
    with running_server(env, tmp_path_factory.mktemp("s18r-relogin-log2")) as again:
        _refused(again, first)
        _refused(again, second)  # its row was never written: logging in again is all it costs
        _replayed(env)
    _revoked_in_store(env, first)


def test_a_user_disabled_through_the_api_stays_so_after_a_kill(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """DELETE /api/v1/users/NAME is answered once the writer committed it (gateway.write):
    the user's token and sessions stay refused after a kill -9 right after the answer."""
    env = make_env(tmp_path_factory.mktemp("s18r-disable-store"))
    admin = {"Authorization": f"Bearer {env.tokens['admin']}"}
    moderator = {"Authorization": f"Bearer {env.tokens['moderator']}"}
    with running_server(env, tmp_path_factory.mktemp("s18r-disable-log")) as server:
        with _client(server, "127.0.18.42") as browser:
            cookie = _signed_in(browser, env, "moderator")
        with _holding(env.path, cookie):
            pass  # its row written
        gone = httpx.delete(server.url + "/api/v1/users/moderator1", headers=admin, timeout=120)
        assert gone.status_code == 200, gone.text
        _kill(server)
    with running_server(env, tmp_path_factory.mktemp("s18r-disable-log2")) as again:
        _refused(again, cookie)
        me = httpx.get(again.url + "/api/v1/me", headers=moderator, timeout=120)
        assert me.status_code == 401
