"""Every route of the app refuses a query parameter it does not take: the API with its one
JSON error shape, the dashboard's pages with the error page naming the parameter and the
ones the page takes. The routes are read from the app itself, so a new route is covered
without touching this file (one with a required body needs an entry in ``BODIES``).

Found: the HTML pages took anything (``/?untill=2017-12-31`` showed the whole archive,
not the window asked for), and each API route had to call ``known_parameters`` itself.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from webfactory import Env, bearer, form_login

# the Perspective-compatible routes take Google's system parameters (alt, fields, ...)
OPEN = ("/v1alpha1/", "/$discovery/")
# bodies that pass validation, so the query is what is refused (no body is sent otherwise)
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/users"): {"json": {"name": "s9-new", "role": "viewer"}},
    ("POST", "/admin/users"): {"data": {"name": "s9-new", "role": "viewer"}},
    ("POST", "/login"): {"data": {"name": "s9-new", "token": "mw_wrong"}},
    ("POST", "/api/v1/ingest"): {"files": {"file": ("a.csv", b"a,b\n")}},
    ("POST", "/admin/ingest"): {"files": {"file": ("a.csv", b"a,b\n")}},
}
PATH_PARAM = re.compile(r"\{(\w+)(:\w+)?\}")


def app_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every API route and page the app serves, but Perspective's."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        path = str(route.path)
        if isinstance(route.original_route, APIRoute) and not path.startswith(OPEN):
            found |= {(method, path) for method in route.methods or ()}
    return sorted(found)


def concrete(path: str) -> str:
    """The path with its parameters filled: outlet 1 exists, other ids do not."""
    return PATH_PARAM.sub(lambda m: "1" if m.group(1) == "outlet_id" else "s9-none", path)


async def ask(app: Any, env: Env, method: str, path: str, query: str) -> httpx.Response:
    headers = {**bearer(env, "admin"), "Accept": "text/html,application/json"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        extra = BODIES.get((method, path), {})
        return await client.request(method, concrete(path) + query, headers=headers, **extra)


@pytest.mark.anyio
async def test_the_app_has_its_routes(moderation_app: Any) -> None:
    routes = app_routes(moderation_app)
    paths = {path for _, path in routes}
    # the API, the measurements, the pages and moderation's routes are all there
    assert {"/api/v1/status", "/api/v1/silences", "/", "/posts", "/login"} <= paths
    assert {"/api/v1/moderation/queue", "/moderation", "/api/v1/moderation/stats"} <= paths
    assert len(routes) >= 40


@pytest.mark.anyio
async def test_every_route_refuses_an_unknown_parameter(moderation_app: Any, env: Env) -> None:
    wrong = []
    for method, path in app_routes(moderation_app):
        answer = await ask(moderation_app, env, method, path, "?bogus=1")
        html = "text/html" in answer.headers.get("content-type", "")
        if path.startswith("/api/") or path == "/openapi.json":
            ok = (
                answer.status_code == 400
                and answer.json()["error"]["code"] == "bad_request"
                and "unknown query parameter 'bogus'" in answer.json()["error"]["message"]
            )
        else:  # a page: the error page, for a browser
            ok = answer.status_code == 400 and html and "parameter &#39;bogus&#39;" in answer.text
        if not ok:
            wrong.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.anyio
async def test_nothing_was_done_by_a_refused_request(moderation_app: Any, env: Env) -> None:
    """The check runs before the route's body: the user was not created, nothing queued."""
    created = await ask(moderation_app, env, "POST", "/api/v1/users", "?bogus=1")
    users = await ask(moderation_app, env, "GET", "/api/v1/users", "")
    assert created.status_code == 400
    assert "s9-new" not in {u["name"] for u in users.json()["users"]}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "known"),
    [
        ("/", "since, until, outlet_id, outlet, of"),
        ("/posts", "q, outlet_id, since, until, page"),
        ("/outlets/1", None),
        ("/admin", None),
        ("/docs", None),
        ("/login", "next"),
    ],
)
async def test_a_page_names_the_parameter_and_the_known_ones(
    moderation_app: Any, env: Env, path: str, known: str | None
) -> None:
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        await form_login(client, "admin1", env.tokens["admin"])
        typo = await client.get(f"{path}?untill=2024-03-01", headers={"Accept": "text/html"})
        right = await client.get(path, headers={"Accept": "text/html"})
    assert typo.status_code == 400
    assert typo.headers["content-type"].startswith("text/html")
    assert "<h1>Error 400</h1>" in typo.text
    hint = f"known: {known}" if known else "it takes no query parameters"
    assert f"unknown query parameter &#39;untill&#39; for {path} ({hint})" in typo.text
    assert right.status_code == 200
    assert 'action="/logout"' in typo.text  # the signed-in reader keeps the menu


@pytest.mark.anyio
async def test_the_dashboard_still_takes_its_window(moderation_app: Any, env: Env) -> None:
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        await form_login(client, "viewer1", env.tokens["viewer"])
        page = await client.get("/?since=2024-02-01&until=2024-03-01&outlet_id=1")
        posts = await client.get("/posts?q=placeholder&page=2")
    assert page.status_code == 200
    assert 'value="2024-02-01"' in page.text
    assert posts.status_code == 403  # a viewer may not read posts: the role check comes first


@pytest.mark.anyio
async def test_the_role_check_comes_before_the_query(moderation_app: Any, env: Env) -> None:
    """Who asks is checked first, as before: no credentials is a 401 (a page: the login),
    a role without access a 403, whatever the query."""
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        anonymous = await client.get("/api/v1/status?bogus=1")
        page = await client.get("/?bogus=1", headers={"Accept": "text/html"})
        viewer = await client.get("/api/v1/users?bogus=1", headers=bearer(env, "viewer"))
    assert anonymous.status_code == 401
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    assert viewer.status_code == 403


@pytest.mark.anyio
async def test_a_bad_value_is_still_refused_before_an_unknown_name(
    moderation_app: Any, env: Env
) -> None:
    """The declared parameters are validated first, where the routes' own calls ran."""
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get(
            "/api/v1/moderation/queue?limit=0&bogus=1", headers=bearer(env, "moderator")
        )
    assert answer.status_code == 400  # a 400 naming it since session 12 (was a 422)
    assert answer.json()["error"]["code"] == "bad_request"
    assert "'limit'" in answer.json()["error"]["message"]


@pytest.mark.anyio
async def test_measurements_keep_their_own_answer(moderation_app: Any, env: Env) -> None:
    """The measurement endpoints check their query with the CLI's options, as before."""
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        unknown = await client.get("/api/v1/silences?bogus=1", headers=bearer(env, "viewer"))
        denied = await client.get("/api/v1/silences?engine=spark", headers=bearer(env, "viewer"))
        known = await client.get(
            "/api/v1/silences?scope=network&min_hours=12", headers=bearer(env, "viewer")
        )
    message = unknown.json()["error"]["message"]
    assert message.startswith("unknown query parameter 'bogus' for silences (known: ")
    assert "min_hours" in message
    assert "not available over the API" in denied.json()["error"]["message"]
    assert known.status_code == 200


@pytest.mark.anyio
async def test_perspective_routes_take_googles_parameters(moderation_app: Any, env: Env) -> None:
    """Google's client libraries send ``key`` and system parameters (``alt``,
    ``prettyPrint``, ``$.xgafv`` ...); the Perspective-compatible routes take them all and
    answer in Google's shape, as before."""
    key = env.tokens["viewer"]
    extra = "alt=json&prettyPrint=false&%24.xgafv=2&bogus=1"
    body = {"comment": {"text": "a placeholder remark"}, "requestedAttributes": {"TOXICITY": {}}}
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        scored = await client.post(f"/v1alpha1/comments:analyze?key={key}&{extra}", json=body)
        suggested = await client.post(
            f"/v1alpha1/comments:suggestscore?key={key}&{extra}",
            json={"comment": {"text": "a placeholder remark"},
                  "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.1}}}},
        )  # fmt: skip
        discovery = await client.get(f"/$discovery/rest?version=v1alpha1&key={key}&{extra}")
        no_key = await client.post(f"/v1alpha1/comments:analyze?{extra}", json=body)
    assert scored.status_code == 200, scored.text
    assert 0 <= scored.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"] <= 1
    assert suggested.status_code == 200, suggested.text
    assert discovery.status_code == 200 and discovery.json()["name"] == "commentanalyzer"
    assert no_key.json()["error"]["status"] == "PERMISSION_DENIED"  # Google's shape
