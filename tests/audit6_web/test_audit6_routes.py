"""Every route of the app (``app.routes`` walked, moderation included) × every role and
the anonymous caller, in one parametrised test: a route nobody listed here fails it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from webfactory import ROLES, Env

pytestmark = pytest.mark.anyio

MEASURE = frozenset({"viewer", "analyst", "admin"})
ANALYST = frozenset({"analyst", "admin"})
MODERATOR = frozenset({"moderator", "admin"})
ADMIN = frozenset({"admin"})
EVERYONE = frozenset(ROLES)
PUBLIC = None  # served to anyone: the login form, plotly.js, the stylesheet
KEYED = "key"  # Perspective's routes: any user's token as ``?key=``

MEASUREMENTS = ("/outlets/status", "/output", "/silences", "/trend", "/platforms",
                "/supporters", "/findings")  # fmt: skip
EXPECTED: dict[tuple[str, str], frozenset[str] | str | None] = {
    ("GET", "/api/v1/status"): MEASURE,
    ("GET", "/api/v1/outlets"): MEASURE,
    **{("GET", "/api/v1" + path): MEASURE for path in MEASUREMENTS},
    ("GET", "/api/v1/outlets/{outlet_id}"): MEASURE,
    ("GET", "/api/v1/posts"): ANALYST,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("DELETE", "/api/v1/users/{name}"): ADMIN,
    ("GET", "/api/v1/audit"): ADMIN,
    ("GET", "/api/v1/me"): EVERYONE,
    ("POST", "/api/v1/ingest"): ADMIN,
    ("GET", "/api/v1/ingest/{job_id}"): ADMIN,
    ("GET", "/vendor/plotly.min.js"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/"): EVERYONE,
    ("GET", "/outlets/{outlet_id}"): MEASURE,
    ("GET", "/posts"): ANALYST,
    ("GET", "/admin"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("POST", "/admin/ingest"): ADMIN,
    ("GET", "/openapi.json"): EVERYONE,
    ("GET", "/docs"): EVERYONE,
    ("GET", "/static"): PUBLIC,
    # moderation (issue 5): readers' roles submit, appeal and read the published comments
    ("POST", "/api/v1/articles"): MODERATOR,
    ("POST", "/api/v1/comments"): EVERYONE,
    ("GET", "/api/v1/moderation/queue"): MODERATOR,
    ("POST", "/api/v1/comments/{comment_id}/appeal"): EVERYONE,
    ("POST", "/api/v1/comments/{comment_id}/actions"): MODERATOR,
    ("GET", "/api/v1/comments/{comment_id}/history"): MODERATOR,
    ("GET", "/api/v1/moderation/audit"): MODERATOR,
    # ``:path``: an article id may hold slashes ("2026/11/30/tram-line")
    ("GET", "/api/v1/articles/{article_id:path}/comments"): EVERYONE,
    ("GET", "/api/v1/comments/{comment_id}"): EVERYONE,
    ("GET", "/api/v1/moderation/audit/verify"): MODERATOR,
    ("GET", "/api/v1/moderation/stats"): MODERATOR,
    ("GET", "/moderation"): MODERATOR,
    ("GET", "/moderation/moderation.js"): MODERATOR,
    ("POST", "/v1alpha1/comments:analyze"): KEYED,
    ("POST", "/v1alpha1/comments:suggestscore"): KEYED,
    ("GET", "/$discovery/rest"): KEYED,
}


def served(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves; a mount counts as ``GET``."""
    out = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or {"GET"}:
            out.add((method, str(route.path)))
    return out


def _concrete(path: str) -> str:
    if path == "/static":
        return "/static/style.css"
    return re.sub(r"\{[^}]+\}", "audit6-none", path)


def _request(method: str, path: str, token: str | None) -> dict[str, Any]:
    """Cheap request arguments: measurements get an unknown option (refused after the role
    check, before measuring), writes an empty JSON body (refused as invalid)."""
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {token}"} if token else {}}
    if path.removeprefix("/api/v1") in MEASUREMENTS:
        kwargs["params"] = {"audit6_no_such_option": "1"}
    if method == "POST":
        kwargs["json"] = {}
    return kwargs


def test_every_route_is_listed(app: Any) -> None:
    assert served(app) == set(EXPECTED), (
        f"not listed: {sorted(served(app) - set(EXPECTED))}; "
        f"gone: {sorted(set(EXPECTED) - served(app))}"
    )


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
async def test_every_route_against_every_role(
    client: httpx.AsyncClient, env: Env, role: str
) -> None:
    token = env.tokens.get(role)
    wrong = []
    for (method, path), allowed in sorted(EXPECTED.items(), key=str):
        url = _concrete(path)
        if allowed == KEYED:
            r = await client.request(method, url, params={"key": token} if token else None)
            # Google's answers: 403 without a key; every user's key is a key
            ok = r.status_code not in (401, 403) if token else r.status_code == 403
        else:
            r = await client.request(method, url, **_request(method, path, token))
            if allowed is PUBLIC or (token and isinstance(allowed, frozenset) and role in allowed):
                ok = r.status_code not in (401, 403)
            elif token:
                ok = r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
            else:
                ok = r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        if not ok:
            wrong.append((method, path, r.status_code, r.text[:120]))
    assert not wrong, f"{role}: {wrong}"
