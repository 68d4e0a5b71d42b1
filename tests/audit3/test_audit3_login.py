"""Audit of the login form (login CSRF): as a reader's browser uses it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from webfactory import Env, asgi_client, login_csrf

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def _browser(app: object, ip: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client with a cookie jar, as one browser at ``ip``."""
    async with asgi_client(app, "http://t", client=(ip, 1)) as c:
        yield c


async def test_two_login_tabs_open_at_once_both_log_in(app: object, env: Env) -> None:
    """Each GET /login replaced the mw_login cookie, so the form of the tab opened first
    was refused (403, "expired or was sent from another site")."""
    async with _browser(app, "10.3.0.1") as c:
        first, second = await c.get("/login"), await c.get("/login?next=/posts")
        for tab, role in ((first, "viewer"), (second, "analyst")):
            posted = {"name": f"{role}1", "token": env.tokens[role], "csrf": login_csrf(tab.text)}
            assert (await c.post("/login", data=posted)).status_code == 303
            assert (await c.get("/api/v1/me")).json()["name"] == f"{role}1"


async def test_a_login_form_left_open_for_hours_still_logs_in(app: object, env: Env) -> None:
    """The mw_login cookie had Max-Age=3600: a form opened more than an hour before was
    refused and what the reader had typed was lost. It now lasts the browser session."""
    async with _browser(app, "10.3.0.2") as c:
        form = await c.get("/login")
        cookie = form.headers["set-cookie"].lower()
        assert cookie.startswith("mw_login=")
        assert "max-age" not in cookie and "expires" not in cookie
        assert "samesite=strict" in cookie and "httponly" in cookie and "path=/login" in cookie
        posted = {"name": "viewer1", "token": env.tokens["viewer"], "csrf": login_csrf(form.text)}
        assert (await c.post("/login", data=posted)).status_code == 303


async def test_a_cookie_of_another_form_is_not_reused(app: object, env: Env) -> None:
    """Only a nonce of the form the server issues is reused; anything else is replaced."""
    async with _browser(app, "10.3.0.3") as c:
        c.cookies.set("mw_login", "chosen-by-someone-else", path="/login")
        form = await c.get("/login")
        assert "chosen-by-someone-else" not in form.headers["set-cookie"]
        posted = {"name": "viewer1", "token": env.tokens["viewer"], "csrf": login_csrf(form.text)}
        assert (await c.post("/login", data=posted)).status_code == 303


async def _signed_in(c: httpx.AsyncClient, role: str, env: Env) -> None:
    form = await c.get("/login")
    posted = {"name": f"{role}1", "token": env.tokens[role], "csrf": login_csrf(form.text)}
    assert (await c.post("/login", data=posted)).status_code == 303


async def test_logging_in_again_ends_the_previous_session(app: object, env: Env) -> None:
    """/login showed a signed-in reader the form as if signed out, and logging in once more
    opened a second session and left the first one alive (and valid) until it expired."""
    async with _browser(app, "10.3.0.4") as c:
        await _signed_in(c, "analyst", env)
        first = c.cookies.get("mw_session")
        again = await c.get("/login")
        assert again.status_code == 200
        assert "You are signed in as analyst1 (analyst)" in again.text
        await _signed_in(c, "viewer", env)
        assert (await c.get("/api/v1/me")).json()["name"] == "viewer1"
    async with _browser(app, "10.3.0.4") as thief:
        thief.cookies.set("mw_session", str(first))
        assert (await thief.get("/api/v1/me")).status_code == 401


async def test_the_403_page_keeps_the_menu_and_log_out(app: object, env: Env) -> None:
    """A signed-in reader's 403 page had no menu, no name and no log-out button (the role
    check fails before it records the user), as if signed out."""
    async with _browser(app, "10.3.0.5") as c:
        await _signed_in(c, "viewer", env)
        page = await c.get("/posts", headers={"Accept": "text/html"})
        assert page.status_code == 403
        assert "viewer1 (viewer)" in page.text and "Log out" in page.text
        csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
        assert csrf, "the 403 page carries no CSRF token for its log-out form"
        out = await c.post("/logout", data={"csrf": csrf.group(1)})
        assert out.status_code == 303
        assert (await c.get("/api/v1/me")).status_code == 401
