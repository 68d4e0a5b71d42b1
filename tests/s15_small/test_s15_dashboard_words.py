"""The dashboard's 400 page says a refused value in the API's words, from one place
(``api.check_value``'s wording, ``api.check_window``), and the API's JSON error says the
same words for the same value.

Found (session 15): a window ending before it starts was ``From A Until B: ...`` on the
pages and ``since=A until=B (until is exclusive): ...`` on ``/api/v1/posts``; a whole
number out of a route's ``Query(ge=, le=)`` bounds was FastAPI's ``must be greater than or
equal to 1`` (the app's validation handler kept its own copy of the words) where
``check_value`` says ``must be a whole number from 1 to 9``. The probe routes below are
added to this folder's app only."""

from __future__ import annotations

import html
import re
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Query
from webfactory import Env, bearer

from mutewatch.errors import UsageError
from mutewatch.web.api import check_value

ERROR = re.compile(r'<p class="error">(.*?)</p>', re.S)
HTML = {"Accept": "text/html,application/xhtml+xml"}
BOUNDS = (1, 9)
SWAPPED = "the end is not after the start, so nothing would be selected"


@pytest.fixture(scope="module")
def probed(app: Any) -> Any:
    """``app`` with a page and an API route taking a bounded whole number ``n``."""

    def probe(n: Annotated[int, Query(ge=BOUNDS[0], le=BOUNDS[1])]) -> dict[str, int]:
        return {"n": n}

    if not any(getattr(r, "path", "") == "/s15s-probe" for r in app.routes):
        for path in ("/s15s-probe", "/api/s15s-probe"):
            app.add_api_route(path, probe, methods=["GET"])
    return app


def client_of(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60)


def page_message(answer: httpx.Response) -> str:
    said = f"{answer.request.url}: {answer.status_code} {answer.text[:300]}"
    assert answer.status_code == 400, said
    assert answer.headers["content-type"].startswith("text/html"), said
    found = ERROR.search(answer.text)
    assert found is not None, said
    return html.unescape(found.group(1))


def api_message(answer: httpx.Response) -> str:
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "bad_request"
    return str(error["message"])


def check_value_says(name: str, value: str) -> str:
    with pytest.raises(UsageError) as refused:
        check_value(name, value, BOUNDS)
    return refused.value.message


@pytest.mark.anyio
@pytest.mark.parametrize("value", ["0", "10", "abc", "1.5", ""])
async def test_a_bound_is_said_as_check_value_says_it(probed: Any, value: str) -> None:
    async with client_of(probed) as client:
        api = await client.get("/api/s15s-probe", params={"n": value})
        page = await client.get("/s15s-probe", params={"n": value}, headers=HTML)
    words = check_value_says("n", value)
    assert words.startswith("the query parameter 'n' must be a whole number from 1 to 9, not ")
    assert api_message(api) == words
    assert page_message(page) == words


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("since", "until"),
    [("2024-03-02T05:00", "2024-03-02T04:00"), ("2024-03-02T00:00", "2024-03-01T12:30")],
)
async def test_a_swapped_window_is_said_in_the_apis_words(
    app: Any, env: Env, since: str, until: str
) -> None:
    query = {"since": since, "until": until}
    async with client_of(app) as client:
        api = await client.get("/api/v1/posts", params=query, headers=bearer(env, "analyst"))
        pages = [
            await client.get(path, params=query, headers={**HTML, **bearer(env, "analyst")})
            for path in ("/", "/posts")
        ]
    words = api_message(api)
    assert words.startswith(f"since={since} until={until} (until is exclusive): {SWAPPED}")
    assert [page_message(page) for page in pages] == [words, words]


@pytest.mark.anyio
async def test_a_date_until_says_it_includes_its_day(app: Any, env: Env) -> None:
    """The same words; the note says what a date until is on the pages (its whole day) and
    on the API (its first moment)."""
    query = {"since": "2024-03-02", "until": "2024-03-01"}
    async with client_of(app) as client:
        api = await client.get("/api/v1/posts", params=query, headers=bearer(env, "analyst"))
        page = await client.get("/", params=query, headers={**HTML, **bearer(env, "analyst")})
    words = api_message(api)
    assert words.startswith(f"since=2024-03-02 until=2024-03-01 (until is exclusive): {SWAPPED}")
    said = words.replace("(until is exclusive)", "(until includes its day)")
    assert page_message(page) == said
