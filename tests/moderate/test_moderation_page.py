"""The moderator page in a real headless Chromium against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from modhelpers import app_script, start_server, wait_until_serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
SERVER = app_script("create_app(Path(sys.argv[1]))")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    proc, _, url, token = start_server(tmp_path_factory.mktemp("modpage"), SERVER)
    with httpx.Client(
        timeout=60, base_url=url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        wait_until_serving(client, proc)
        article = {"id": "a1", "title": "Tram line", "body": "The council funds a tram line."}
        client.post("/api/v1/articles", json=article).raise_for_status()
        text = "Councillor John Smith took bribes from the tram builders."
        r = client.post(
            "/api/v1/comments", json={"article_id": "a1", "author_name": "A B", "text": text}
        )
        assert r.json()["decision"] == "hold"
    yield url, token
    proc.terminate()
    proc.wait(timeout=30)


@contextmanager
def moderation_page(
    server: tuple[str, str], errors: list[str], *, refresh: bool = True
) -> Iterator[Any]:
    """The moderator page in headless Chromium as the server's moderator; page errors are
    appended to ``errors``. ``refresh=False`` stops the page's clock, so its queue refresh
    (every 15 s) never fires: for a test that changes the queue behind the page's back."""
    from playwright.sync_api import sync_playwright

    url, token = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {token}"})
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        if not refresh:
            page.clock.install()
            # paused ahead of the clock, which runs from install: 1 s ahead failed ("Cannot
            # fast-forward to the past") when the call reached the page 1 s later on a loaded
            # runner; the page reads no Date, so where its clock stands does not matter
            page.clock.pause_at(datetime.now(UTC) + timedelta(minutes=10))
        page.goto(f"{url}/moderation")
        try:
            yield page
        finally:
            browser.close()


def test_queue_blur_keyboard_approve_and_audit(server: tuple[str, str]) -> None:
    errors: list[str] = []
    with moderation_page(server, errors) as page:
        item = page.locator("article.item").first
        item.wait_for()
        text = item.locator(".text")
        assert "blurred" in (text.get_attribute("class") or "")
        assert item.locator("mark.evidence").inner_text().startswith("Councillor John Smith")
        page.keyboard.press("v")
        assert "blurred" not in (text.get_attribute("class") or "")
        page.keyboard.press("a")
        page.locator("#act-dialog[open]").wait_for()  # the note is asked in the page
        page.fill("#act-note", "checked by test")
        page.press("#act-note", "Enter")
        page.locator("#queue p.meta").wait_for()  # "The queue is empty."
        page.locator("#audit td", has_text="approve").first.wait_for()
    assert errors == []
