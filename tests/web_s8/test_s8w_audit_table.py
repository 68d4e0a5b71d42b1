"""The moderator page's audit log table keeps whole words: each header, actor and action on
one line, times to the second (the full stamp as the cell's tooltip), clauses apart.

Found: every cell and header could break anywhere (for the long timestamps), so at 1400 px
the headers read "actio|n", "co|mm|ent", "claus|e", and "mac|hine" under who. The page is
opened in Chromium from its own files, the API answered by canned JSON (no server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from webfixtures import ARGS, CHROMIUM

import mutewatch.web as web

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
WEB = Path(web.__file__).resolve().parent
SITE = "http://mw.test"
AUDIT = {
    "items": [
        {"at": "2026-11-29T19:52:53.891791Z", "actor": "machine", "action": "submitted:hold",
         "comment_id": "c3", "clause": "irrelevant,language",
         "note": "Your comment does not appear to be about this article, or looks like "
                 "advertising. Comments must be written in English."},
        {"at": "2026-11-29T19:52:53.677009Z", "actor": "moderator45", "action": "article_added",
         "article_id": "h45-a", "clause": None, "note": None},
    ]
}  # fmt: skip
ANSWERS = {
    "/api/v1/moderation/queue": {"items": [], "total": 0},
    "/api/v1/moderation/audit": AUDIT,
    "/api/v1/moderation/audit/verify": {"intact": True, "entries": 2, "head": "ab" * 32},
}
# the number of lines each cell's text takes, and the longest word's
LINES = """() => [...document.querySelectorAll('table.audit tr')].map((tr) =>
  [...tr.children].map((cell) => {
    const range = document.createRange(); range.selectNodeContents(cell);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return {text: cell.textContent, lines: tops.size, title: cell.title};
  }))"""


def _answer(route: Any) -> None:
    path = route.request.url.removeprefix(SITE).split("?")[0]
    if path == "/moderation":
        page = (WEB / "moderation_assets" / "moderation.html").read_text(encoding="utf-8")
        page = page.replace("{{csrf}}", "x").replace("{{user}}", "moderator1 (moderator)")
        route.fulfill(body=page, content_type="text/html")
    elif path == "/moderation/moderation.js":
        route.fulfill(path=str(WEB / "moderation_assets" / "moderation.js"),
                      content_type="text/javascript")  # fmt: skip
    elif path == "/static/style.css":
        route.fulfill(path=str(WEB / "static" / "style.css"), content_type="text/css")
    elif path in ANSWERS:
        route.fulfill(body=json.dumps(ANSWERS[path]), content_type="application/json")
    else:
        route.fulfill(status=404, body="{}", content_type="application/json")


def test_the_audit_table_keeps_whole_words() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(f"{SITE}/**", _answer)
            page.goto(f"{SITE}/moderation")
            page.wait_for_function("document.querySelectorAll('#audit tr').length === 2")
            rows = page.evaluate(LINES)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
        finally:
            browser.close()
    header, first, second = rows
    assert [(h["text"], h["lines"]) for h in header if h["text"] != "when (UTC)"] == [
        ("who", 1), ("action", 1), ("comment", 1), ("clause", 1), ("note", 1),
    ]  # fmt: skip
    assert [c["text"] for c in first[:5]] == [
        "2026-11-29 19:52:53", "machine", "submitted:hold", "c3", "irrelevant, language",
    ]  # fmt: skip
    assert first[0]["title"] == "2026-11-29T19:52:53.891791Z"
    assert [c["lines"] for c in first[1:4]] == [1, 1, 1]
    assert [c["lines"] for c in second[1:4]] == [1, 1, 1]  # moderator45, article_added, h45-a
    assert first[0]["lines"] <= 2  # date and time apart at most
    assert overflow == 0
