"""What the security review of session 17 found in the login and CSRF checks of a real
`mutewatch serve`, each fixed:

- a CSRF token, or a login name, holding a character outside ASCII was a 500: Python's
  ``hmac.compare_digest`` raises TypeError on such strings, so the user ``josé`` could never
  log in, and a stray ``é`` in a form's token crashed the request instead of being refused;
- anyone could append rows to the audit log without end: each login form posted without
  its CSRF token (no account, no limit) was written down.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from s17w_review import NON_ASCII, Reviewed
from webfactory import form_login_sync
from webfixtures import ARGS, CHROMIUM

pytestmark = pytest.mark.server

CSRF_META = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


@contextmanager
def _signed_in(reviewed: Reviewed, n: int, role: str) -> Iterator[tuple[httpx.Client, str]]:
    """A client of 127.0.17.``n`` logged in through the form as ``role``1, and its CSRF token."""
    with reviewed.client(n) as client:
        assert form_login_sync(client, f"{role}1", reviewed.token(role)).status_code == 303
        found = CSRF_META.search(client.get("/docs").text)
        assert found, "the page carries no CSRF token"
        yield client, found.group(1)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_user_with_a_non_ascii_name_logs_in_with_chromium(reviewed: Reviewed) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(reviewed.url + "/login")
            page.fill("input[name=name]", NON_ASCII)
            page.fill("input[name=token]", reviewed.non_ascii_token)
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert page.url == reviewed.url + "/", page.content()[:300]
            assert page.inner_text("header .who") == f"{NON_ASCII} (viewer)"
        finally:
            browser.close()


def test_a_login_form_with_a_non_ascii_csrf_token_is_refused_as_expired(
    reviewed: Reviewed,
) -> None:
    with reviewed.client(1) as client:
        client.get("/login")  # its mw_login cookie
        posted = {"name": "viewer1", "token": reviewed.token("viewer"), "csrf": "é" * 64}
        refused = client.post("/login", data=posted, headers={"Accept": "text/html"})
        assert refused.status_code == 403, refused.text[:200]
        assert "The login form expired" in refused.text
        assert "mw_session" not in refused.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/users", {"json": {"name": "s17w-never", "role": "viewer"}}),
        ("DELETE", "/api/v1/users/viewer1", {}),
        ("POST", "/logout", {}),
    ],
)
def test_a_session_write_with_a_non_ascii_csrf_header_is_a_403(
    reviewed: Reviewed, method: str, path: str, body: dict[str, Any]
) -> None:
    with _signed_in(reviewed, 2, "admin") as (client, _):
        sent = client.request(method, path, headers={"X-CSRF-Token": b"\xc3\xa9" * 32}, **body)
        assert sent.status_code == 403, sent.text[:200]
        assert sent.json() == {
            "error": {
                "code": "forbidden",
                "message": "missing or wrong CSRF token (reload the page; dashboard forms "
                "must carry the `csrf` field)",
            }
        }
        assert client.get("/api/v1/me").json() == {"name": "admin1", "role": "admin"}


def test_a_dashboard_form_with_a_non_ascii_csrf_field_is_a_403_page(reviewed: Reviewed) -> None:
    with _signed_in(reviewed, 3, "admin") as (client, csrf):
        posted = {"name": "s17w-never", "role": "viewer", "csrf": "é" + csrf[1:]}
        sent = client.post("/admin/users", data=posted, headers={"Accept": "text/html"})
        assert sent.status_code == 403 and "missing or wrong CSRF token" in sent.text
        users = client.get("/api/v1/users").json()["users"]
        assert "s17w-never" not in {u["name"] for u in users}


def test_refused_login_forms_are_audited_once_per_address(reviewed: Reviewed) -> None:
    for n in (4, 5):
        with reviewed.client(n) as client:
            for i in range(25):  # no CSRF token at all: nobody needs an account for this
                client.post("/login", data={"name": f"s17w-flood-{n}-{i}", "token": "x"})
    # a login afterwards, audited after the refusals: once it is there, they are too
    with reviewed.client(6) as client:
        assert form_login_sync(client, "analyst1", reviewed.token("analyst")).status_code == 303

    def done(entries: list[dict[str, Any]]) -> bool:
        return any(e["action"] == "login" and e["ip"] == "127.0.17.6" for e in entries)

    entries = reviewed.audit(7, done)
    assert done(entries)
    flood = [e for e in entries if str(e["actor"]).startswith("s17w-flood-")]
    assert [(e["action"], e["ip"]) for e in flood] == [
        ("login.csrf", "127.0.17.5"),
        ("login.csrf", "127.0.17.4"),
    ]
    assert "further refusals from 127.0.17.5 in 300 s are not recorded" in flood[0]["detail"]


def test_a_token_pasted_after_the_name_is_not_written_to_the_audit_log(reviewed: Reviewed) -> None:
    token = reviewed.token("viewer")
    with reviewed.client(11) as client:
        refused = form_login_sync(client, f"viewer1 {token}", token)  # both fields pasted
        assert refused.status_code == 401
        assert token not in refused.text

    def done(entries: list[dict[str, Any]]) -> bool:
        return any(e["action"] == "login.failed" and e["ip"] == "127.0.17.11" for e in entries)

    entries = reviewed.audit(12, done)
    mine = [e for e in entries if e["ip"] == "127.0.17.11"]
    assert [(e["action"], e["actor"]) for e in mine] == [
        ("login.failed", "(withheld: it holds what looks like a token)")
    ]
    assert token not in str(entries)
