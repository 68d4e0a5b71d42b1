"""Every route of the route map (``tests/audit6_web/test_audit6_routes.py``, which walks
``app.routes``) on a real `mutewatch serve`, asked with every kind of bad credential, and
with each role's token: the API answers in its one JSON error shape (401 ``unauthorized``
with ``WWW-Authenticate: Bearer``, 403 ``forbidden``), never cached, and a page asked for by
a browser sends it to the login form instead of showing anything.

The server runs without moderation, so its routes are left to the in-process walk of
audit6 (which has them all). Each kind of credential asks from an address of its own: bad
tokens are limited per address (30 in 5 minutes), and a limited address would answer 429.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from s17w_review import Reviewed
from webfactory import ROLES, form_login_sync

pytestmark = pytest.mark.server

_spec = importlib.util.spec_from_file_location(
    "s17w_audit6_routes",
    Path(__file__).resolve().parents[1] / "audit6_web" / "test_audit6_routes.py",
)
assert _spec is not None and _spec.loader is not None
routes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(routes)

MODERATION = ("/api/v1/articles", "/api/v1/comments", "/api/v1/moderation", "/moderation",
              "/v1alpha1/", "/$discovery/")  # fmt: skip
GUARDED = sorted(
    (method, path, allowed)
    for (method, path), allowed in routes.EXPECTED.items()
    if allowed is not routes.PUBLIC and not path.startswith(MODERATION)
)
PAGES = {"/", "/outlets/{outlet_id}", "/posts", "/admin", "/docs"}  # GET: HTML for a browser


def _ask(client: httpx.Client, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    kwargs = routes._request(method, path, None)
    kwargs["headers"] = headers
    return client.request(method, routes._concrete(path), **kwargs)


def _refused(answer: httpx.Response, status: int, code: str) -> bool:
    """``answer`` is the API's one error shape with ``status`` and ``code``, not cached."""
    try:
        body = answer.json()
    except ValueError:
        return False
    return (
        answer.status_code == status
        and set(body) == {"error"}
        and set(body["error"]) == {"code", "message"}
        and body["error"]["code"] == code
        and isinstance(body["error"]["message"], str)
        and answer.headers.get("cache-control") == "no-store"
        and "frame-ancestors 'none'" in answer.headers.get("content-security-policy", "")
        and (status != 401 or answer.headers.get("www-authenticate") == "Bearer")
    )


def _credentials(reviewed: Reviewed) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Each kind of bad credential: (headers, cookies)."""
    with reviewed.client(40) as gone:
        assert form_login_sync(gone, "viewer1", reviewed.token("viewer")).status_code == 303
        ended = gone.cookies["mw_session"]
        csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', gone.get("/docs").text)
        assert csrf and gone.post("/logout", data={"csrf": csrf.group(1)}).status_code == 303
    with reviewed.client(41) as live:
        assert form_login_sync(live, "viewer1", reviewed.token("viewer")).status_code == 303
        session = live.cookies["mw_session"]
    tampered = session[:-1] + ("A" if session[-1] != "A" else "B")
    return {
        "none": ({}, {}),
        "wrong token": ({"Authorization": "Bearer mw_" + "x" * 43}, {}),
        "revoked token": ({"Authorization": f"Bearer {reviewed.revoked_token}"}, {}),
        "not bearer": ({"Authorization": f"Basic {reviewed.token('admin')}"}, {}),
        "logged-out cookie": ({}, {"mw_session": ended}),
        "tampered cookie": ({}, {"mw_session": tampered}),
    }


def test_bad_credentials_are_refused_on_every_route(reviewed: Reviewed) -> None:
    wrong: list[Any] = []
    for n, (kind, (headers, cookies)) in enumerate(_credentials(reviewed).items()):
        for browser in (False, True):
            asked = {**headers, "Accept": "text/html"} if browser else headers
            with reviewed.client(50 + 2 * n + browser, cookies=cookies) as client:
                for method, path, _ in GUARDED:
                    answer = _ask(client, method, path, asked)
                    if browser and method == "GET" and path in PAGES:
                        where = answer.headers.get("location", "")
                        ok = answer.status_code == 303 and where.startswith("/login?next=%2F")
                        ok = ok and not answer.content
                    elif browser and method == "POST" and not path.startswith("/api/"):
                        ok = answer.status_code == 303 and answer.headers["location"].startswith(
                            "/login?next=%2F"
                        )  # a dashboard form sent after the session ended: log in again
                    else:
                        ok = _refused(answer, 401, "unauthorized")
                    if not ok:
                        wrong.append((kind, browser, method, path, answer.status_code))
    assert not wrong


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_token_is_let_in_or_refused_as_the_route_map_says(
    reviewed: Reviewed, role: str
) -> None:
    wrong: list[Any] = []
    bearer = {"Authorization": f"Bearer {reviewed.token(role)}"}
    with reviewed.client(70 + ROLES.index(role)) as client:
        for method, path, allowed in GUARDED:
            answer = _ask(client, method, path, bearer)
            if role in allowed:
                ok = answer.status_code not in (401, 403)
                if answer.status_code < 300 and answer.headers.get("content-type", "").startswith(
                    "application/json"
                ):
                    ok = ok and answer.headers.get("cache-control") == "no-store"
            else:
                ok = _refused(answer, 403, "forbidden")
            if not ok:
                wrong.append((method, path, answer.status_code, answer.text[:120]))
    assert not wrong
