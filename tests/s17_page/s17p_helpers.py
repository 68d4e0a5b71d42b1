"""A real server on 127.0.0.1 over a real store with an empty moderation queue, a moderator
page in headless Chromium whose clock the test moves (``page.clock``: the queue's refresh
every 15 s runs at once), and the API calls the tests make as a second moderator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from modhelpers import app_script, start_server, wait_until_serving
from test_moderation_page import CHROMIUM

MARKS = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]

SERVER = app_script("create_app(Path(sys.argv[1]))")
POLL_MS = 15_000  # moderation.js's POLL_MS
HELD = "Councillor John Smith took bribes from the tram builders."
Server = tuple[str, str]


@contextmanager
def empty_server(base: Path) -> Iterator[Server]:
    """A server with one article (a1) and no comment; yields its url and moderator token."""
    proc, _, url, token = start_server(base, SERVER)
    try:
        with httpx.Client(timeout=60, base_url=url, headers=_auth(token)) as client:
            wait_until_serving(client, proc)
            article = {"id": "a1", "title": "Tram line", "body": "The council funds a tram line."}
            client.post("/api/v1/articles", json=article).raise_for_status()
        yield url, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def client_of(server: Server) -> httpx.Client:
    url, token = server
    return httpx.Client(timeout=60, base_url=url, headers=_auth(token))


def hold(server: Server, text: str = HELD) -> str:
    """Submit a comment that the policy holds; its id."""
    with client_of(server) as client:
        got = client.post(
            "/api/v1/comments", json={"article_id": "a1", "author_name": "A B", "text": text}
        )
    assert got.status_code == 201 and got.json()["decision"] == "hold", got.text
    return str(got.json()["id"])


def clear_queue(server: Server) -> None:
    """Reject every held comment, as another moderator would: the queue is empty."""
    with client_of(server) as client:
        for item in client.get("/api/v1/moderation/queue?limit=500").json()["items"]:
            body = {"action": "reject", "note": "cleared by the test"}
            client.post(f"/api/v1/comments/{item['id']}/actions", json=body).raise_for_status()


@contextmanager
def clocked_page(
    browser: Any, server: Server, errors: list[str], *, paused: bool = False
) -> Iterator[Any]:
    """The moderator page in a new context of ``browser`` with Playwright's clock installed
    (``page.clock.run_for`` fires the page's timers), its queue loaded. The clock runs from
    install, so the queue's refresh fires every 15 s of real time too; ``paused``: it stands
    still until the test moves it (the refresh fires only in ``refresh``)."""
    url, token = server
    context = browser.new_context(extra_http_headers=_auth(token))
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.clock.install()
        if paused:  # well ahead of the running clock (1 s ahead can be past once it lands);
            # the page reads no Date, so where its clock stands does not matter
            page.clock.pause_at(datetime.now(UTC) + timedelta(minutes=10))
        page.goto(f"{url}/moderation")
        page.locator("#status").filter(has_text="held comment").wait_for()
        yield page
    finally:
        context.close()


def refresh(page: Any) -> None:
    """Let the page's refresh timer fire (one POLL_MS and a second)."""
    page.clock.run_for(POLL_MS + 1000)
