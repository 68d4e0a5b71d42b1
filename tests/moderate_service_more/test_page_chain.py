"""The moderator page shows the audit log's hash chain verdict (headless Chromium; the
page's requests are answered by the test, so no server runs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mutewatch.web.moderation import ASSETS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
HEAD = "ab" * 32


def _answers(chain: dict[str, Any] | None) -> dict[str, tuple[int, str, str]]:
    """Path -> (status, content type, body) for everything the page requests."""
    page = (ASSETS / "moderation.html").read_text(encoding="utf-8")
    page = page.replace("{{csrf}}", "x").replace("{{user}}", "mod (moderator)")
    verify = (200, json.dumps(chain)) if chain else (503, '{"error": {"message": "busy"}}')
    return {
        "/moderation": (200, "text/html", page),
        "/moderation/moderation.js": (200, "text/javascript",
                                      (ASSETS / "moderation.js").read_text(encoding="utf-8")),
        "/static/style.css": (200, "text/css", ""),
        "/api/v1/moderation/queue": (200, "application/json", '{"total": 0, "items": []}'),
        "/api/v1/moderation/audit": (200, "application/json", '{"items": []}'),
        "/api/v1/moderation/audit/verify": (verify[0], "application/json", verify[1]),
    }  # fmt: skip


def _responder(answers: dict[str, tuple[int, str, str]]) -> Callable[[Any], None]:
    """A Playwright route handler answering the page's requests from ``answers``."""

    def answer(route: Any) -> None:
        path = "/" + route.request.url.split("/", 3)[3].split("?")[0]
        status, kind, body = answers.get(path, (404, "text/plain", ""))
        route.fulfill(status=status, content_type=kind, body=body)

    return answer


def _chain_lines(chains: list[dict[str, Any] | None]) -> list[tuple[str, str]]:
    """For each chain answer: the #audit-chain element's text and class once the page has
    checked the chain (one browser, a page each)."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for chain in chains:
                page = browser.new_page()
                page.route("http://mod.test/**", _responder(_answers(chain)))
                page.goto("http://mod.test/moderation")
                box = page.locator("#audit-chain")
                box.filter(has_not_text="Checking").wait_for(timeout=60_000)
                out.append((box.inner_text(), box.get_attribute("class") or ""))
                page.close()
        finally:
            browser.close()
    return out


def test_page_shows_an_intact_and_a_broken_chain() -> None:
    intact, broken, failed = _chain_lines([
        {"intact": True, "entries": 7, "head": HEAD, "broken_at": None},
        {"intact": False, "entries": 3, "head": None, "broken_at": 3},
        None,
    ])  # fmt: skip
    assert intact[0].startswith("Hash chain intact: 7 entries, head abababababababab")
    assert "broken" not in intact[1]
    assert "BROKEN at entry 3" in broken[0] and "broken" in broken[1]
    assert failed[0] == "Could not check the hash chain: busy"
