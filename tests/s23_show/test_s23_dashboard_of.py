"""The dashboard's silences follow ``of`` (official, supporter or all posts, as `silences
--of` and `report --of` count them): its charts, silence table and the coverage lookup
behind it (``report.silence_lookup``) always counted official releases, whatever the page's
``of`` (which chose the trend alone), so a supporter outlet's silence was never listed.
``GET /api/v1/silences`` already took ``of`` (checked here too: same values, default and
error shape). Store: tests/s23_show/s23_store.py (Fan Page, a supporter outlet, silent
150 h from 2024-03-10, its last post before 2024-03-09T19:00; Outlet One, official, 198 h
from 2024-02-01)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mutewatch.store import Store
from mutewatch.web.auth import add_user

from .s23_store import build

ROLE = "analyst"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    from mutewatch.web.app import create_app

    path = build(tmp_path_factory.mktemp("s23-dash"))
    with Store.open(path) as store:
        _, token = add_user(store, "ana", ROLE)
    app = create_app(
        path, cache_dir=tmp_path_factory.mktemp("s23-cache"), refresh_interval=0.2,
        linger=0.05, pseudonym_key="s23-key", moderation=False,
    )  # fmt: skip
    try:
        yield app, {"Authorization": f"Bearer {token}"}
    finally:
        app.state.gateway.stop()


async def _get(served: tuple[Any, dict[str, str]], url: str) -> httpx.Response:
    app, headers = served
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as c:
        return await c.get(url, headers=headers)


def _silence_table(page: str) -> str:
    start = page.index("<h2>Silences")
    return page[start : page.index("</table>", start)]


@pytest.mark.anyio
async def test_the_dashboard_silences_follow_of(served: tuple[Any, dict[str, str]]) -> None:
    default = await _get(served, "/")
    assert default.status_code == 200, default.text[:300]
    table = _silence_table(default.text)
    assert "Outlet One" in table and "Fan Page" not in table

    supporter = await _get(served, "/?of=supporter")
    assert supporter.status_code == 200, supporter.text[:300]
    table = _silence_table(supporter.text)
    assert "Fan Page" in table and "2024-03-09T19:00" in table
    assert "Outlet One" not in table
    api = await _get(served, "/api/v1/silences?of=supporter&scope=outlet&min_hours=48")
    assert api.status_code == 200
    starts = [s["start"][:16] for s in api.json()["silences"] if s["outlet"] == "Fan Page"]
    assert "2024-03-09T19:00" in starts  # the table lists what the API lists

    everything = await _get(served, "/?of=all")
    assert everything.status_code == 200
    assert "Fan Page" in _silence_table(everything.text)


@pytest.mark.anyio
async def test_the_filter_form_offers_of(served: tuple[Any, dict[str, str]]) -> None:
    page = (await _get(served, "/?of=all")).text
    start = page.index('<form class="filters"')
    form = page[start : page.index("</form>", start)]
    assert re.search(r'<select name="of" id="filter-of">', form)
    assert re.search(r'<option value="all" selected>', form)
    assert form.count('name="of"') == 1  # one of, not the trend's hidden copy besides


@pytest.mark.anyio
async def test_a_bad_of_is_the_apis_one_error(served: tuple[Any, dict[str, str]]) -> None:
    for url in ("/?of=bogus", "/api/v1/silences?of=bogus"):
        answer = await _get(served, url)
        assert answer.status_code == 400, (url, answer.text[:300])
        error = answer.json()["error"]
        assert error["code"] == "bad_request"
        assert "'of'" in error["message"] and "'bogus'" in error["message"], error


@pytest.mark.anyio
async def test_the_api_takes_of_with_the_clis_values(served: tuple[Any, dict[str, str]]) -> None:
    for of in ("official", "supporter", "all"):
        answer = await _get(served, f"/api/v1/silences?of={of}")
        assert answer.status_code == 200
        assert answer.json()["parameters"]["of"] == of
    assert (await _get(served, "/api/v1/silences")).json()["parameters"]["of"] == "official"
