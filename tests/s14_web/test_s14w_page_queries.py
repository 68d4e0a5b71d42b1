"""The dashboard's pages (the HTML routes, not ``/api/``) answer a bad query as the API
does: a 400 naming the parameter and what it takes, in the API's words, as a page in the
dashboard's own layout (its menu, its log-out button) for a browser; and only after the
role check, so a reader who is not signed in, or lacks the page's role, learns nothing
about the query.

Found (session 14): a parameter given twice took the last value silently on every page
(``/?since=2024-01-01&since=2024-02-01``, ``/posts?page=1&page=2``,
``/login?next=/&next=/admin``), while every ``/api/`` route refused it; ``/posts?page=abc``
was FastAPI's 422 page, ``/posts?page=0`` was read as page 1 and a page past the archive
was refused as ``offset=... is past any archive``, naming a parameter nobody sent;
``/?outlet_id=abc`` said ``outlet_id='abc' is not a number`` where the API says ``the
query parameter 'outlet_id' must be a whole number, not 'abc'``.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.web import api
from mutewatch.web.pages import POST_PAGES

OPEN = ("/api/", "/v1alpha1/", "/$discovery/", "/static/", "/vendor/")
PATH_PARAM = re.compile(r"\{(\w+)(:\w+)?\}")
ERROR = re.compile(r'<p class="error">(.*?)</p>', re.S)
HTML = {"Accept": "text/html,application/xhtml+xml"}


def client_of(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60)


def dashboard_queries(app: Any) -> list[tuple[str, str, bool]]:
    """(path with its parameters filled, query parameter, whether it is a list) of every
    GET page of ``app`` outside the API, as the app serves it."""
    found = []
    for route in api.api_routes(app):
        if "GET" not in (route.methods or ()) or route.path.startswith(OPEN):
            continue
        many = api.repeatable_query(route)
        path = PATH_PARAM.sub("1", route.path)
        found += [(path, name, name in many) for name in api.declared_query(route) or ()]
    return found


def error_page(answer: httpx.Response, user: str | None = "admin1 (admin)") -> str:
    """The message of a 400 error page in the dashboard's layout (its menu and the signed-in
    ``user``'s log-out form; None: the login page's, no one signed in), unescaped; fails
    the test on anything else."""
    said = f"{answer.request.url}: {answer.status_code} {answer.text[:300]}"
    assert answer.status_code == 400, said
    assert answer.headers["content-type"].startswith("text/html"), said
    page = answer.text
    assert "<h1>Error 400</h1>" in page, said
    assert '<a class="brand" href="/">mutewatch</a>' in page, said
    if user is None:
        assert '<span class="who">' not in page, said
    else:
        assert f'<span class="who">{user}</span>' in page and "Log out" in page, said
    found = ERROR.search(page)
    assert found is not None, said
    return html.unescape(found.group(1))


async def api_message(client: httpx.AsyncClient, env: Env, address: str) -> str:
    answer = await client.get(address, headers=bearer(env, "admin"))
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "bad_request"
    return str(error["message"])


@pytest.mark.anyio
async def test_a_page_parameter_given_twice_is_a_400_page_naming_it(
    moderation_app: Any, env: Env
) -> None:
    """Every query parameter of every page but a list (the trend's ``outlet``), twice: the
    API's refusal (``/api/v1/posts?limit=1&limit=1``) with its name."""
    cases = dashboard_queries(moderation_app)
    assert {("/", "since"), ("/", "of"), ("/posts", "page"), ("/login", "next")} <= {
        (path, name) for path, name, _ in cases
    }
    wrong = []
    async with client_of(moderation_app) as client:
        words = await api_message(client, env, "/api/v1/posts?limit=1&limit=1")
        assert "'limit'" in words
        for path, name, many in cases:
            if many:
                continue
            answer = await client.get(
                f"{path}?{name}=1&{name}=1", headers={**HTML, **bearer(env, "admin")}
            )
            try:
                message = error_page(answer, None if path == "/login" else "admin1 (admin)")
            except AssertionError as exc:
                wrong.append(str(exc).splitlines()[0])
                continue
            if message != words.replace("limit", name):
                wrong.append(f"{path}?{name} twice: {message}")
    assert wrong == []


@pytest.mark.anyio
async def test_a_list_parameter_may_still_be_given_twice(moderation_app: Any, env: Env) -> None:
    """The trend's ``outlet`` takes many (its select sends one per outlet chosen)."""
    async with client_of(moderation_app) as client:
        answer = await client.get(
            "/?outlet=Outlet+A&outlet=Outlet+B", headers={**HTML, **bearer(env, "analyst")}
        )
        posts = await client.get("/posts?page=2", headers={**HTML, **bearer(env, "analyst")})
    assert answer.status_code == 200, answer.text[:300]
    assert "Trend of Outlet A, Outlet B" in answer.text
    assert posts.status_code == 200, posts.text[:300]


PAGE_VALUES = ["abc", "", "0", "-1", "1.5", str(POST_PAGES[1] + 1), "9" * 30]


@pytest.mark.anyio
@pytest.mark.parametrize("value", PAGE_VALUES)
async def test_a_bad_page_is_a_400_page_in_the_apis_words(
    moderation_app: Any, env: Env, value: str
) -> None:
    """``/posts?page=`` as the moderation API refuses ``limit`` (a whole number from 1 to
    500 there; here from 1 to the last page the post search can reach)."""
    async with client_of(moderation_app) as client:
        words = await api_message(client, env, f"/api/v1/moderation/queue?limit={value}")
        answer = await client.get(
            "/posts", params={"page": value}, headers={**HTML, **bearer(env, "admin")}
        )
    expected = words.replace("limit", "page").replace("to 500", f"to {POST_PAGES[1]}")
    assert error_page(answer) == expected
    assert f"the query parameter 'page' must be a whole number from 1 to {POST_PAGES[1]}" in (
        expected
    )


@pytest.mark.anyio
async def test_the_last_page_the_search_reaches_is_answered(moderation_app: Any, env: Env) -> None:
    async with client_of(moderation_app) as client:
        answer = await client.get(
            "/posts", params={"page": POST_PAGES[1]}, headers={**HTML, **bearer(env, "admin")}
        )
    assert answer.status_code == 200, answer.text[:300]


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/", "/posts"])
async def test_a_bad_outlet_id_is_refused_in_the_apis_words(
    moderation_app: Any, env: Env, path: str
) -> None:
    async with client_of(moderation_app) as client:
        words = await api_message(client, env, "/api/v1/posts?outlet_id=abc")
        answer = await client.get(f"{path}?outlet_id=abc", headers={**HTML, **bearer(env, "admin")})
    assert words == "the query parameter 'outlet_id' must be a whole number, not 'abc'"
    assert error_page(answer).startswith(words + " (")


BAD = [
    "/posts?page=abc", "/posts?page=0", "/posts?page=1&page=2", "/?since=1&since=2",
    "/?outlet_id=abc", "/posts?outlet_id=abc", "/?of=1&of=2", "/admin?x=1&x=2",
    "/moderation?x=1&x=1", "/outlets/1?x=1&x=1",
]  # fmt: skip


@pytest.mark.anyio
@pytest.mark.parametrize("address", BAD)
async def test_the_role_check_comes_before_the_query(
    moderation_app: Any, env: Env, address: str
) -> None:
    """Not signed in: a browser is sent to the login page (which comes back to the page),
    a script gets the 401; signed in without the page's role: the 403. Neither says
    anything about the query."""
    async with client_of(moderation_app) as client:
        browser = await client.get(address, headers=HTML)
        script = await client.get(address)
        role = "moderator" if address.startswith(("/posts", "/admin", "/outlets")) else "viewer"
        if address.startswith("/moderation"):
            role = "analyst"
        other = await client.get(address, headers={**HTML, **bearer(env, role)})
    assert browser.status_code == 303, browser.text[:300]
    target = urlsplit(browser.headers["location"])
    assert target.path == "/login" and parse_qs(target.query)["next"] == [address]
    assert script.status_code == 401, script.text[:300]
    assert script.json()["error"]["code"] == "unauthorized"
    if not address.startswith("/?"):  # every role may see the dashboard
        assert other.status_code == 403, other.text[:300]
        assert "query parameter" not in other.text and "given more than once" not in other.text
