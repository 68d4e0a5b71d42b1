"""Any query value FastAPI refuses on a dashboard page (not ``/api/``) is a 400 error page
naming the parameter in the API's words, as ``query_values`` answers on the pages that
declare it; a bad path or body value stays FastAPI's 422.

Found (session 14): a page parameter without ``query_values`` (a new page's, or one a
later change adds) fell through to the 422 page (``query.n: Input should be ...`` in the
app's words, status 422), while the same value on an ``/api/`` route was a 400. The probe
routes below are added to this folder's app only."""

from __future__ import annotations

import html
import re
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Body, Query

ERROR = re.compile(r'<p class="error">(.*?)</p>', re.S)
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def probed(app: Any) -> Any:
    """``app`` with a page and an API route taking the same query, path and body values."""

    def probe(
        k: int,
        n: Annotated[int, Query(ge=1, le=9)],
        flag: bool = False,
    ) -> dict[str, Any]:
        return {"k": k, "n": n, "flag": flag}

    def posted(k: int, size: Annotated[int, Body(embed=True)]) -> dict[str, Any]:
        return {"k": k, "size": size}

    if not any(getattr(r, "path", "") == "/s14fw-probe/{k}" for r in app.routes):
        for prefix in ("/s14fw-probe", "/api/s14fw-probe"):
            app.add_api_route(prefix + "/{k}", probe, methods=["GET"])
            app.add_api_route(prefix + "/{k}", posted, methods=["POST"])
    return app


def client_of(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60)


def page_message(answer: httpx.Response, status: int) -> str:
    said = f"{answer.request.url}: {answer.status_code} {answer.text[:300]}"
    assert answer.status_code == status, said
    assert answer.headers["content-type"].startswith("text/html"), said
    assert f"<h1>Error {status}</h1>" in answer.text, said
    found = ERROR.search(answer.text)
    assert found is not None, said
    return html.unescape(found.group(1))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("n=abc", ["'n'"]),
        ("n=0", ["'n'"]),
        ("n=10", ["'n'"]),
        ("", ["'n'"]),
        ("n=2&flag=maybe", ["'flag'"]),
        ("n=abc&flag=maybe", ["'n'", "'flag'"]),
    ],
)
async def test_a_bad_query_value_on_a_page_is_a_400_page_in_the_api_words(
    probed: Any, query: str, names: list[str]
) -> None:
    async with client_of(probed) as client:
        api = await client.get(f"/api/s14fw-probe/1?{query}")
        page = await client.get(f"/s14fw-probe/1?{query}", headers=HTML)
    assert api.status_code == 400, api.text
    words = api.json()["error"]["message"]
    message = page_message(page, 400)
    assert message == words
    assert all(f"the query parameter {name}" in message for name in names), message


@pytest.mark.anyio
async def test_a_good_query_still_answers_and_path_and_body_errors_stay_422(
    probed: Any,
) -> None:
    async with client_of(probed) as client:
        good = await client.get("/s14fw-probe/3?n=2&flag=yes", headers=HTML)
        path = await client.get("/s14fw-probe/x?n=2", headers=HTML)
        both = await client.get("/s14fw-probe/x?n=abc", headers=HTML)
        body = await client.post("/s14fw-probe/3", json={"size": "big"}, headers=HTML)
        plain = await client.get("/s14fw-probe/x?n=2")
    assert good.status_code == 200 and good.json() == {"k": 3, "n": 2, "flag": True}
    assert "the path parameter 'k'" in page_message(path, 422)
    assert "'n'" in page_message(both, 400)  # the query's fault is told first, as the API's
    assert "the body field 'size'" in page_message(body, 422)
    assert plain.status_code == 422 and plain.json()["error"]["code"] == "validation_error"
