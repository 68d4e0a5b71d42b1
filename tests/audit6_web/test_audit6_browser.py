"""The dashboard in a real headless Chromium against a real server on 127.0.0.1: under its
Content-Security-Policy nothing is blocked and nothing fails to load on any page, text is
readable (WCAG AA contrast), and the skip link takes the keyboard to the content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from test_audit6_moderation_page import ARGS, CHROMIUM, CONTRAST, WATCH
from webfactory import LiveServer
from webfixtures import live_server_fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
PAGES = ("/", "/outlets/1", "/outlets/4", "/posts?q=onerror", "/admin", "/docs", "/no-such-page")


live = live_server_fixture("audit6-browser", name="live")  # one per module


@pytest.fixture(scope="module")
def visits(live: LiveServer) -> Iterator[dict[str, Any]]:
    """Log in as admin, open every page; per page what the browser reported."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield _visit(browser, live)
        finally:
            browser.close()


def _visit(browser: Any, server: LiveServer) -> dict[str, Any]:
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "requestfinished",
        lambda r: problems.append(f"{r.url} left the origin")
        if not r.url.startswith(server.url) else None,
    )  # fmt: skip
    page.goto(server.url + "/login")
    page.keyboard.press("Tab")
    seen: dict[str, Any] = {"skip": page.evaluate("document.activeElement.getAttribute('href')")}
    if seen["skip"] == "#content":  # (Enter on anything else would leave the page)
        page.keyboard.press("Enter")
    seen["after_skip"] = page.evaluate("document.activeElement.id")
    page.fill("input[name=name]", "admin1")
    page.fill("input[name=token]", server.env.tokens["admin"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    for path in PAGES:
        problems.clear()
        page.goto(server.url + path)
        if path == "/":
            page.wait_for_selector("#findings[data-findings]", timeout=60_000)
        page.wait_for_load_state("networkidle")
        seen[path] = {
            "csp": page.evaluate("window.__csp"),
            "problems": [p for p in problems if not (path == "/no-such-page" and "404" in p)],
            "contrast": min(page.evaluate(CONTRAST, "main p, main td, main th, main a, "
                                          "main label, header a, header span, h1, h2, li")),
        }  # fmt: skip
    return seen


def test_the_skip_link_is_the_first_stop_and_reaches_the_content(
    visits: dict[str, Any],
) -> None:
    assert visits["skip"] == "#content"
    assert visits["after_skip"] == "content"


@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_blocked_nothing_fails_and_text_is_readable(
    visits: dict[str, Any], path: str
) -> None:
    seen = visits[path]
    assert seen["csp"] == [], seen["csp"]
    assert seen["problems"] == [], seen["problems"]
    assert seen["contrast"] >= 4.5
