"""Audit of the login form in a real headless Chromium against a real server."""

from __future__ import annotations

import re
from typing import Any

import test_web_browser  # tests/web: its marks and its ``browser`` fixture
from webfactory import LiveServer
from webfixtures import live_server_fixture

pytestmark = test_web_browser.pytestmark  # browser, server; skipped without chromium
chromium = test_web_browser.browser  # the fixture: one headless Chromium per module


server = live_server_fixture("audit3-browser", name="server")  # one per module


def _submit(page: Any, server: LiveServer, role: str) -> None:
    page.fill("input[name=name]", f"{role}1")
    page.fill("input[name=token]", server.env.tokens[role])
    page.click("button[type=submit]")


def test_two_login_tabs_in_one_browser(chromium: Any, server: LiveServer) -> None:
    """The tab opened first was refused: the second tab's form replaced its cookie."""
    context = chromium.new_context()
    context.set_default_timeout(60_000)
    first, second = context.new_page(), context.new_page()
    first.goto(server.url + "/login")
    second.goto(server.url + "/login?next=/posts")
    _submit(first, server, "analyst")
    first.wait_for_url(re.compile(r"/$"))
    assert "analyst1 (analyst)" in first.content()
    # the other tab's form, still open, signs in too (and goes where it was asked to)
    _submit(second, server, "analyst")
    second.wait_for_url(re.compile(r"/posts"))
    assert "Log out" in second.content()
    context.close()


def test_forbidden_page_then_log_out_in_a_browser(chromium: Any, server: LiveServer) -> None:
    """A viewer's 403 page offered no way to log out; now its menu's button works."""
    context = chromium.new_context()
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(server.url + "/login")
    _submit(page, server, "viewer")
    page.wait_for_url(re.compile(r"/$"))
    response = page.goto(server.url + "/posts")
    assert response is not None and response.status == 403
    page.click("form.logout button[type=submit]")
    page.wait_for_url(re.compile(r"/login"))
    assert page.goto(server.url + "/login") is not None
    assert "input" in page.content() and "Log out" not in page.content()
    context.close()
