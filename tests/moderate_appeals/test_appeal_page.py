"""The moderator page shows the appeal badge, the reader's note (as text) and the author
record, and approves from the keyboard (headless Chromium; the test answers the page's
requests, as tests/moderate_service_more/test_page_chain.py does)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_page_chain import ARGS, CHROMIUM, _answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
NOTE = '<img src=x onerror="window.hacked=1"> my comment is <b>on topic</b>'
RECORD = {"matched_on": "email", "comments": 5, "published": 2, "held": 0, "rejected": 3,
          "rejected_by_moderator": 2, "rejected_by_machine": 1}  # fmt: skip


def _item(cid: str, appeal: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": cid, "article_id": "a1", "article_title": "Tram", "author_name": "Ana Silva",
            "text": "Placeholder text.", "revision": 1, "status": "held", "decision": "reject",
            "created_at": "2026-11-29T10:00:00Z", "reason": "r", "clauses": [],
            "appeal": appeal, "author_record": RECORD}  # fmt: skip


def _run() -> dict[str, Any]:
    """Open the page, read what it shows, press ``a`` on the appealed comment."""
    from playwright.sync_api import sync_playwright

    answers = _answers({"intact": True, "entries": 1, "head": None, "broken_at": None})
    queue = {"total": 2, "items": [
        _item("c1", {"note": NOTE, "at": "2026-11-29T11:00:00Z"}), _item("c2", None),
    ]}  # fmt: skip
    answers["/api/v1/moderation/queue"] = (200, "application/json", json.dumps(queue))
    seen: dict[str, Any] = {"posts": [], "queries": [], "native": []}

    def answer(route: Any) -> None:
        request = route.request
        path = "/" + request.url.split("/", 3)[3].split("?")[0]
        if request.method == "POST":
            seen["posts"].append((path, json.loads(request.post_data or "{}")))
            route.fulfill(status=200, content_type="application/json", body="{}")
            return
        if path == "/api/v1/moderation/queue":
            seen["queries"].append(request.url.split("?", 1)[1])
        status, kind, body = answers.get(path, (404, "text/plain", ""))
        route.fulfill(status=status, content_type=kind, body=body)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.route("http://mod.test/**", answer)
            page.on("dialog", lambda d: (seen["native"].append(d.message), d.dismiss()))
            page.goto("http://mod.test/moderation")
            page.locator(".item").first.wait_for(timeout=60_000)
            cards = page.locator(".item")
            seen["badges"] = [cards.nth(i).locator(".appeal-badge").count() for i in range(2)]
            seen["note"] = cards.first.locator(".appeal-note").inner_text()
            seen["record"] = cards.first.locator(".author-record").inner_text()
            seen["repeat"] = cards.first.locator(".author-record.repeat").count()
            seen["hacked"] = page.evaluate("window.hacked === 1")
            page.keyboard.press("a")  # the note is asked in the page's dialog
            page.locator("#act-dialog[open]").wait_for(timeout=60_000)
            page.fill("#act-note", "appeal upheld")
            with page.expect_request(lambda r: r.method == "POST"):
                page.press("#act-note", "Enter")
            page.wait_for_function(
                "!document.getElementById('status').textContent.startsWith('approve')"
            )
            page.locator("#appeals-only").check()
            page.wait_for_function(
                "document.getElementById('status').textContent.includes('appeal')"
            )
        finally:
            browser.close()
    return seen


def test_page_shows_the_appeal_and_the_author_record() -> None:
    seen = _run()
    assert seen["badges"] == [1, 0]
    assert seen["note"] == NOTE and seen["hacked"] is False
    assert seen["record"] == (
        "Author record (same e-mail): 5 other comment(s): 2 published, 0 held, 3 rejected"
        " (2 by moderators, 1 by the machine)"
    )
    assert seen["repeat"] == 1
    [(path, body)] = seen["posts"]
    assert path == "/api/v1/comments/c1/actions"
    assert (body["action"], body["note"]) == ("approve", "appeal upheld")
    assert seen["native"] == []  # asked in the page's dialog, not with window.prompt
    assert seen["queries"][-1] == "limit=200&appeal=true"
