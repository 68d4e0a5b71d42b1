"""The ``ingest.finish`` audit entry (an fsync) is written off the event loop even when the
writer has finished the ingest before the upload route adds its done callback.

Found: the route runs ``IngestJobs.start`` on the event loop; a callback added to a future
that is already done runs at once, on the adding thread. Here the app's real gateway is
made to wait for the real writer to finish the job before ``submit`` returns, which is
that interleaving every time; the journal is the real one, noting the thread it runs on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from pathlib import Path
from typing import Any

import pytest
from webfactory import Env, asgi_client, bearer

from tests.s18_offloop.test_s18o_audit_off_loop import ThreadNotingJournal, journal

__all__ = ["journal"]  # the fixture: the app's real journal, noting threads

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def writer_first(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """``gateway.submit`` returns once the writer has run the job: the future is done."""
    gateway = app.state.gateway
    real: Callable[..., Future[Any]] = gateway.submit

    def submit(fn: Callable[..., Any], **options: Any) -> Future[Any]:
        future = real(fn, **options)
        wait([future], timeout=120)
        return future

    monkeypatch.setattr(gateway, "submit", submit)


async def test_ingest_finish_is_journalled_off_the_event_loop(
    app: Any, env: Env, journal: ThreadNotingJournal, writer_first: None
) -> None:
    loop_thread = threading.get_ident()
    files = {"file": ("result.json", (FIXTURES / "telegram" / "minified.json").read_bytes())}
    async with asgi_client(app, client=("127.0.18.53", 1000), timeout=120) as client:
        answer = await client.post("/api/v1/ingest", headers=bearer(env, "admin"), files=files)
        assert answer.status_code == 202, answer.text[:300]
        deadline = time.monotonic() + 60
        while "ingest.finish" not in journal.written and time.monotonic() < deadline:
            time.sleep(0.02)
        job = (
            await client.get(f"/api/v1/ingest/{answer.json()['id']}", headers=bearer(env, "admin"))
        ).json()
    assert job["state"] == "done", job
    threads = [thread for name, thread in journal.threads if name == "ingest.finish"]
    assert len(threads) == 1
    assert threads[0] != loop_thread, "ingest.finish was fsync'd on the event loop"
