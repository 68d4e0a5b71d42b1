"""The moderator page opened in Chromium from its own files (HTML, script, stylesheet, under
the server's CSP), its API answered by canned JSON: no server runs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import mutewatch.web as web
from mutewatch.web.app import CSP

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WEB = Path(web.__file__).resolve().parent
SITE = "http://mw.test"
Answer = dict[str, Any] | Callable[[dict[str, str]], dict[str, Any]]


def item(cid: str) -> dict[str, Any]:
    """A held comment as the queue lists it (placeholder text)."""
    return {"id": cid, "article_id": "a1", "article_title": "Placeholder", "author_name": "A B",
            "text": "Placeholder text.", "revision": 1, "status": "held", "decision": "hold",
            "created_at": "2026-11-29T10:00:00Z", "reason": "r", "clauses": [],
            "appeal": None, "author_record": None}  # fmt: skip


@dataclass
class Site:
    """Canned answers by path (a dict, or a function of the query); what the page asked."""

    answers: dict[str, Answer]
    gets: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # the labels the page's dialog showed
    native: list[str] = field(default_factory=list)  # window.prompt and the like: none

    def _file(self, path: str) -> tuple[str, str] | None:
        if path == "/moderation":
            page = (WEB / "moderation_assets" / "moderation.html").read_text(encoding="utf-8")
            return "text/html", page.replace("{{csrf}}", "x").replace("{{user}}", "mod (moderator)")
        if path == "/moderation/moderation.js":
            js = (WEB / "moderation_assets" / "moderation.js").read_text(encoding="utf-8")
            return "text/javascript", js
        if path == "/static/style.css":
            return "text/css", (WEB / "static" / "style.css").read_text(encoding="utf-8")
        return None

    def route(self, route: Any) -> None:
        """Answer one request of the page."""
        url = urlsplit(route.request.url)
        if route.request.method == "POST":
            self.posts.append(url.path)
            route.fulfill(status=200, content_type="application/json", body="{}")
            return
        known = self._file(url.path)
        if known is not None:
            csp = {"Content-Security-Policy": CSP}
            route.fulfill(content_type=known[0], body=known[1], headers=csp)
            return
        query = dict(parse_qsl(url.query))
        self.gets.append((url.path, query))
        answer = self.answers.get(url.path)
        if answer is None:
            route.fulfill(status=404, content_type="application/json", body="{}")
            return
        data = answer(query) if callable(answer) else answer
        route.fulfill(content_type="application/json", body=json.dumps(data))

    def dialog(self, dialog: Any) -> None:
        """Note a native dialog (the page asks in its own) and dismiss it."""
        self.native.append(dialog.message)
        dialog.dismiss()


def shown(page: Any) -> list[str]:
    """The labels of the page's action dialog when it is open (the text's, then the
    note's), else none."""
    return list(page.evaluate(
        """() => document.getElementById('act-dialog').open ? [...document.querySelectorAll(
             '#act-dialog label')].filter((l) => !l.closest('[hidden]')).map((l) => l.textContent)
           : []"""
    ))  # fmt: skip


def answer(page: Any, site: Site, note: str = "s8b note") -> None:
    """Answer the page's action dialog once it opens: note its labels in ``site.dialogs``,
    type ``note`` (and, for an edit, the same as the new text) and press Enter in the note."""
    page.locator("#act-dialog[open]").wait_for(timeout=60_000)
    labels = shown(page)
    site.dialogs.extend(labels)
    if len(labels) == 2:
        page.fill("#act-text", note)
    page.fill("#act-note", note)
    page.press("#act-note", "Enter")


@contextmanager
def moderator_page(site: Site) -> Iterator[Any]:
    """A Chromium page showing the moderator page of ``site``, its queue loaded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(f"{SITE}/**", site.route)
            page.on("dialog", site.dialog)
            page.goto(f"{SITE}/moderation")
            until(page, "document.getElementById('status').textContent !== ''")
            yield page
        finally:
            browser.close()


def until(page: Any, expression: str | Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll ``expression`` (in the page, or a Python function) until it is truthy, and
    return it (``page.wait_for_function`` evaluates a string, which the page's CSP refuses)."""
    deadline = time.monotonic() + timeout
    while True:
        value = expression() if callable(expression) else page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s: {expression}")
        page.wait_for_timeout(50)
