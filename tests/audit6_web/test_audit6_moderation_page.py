"""The moderator page in a real headless Chromium, under the server's CSP and stylesheet
(the test answers the page's requests; no server runs): keyboard use, focus, contrast.

Found: a card focused with Tab was not the one ``a``/``r`` acted on (they acted on the
one j/k had selected, first by default); Ctrl+A opened the approve prompt; the keyboard
help in the header was #444 on the dark header (contrast 1.35); no h1, no skip link.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.web.app import CSP
from mutewatch.web.moderation import ASSETS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
STATIC = Path(__file__).resolve().parents[2] / "src" / "mutewatch" / "web" / "static"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
OPEN = "document.getElementById('act-dialog').open"
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""
CONTRAST = """(sel) => {
  const lum = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const back = (el) => { for (; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (!c.startsWith('rgba(0, 0, 0, 0)')) return c; } return 'rgb(255, 255, 255)'; };
  return [...document.querySelectorAll(sel)].map((el) => {
    const a = lum(getComputedStyle(el).color), b = lum(back(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); });
}"""


def _item(cid: str) -> dict[str, Any]:
    return {"id": cid, "article_id": "a1", "article_title": "Tram", "author_name": "Ana Silva",
            "text": "Placeholder text.", "revision": 1, "status": "held", "decision": "hold",
            "created_at": "2026-11-29T10:00:00Z", "reason": "r", "clauses": [],
            "appeal": None, "author_record": None}  # fmt: skip


def _answers() -> dict[str, tuple[str, str]]:
    page = (ASSETS / "moderation.html").read_text(encoding="utf-8")
    page = page.replace("{{csrf}}", "x").replace("{{user}}", "mod (moderator)")
    queue = {"total": 3, "items": [_item("c1"), _item("c2"), _item("c3")]}
    return {
        "/moderation": ("text/html", page),
        "/moderation/moderation.js": ("text/javascript",
                                      (ASSETS / "moderation.js").read_text(encoding="utf-8")),
        "/static/style.css": ("text/css", (STATIC / "style.css").read_text(encoding="utf-8")),
        "/api/v1/moderation/queue": ("application/json", json.dumps(queue)),
        "/api/v1/moderation/audit": ("application/json", '{"items": []}'),
        "/api/v1/moderation/audit/verify": ("application/json", json.dumps(
            {"intact": True, "entries": 0, "head": None, "broken_at": None})),
    }  # fmt: skip


@pytest.fixture(scope="module")
def seen() -> dict[str, Any]:
    """Open the page once and do what a keyboard user does; note what happened."""
    from playwright.sync_api import sync_playwright

    answers = _answers()
    out: dict[str, Any] = {"posts": [], "dialogs": [], "missing": []}

    def answer(route: Any) -> None:
        request = route.request
        path = "/" + request.url.split("/", 3)[3].split("?")[0]
        if request.method == "POST":
            out["posts"].append(path)
            route.fulfill(status=200, content_type="application/json", body="{}")
        elif path in answers:
            kind, body = answers[path]
            route.fulfill(status=200, content_type=kind, body=body,
                          headers={"Content-Security-Policy": CSP})  # fmt: skip
        else:
            out["missing"].append(path)
            route.fulfill(status=404, content_type="text/plain", body="")

    def dialog(d: Any) -> None:  # the page asks in its own dialog: none of these
        out["dialogs"].append(d.message)
        d.dismiss()

    def shown(page: Any) -> list[str]:  # the page's action dialog, when open: its title
        return [page.inner_text("#act-title")] if page.evaluate(OPEN) else []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.add_init_script(WATCH)
            page.route("http://mod.test/**", answer)
            page.on("dialog", dialog)
            page.goto("http://mod.test/moderation")
            page.locator(".item").nth(2).wait_for(timeout=60_000)
            page.keyboard.press("Tab")
            out["first_tab"] = page.evaluate("document.activeElement.getAttribute('href')")
            out["contrast"] = page.evaluate(CONTRAST, "header .keys, header .meta, header kbd")
            page.keyboard.press("Control+a")
            out["after_ctrl_a"] = out["dialogs"] + shown(page)
            page.keyboard.press("j")
            out["after_j"] = page.evaluate("document.activeElement.dataset.id || null")
            page.locator(".item").nth(2).focus()
            page.keyboard.press("a")
            page.locator("#act-dialog[open]").wait_for(timeout=60_000)
            out["asked"] = shown(page)
            page.fill("#act-note", "audit6 note")
            with page.expect_request(lambda r: r.method == "POST"):
                page.press("#act-note", "Enter")
            # the action's answer handled: said last, after the queue was loaded again and the
            # card selected (where it waited for a 'c' the queue's count already held, then 300 ms)
            page.locator("#status").filter(has_text="Approved c3. ").wait_for(timeout=60_000)
            out["focused_after_action"] = page.evaluate("document.activeElement.dataset.id || null")
            out["csp"] = page.evaluate("window.__csp")
        finally:
            browser.close()
    return out


def test_the_first_tab_reaches_the_skip_link(seen: dict[str, Any]) -> None:
    assert seen["first_tab"] == "#content"


def test_the_header_text_is_readable(seen: dict[str, Any]) -> None:
    assert seen["contrast"] and min(seen["contrast"]) >= 4.5, seen["contrast"]


def test_a_shortcut_with_ctrl_is_not_an_action(seen: dict[str, Any]) -> None:
    assert seen["after_ctrl_a"] == []


def test_j_moves_the_focus_with_the_selection(seen: dict[str, Any]) -> None:
    assert seen["after_j"] == "c2"


def test_the_focused_card_is_the_one_acted_on(seen: dict[str, Any]) -> None:
    assert seen["posts"] == ["/api/v1/comments/c3/actions"]
    assert seen["asked"] == ["Approve c3"] and seen["dialogs"] == []
    assert seen["focused_after_action"] is not None  # the focus stays in the queue


def test_nothing_is_blocked_by_the_csp(seen: dict[str, Any]) -> None:
    assert seen["csp"] == [] and seen["missing"] == []
