"""The dashboard's and the post browser's Until (a date picker) includes its day, as ``--to``
of the CLI and the measurement API does, so the dashboard counts what the API counts.

Found: Until was the exclusive midnight it names, so From 2016-01-01 Until 2016-12-31 left
out 31 December (demo store: 20,554 releases on the dashboard, 20,597 from
/api/v1/output?from=2016-01-01&to=2016-12-31), and From and Until the same day showed
nothing at all. /api/v1/posts keeps its documented exclusive ``until``.

And a window whose end is before its start answered an empty dashboard, post list and
/api/v1/posts (read as "no posts then"); the measurement API already refused it (400).
And the key findings above filtered charts did not say they are of the whole archive."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

DAY = "2024-03-01"


def _releases(page: str) -> int:
    found = re.search(r'id="fig-output_by_outlet">(.*?)</script>', page, re.S)
    assert found is not None
    figure = json.loads(found.group(1))
    return sum(int(y) for trace in figure["data"] for y in trace.get("y") or [])


@pytest.fixture
async def get(app: Any, env: Env) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as c:

        async def fetch(path: str) -> httpx.Response:
            answer = await c.get(path, headers=bearer(env, "analyst"))
            assert answer.status_code == 200, answer.text[:300]
            return answer

        yield fetch


@pytest.mark.anyio
@pytest.mark.parametrize(("since", "until"), [(DAY, DAY), ("2024-03-01", "2024-03-31")])
async def test_the_dashboard_counts_what_the_api_counts(get: Any, since: str, until: str) -> None:
    page = (await get(f"/?since={since}&until={until}")).text
    api = (await get(f"/api/v1/output?from={since}&to={until}")).json()
    assert api["total"] > 0
    assert _releases(page) == api["total"]


@pytest.mark.anyio
async def test_a_time_is_the_exact_end_and_the_post_browser_includes_the_day(get: Any) -> None:
    whole = _releases((await get(f"/?since={DAY}&until={DAY}")).text)
    morning = _releases((await get(f"/?since={DAY}&until={DAY}T12:00")).text)
    assert 0 < morning < whole
    page = (await get(f"/posts?since={DAY}&until={DAY}")).text
    api = (await get(f"/api/v1/posts?since={DAY}&until=2024-03-02")).json()
    assert api["total"] > 0
    assert f"<p>{api['total']} posts." in page
    assert f'value="{DAY}"' in page  # the form shows what was asked, not the day after


@pytest.mark.anyio
async def test_a_window_ending_before_it_starts_is_refused(app: Any, env: Env) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as c:
        for path in ("/", "/posts"):
            page = await c.get(f"{path}?since=2024-03-02&until=2024-03-01",
                               headers=bearer(env, "analyst"))  # fmt: skip
            assert page.status_code == 400
            assert (
                "since=2024-03-02 until=2024-03-01 (until includes its day): the end is not "
                "after the start" in page.text
            )
        answer = await c.get("/api/v1/posts?since=2024-03-02&until=2024-03-02",
                             headers=bearer(env, "analyst"))  # fmt: skip
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "bad_request"
    assert error["message"].startswith("since=2024-03-02 until=2024-03-02 (until is exclusive)")


@pytest.mark.anyio
async def test_filtered_charts_say_the_findings_are_of_the_whole_archive(get: Any) -> None:
    """The findings box (from /api/v1/findings) ignores the filter; filtered, it says so."""
    assert 'id="findings-scope"' not in (await get("/")).text
    for query in (f"since={DAY}", f"until={DAY}", "outlet_id=1"):
        page = (await get(f"/?{query}")).text
        assert 'id="findings-scope"' in page and "whole archive" in page, query
