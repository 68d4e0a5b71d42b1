"""The access audit's journal write (an fsync, tens of ms on a busy disk) is not run on
the event loop: every other request of the server waited for it meanwhile.

Found: the role check (``require_role``'s async dependency: ``access.denied``), the token
check of ``authenticate`` (``token.blocked``) and the upload route (``ingest.rejected``,
``ingest.upload``) wrote their entry from the event loop's thread. The journal here is the
real one, its ``append`` run as it is; the test only notes the thread it runs on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webfactory import Env, asgi_client, bearer

from mutewatch.web.auth import AuditJournal

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class ThreadNotingJournal(AuditJournal):
    """The real journal, noting the thread each entry is written from."""

    def __init__(self, journal: AuditJournal) -> None:
        super().__init__(journal.path)
        self.threads: list[tuple[str, int]] = []
        self.written: list[str] = []  # the entries whose append (and fsync) returned

    def append(self, action: str, **fields: Any) -> str:
        self.threads.append((action, threading.get_ident()))
        key = super().append(action, **fields)
        self.written.append(action)
        return key


@pytest.fixture
def journal(app: Any) -> Iterator[ThreadNotingJournal]:
    auth = app.state.auth
    real = auth.journal
    auth.journal = ThreadNotingJournal(real)
    try:
        yield auth.journal
    finally:
        auth.journal = real


def _written(journal: ThreadNotingJournal, action: str) -> list[int]:
    """The threads the entries ``action`` were written from; each is durable already (the
    answer is not sent before it is, off the loop as on it)."""
    assert journal.written.count(action) == sum(name == action for name, _ in journal.threads)
    return [thread for name, thread in journal.threads if name == action]


async def test_a_denied_request_is_journalled_off_the_event_loop(
    app: Any, env: Env, journal: ThreadNotingJournal
) -> None:
    loop_thread = threading.get_ident()  # the test runs on the event loop's thread
    async with asgi_client(app, client=("127.0.18.50", 1000)) as client:
        answer = await client.get("/api/v1/users", headers=bearer(env, "viewer"))
    assert answer.status_code == 403
    threads = _written(journal, "access.denied")
    assert len(threads) == 1
    assert threads[0] != loop_thread, "access.denied was fsync'd on the event loop"


async def test_a_blocked_token_is_journalled_off_the_event_loop(
    app: Any, journal: ThreadNotingJournal
) -> None:
    loop_thread = threading.get_ident()
    limit = app.state.auth.token_limiter.limit
    wrong = {"Authorization": "Bearer mw_s18o_wrong"}
    async with asgi_client(app, client=("127.0.18.51", 1000)) as client:
        codes = [(await client.get("/api/v1/me", headers=wrong)).status_code for _ in range(limit)]
        assert (await client.get("/api/v1/me", headers=wrong)).status_code == 429
    assert codes == [401] * limit
    threads = _written(journal, "token.blocked")
    assert len(threads) == 1
    assert threads[0] != loop_thread, "token.blocked was fsync'd on the event loop"


@pytest.mark.parametrize(
    ("name", "data", "status", "action"),
    [
        ("s18o.zip", b"not a zip archive", 422, "ingest.rejected"),
        (
            "result.json",
            (FIXTURES / "telegram" / "minified.json").read_bytes(),
            202,
            "ingest.upload",
        ),
    ],
)
async def test_an_upload_is_journalled_off_the_event_loop(
    app: Any,
    env: Env,
    journal: ThreadNotingJournal,
    name: str,
    data: bytes,
    status: int,
    action: str,
) -> None:
    loop_thread = threading.get_ident()
    files = {"file": (name, data)}
    async with asgi_client(app, client=("127.0.18.52", 1000), timeout=60) as client:
        answer = await client.post("/api/v1/ingest", headers=bearer(env, "admin"), files=files)
    assert answer.status_code == status, answer.text[:300]
    threads = _written(journal, action)
    assert len(threads) == 1
    assert threads[0] != loop_thread, f"{action} was fsync'd on the event loop"
