"""Findings of the strict audit of issue 4 ("Show it"), each pinned by a test."""

from __future__ import annotations

import httpx
import pytest
from webfactory import Env, bearer

pytestmark = pytest.mark.anyio


def _one_error_shape(r: httpx.Response) -> dict[str, str]:
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    error: dict[str, str] = body["error"]
    return error


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/silences?min_hours=nan",
        "/api/v1/silences?min_hours=inf",
        "/api/v1/silences?min_hours=1e400",
        "/api/v1/silences?lookback_days=nan",
        "/api/v1/findings?min_hours=nan",
        "/api/v1/trend?penalty=nan",
        "/api/v1/trend?penalty=-1",
        "/api/v1/posts?offset=99999999999999999999",
    ],
)
async def test_bad_numbers_are_a_400_not_a_500(
    client: httpx.AsyncClient, env: Env, query: str
) -> None:
    r = await client.get(query, headers=bearer(env, "admin"))
    assert r.status_code == 400, r.text
    assert _one_error_shape(r)["code"] == "bad_request"


async def test_a_huge_page_of_the_post_browser_is_a_400(
    client: httpx.AsyncClient, env: Env
) -> None:
    r = await client.get("/posts?page=99999999999999999999", headers=bearer(env, "analyst"))
    assert r.status_code == 400, r.text[:300]


@pytest.mark.parametrize("value", ["maybe", "2", "nein"])
async def test_a_flag_takes_true_or_false_only(
    client: httpx.AsyncClient, env: Env, value: str
) -> None:
    r = await client.get(f"/api/v1/output?include_forwards={value}", headers=bearer(env, "viewer"))
    assert r.status_code == 400, r.text[:300]
    assert "include_forwards" in _one_error_shape(r)["message"]


async def test_flag_words_still_work(client: httpx.AsyncClient, env: Env) -> None:
    h = bearer(env, "viewer")
    on = (await client.get("/api/v1/output?of=all&include_forwards=true", headers=h)).json()
    off = (await client.get("/api/v1/output?of=all&include_forwards=false", headers=h)).json()
    bare = (await client.get("/api/v1/output?of=all&include_forwards", headers=h)).json()
    assert on["total"] == bare["total"] > off["total"]


async def test_a_time_with_an_offset_is_converted_to_utc(
    client: httpx.AsyncClient, env: Env
) -> None:
    # the hostile post is at 2024-01-06 09:00 UTC; 11:00+02:00 is that instant, 12:00+02:00 after
    h = bearer(env, "analyst")
    at = await client.get("/api/v1/posts?q=Test item&since=2024-01-06T11:00:00%2B02:00", headers=h)
    after = await client.get(
        "/api/v1/posts?q=Test item&since=2024-01-06T12:00:00%2B02:00", headers=h
    )
    assert at.json()["total"] == 1, at.text[:300]
    assert after.json()["total"] == 0, after.text[:300]
