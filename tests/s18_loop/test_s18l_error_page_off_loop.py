"""A dashboard error page reads its reader's session (for the menu) in a worker thread, not
on the event loop: the exception handlers are async, and a 404 with a session cookie this
server did not open read the store there, every other request waiting meanwhile."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from s18l_session import STORED_SESSION
from test_s18l_auth_reads_off_loop import reads
from webfactory import asgi_client

pytestmark = pytest.mark.anyio
__all__ = ["reads"]
HTML = {"accept": "text/html"}


@pytest.mark.parametrize(("path", "status"), [("/no-such-page", 404), ("/posts", 403)])
async def test_an_error_page_reads_the_session_off_the_event_loop(
    app: Any, reads: list[int], path: str, status: int
) -> None:
    loop_thread = threading.get_ident()  # the test runs on the event loop's thread
    async with asgi_client(app) as client:
        client.cookies.set("mw_session", STORED_SESSION)
        answer = await client.get(path, headers=HTML)
    assert answer.status_code == status, answer.text
    assert "viewer1" in answer.text  # the signed-in reader keeps the menu
    assert reads and loop_thread not in reads, "the error page read the store on the loop"
