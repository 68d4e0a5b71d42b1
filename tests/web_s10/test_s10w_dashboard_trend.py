"""The dashboard's trend section: ``mutewatch trend`` of the network, or of the outlet the
section's select names (``/?outlet=NAME``, as ``GET /api/v1/trend?outlet=NAME``), over the
dashboard's window. A viewer names a supporter outlet by the pseudonym they see, exactly as
the API takes it; the unknown-parameter guard knows the new parameters.

Before: the dashboard had no trend at all, and ``/?outlet=`` was refused as unknown."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer, make_env, running_app

from mutewatch.store import Store
from mutewatch.web import api

pytestmark = pytest.mark.anyio
FIGURE = re.compile(r'<script type="application/json" id="fig-trend">(.*?)</script>', re.S)


def figure(page: str) -> dict[str, Any]:
    """The trend figure the page embeds."""
    found = FIGURE.search(page)
    assert found, "no trend figure on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def table(page: str, name: str) -> list[list[str]]:
    """The rows of the table in the ``<details>`` of id ``NAME``, cells as text."""
    start = page.index(f'id="{name}"')
    part = page[start : page.index("</details>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", part, re.S)
    return [[html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in rows[1:]]


def title(page: str) -> str:
    found = re.search(r'<h2 id="trend-title">(.*?)</h2>', page, re.S)
    assert found
    return html.unescape(found.group(1))


def rolling(result: dict[str, Any]) -> list[str]:
    """The rate column (per_day) of the API's rolling rows, as the table writes it."""
    return [str(round(r["per_day"], 4)) for r in result["rolling"]]


async def test_an_outlets_trend_is_the_apis(client: httpx.AsyncClient, env: Env) -> None:
    analyst = bearer(env, "analyst")
    network = await client.get("/", headers=analyst)
    chosen = await client.get("/", params={"outlet": "Outlet A"}, headers=analyst)
    api_network = (await client.get("/api/v1/trend", headers=analyst)).json()
    api_chosen = (
        await client.get("/api/v1/trend", params={"outlet": "Outlet A"}, headers=analyst)
    ).json()
    assert network.status_code == chosen.status_code == 200
    assert title(network.text) == "Trend of the network"
    assert title(chosen.text) == "Trend of Outlet A"
    net_rows, chosen_rows = table(network.text, "data-trend"), table(chosen.text, "data-trend")
    assert [r[3] for r in net_rows] == rolling(api_network)
    assert [r[3] for r in chosen_rows] == rolling(api_chosen)
    assert net_rows != chosen_rows  # the outlet's own rates, not the network's
    rate = figure(chosen.text)["data"][2]
    assert rate["y"] == [r["per_day"] for r in api_chosen["rolling"]]
    # Outlet A's ten silent days (120-129) are a change point of its own series
    assert api_chosen["change_points"], api_chosen["change_points"]
    at = api_chosen["change_points"][0]["at"]
    assert at in chosen.text.split('id="trend-changes"')[1].split("</dd>")[0]
    assert '<option value="Outlet A" selected>' in chosen.text


async def test_the_dashboard_and_the_api_share_one_computation(
    client: httpx.AsyncClient, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[dict[str, Any]] = []
    original = api.run_measurement_on

    def counted(name: str, store: Any, options: dict[str, Any]) -> Any:
        if name == "trend":
            runs.append(options)
        return original(name, store, options)

    monkeypatch.setattr(api, "run_measurement_on", counted)
    analyst = bearer(env, "analyst")
    query = {"outlet": "Outlet C", "of": "all"}
    page = await client.get("/", params=query, headers=analyst)
    answer = await client.get("/api/v1/trend", params=query, headers=analyst)
    assert page.status_code == answer.status_code == 200
    assert len(runs) == 1 and runs[0]["outlets"] == ("Outlet C",) and runs[0]["of"] == "all"
    assert [r[3] for r in table(page.text, "data-trend")] == rolling(answer.json())


async def test_a_viewer_names_a_supporter_outlet_by_its_pseudonym(
    client: httpx.AsyncClient, env: Env
) -> None:
    viewer = bearer(env, "viewer")
    dashboard = (await client.get("/", headers=viewer)).text
    pseudonym = re.findall(r'<option value="(supporter-[0-9a-f]{10})"', dashboard)[0]
    query = {"outlet": pseudonym, "of": "supporter", "include_forwards": "true"}
    api_answer = await client.get("/api/v1/trend", params=query, headers=viewer)
    page = await client.get("/", params={"outlet": pseudonym, "of": "supporter"}, headers=viewer)
    assert api_answer.status_code == page.status_code == 200
    assert title(page.text) == f"Trend of {pseudonym}"
    assert f'<option value="{pseudonym}" selected>' in page.text
    assert "Supporter Channel" not in page.text  # no real supporter name anywhere
    assert "--of supporter" in page.text
    # the real name is refused to a viewer, as the API refuses it
    real = {"outlet": "Supporter Channel One"}
    refused_api = await client.get("/api/v1/trend", params=real, headers=viewer)
    refused_page = await client.get("/", params=real, headers=viewer)
    assert refused_api.status_code == refused_page.status_code == 400
    assert refused_page.json() == refused_api.json()
    # an analyst sees and names it
    analyst = await client.get("/", params=real, headers=bearer(env, "analyst"))
    assert title(analyst.text) == "Trend of Supporter Channel One"


async def test_the_trend_follows_the_window(client: httpx.AsyncClient, env: Env) -> None:
    query = {"since": "2024-02-01", "until": "2024-03-31", "outlet": "Outlet B"}
    page = await client.get("/", params=query, headers=bearer(env, "analyst"))
    assert page.status_code == 200
    assert "--from 2024-02-01 --to 2024-03-31" in page.text  # Until includes its day
    periods = table(page.text, "trend-periods")
    assert [p[0] for p in periods] == ["2024-02", "2024-03"]
    assert all(p[5] == "yes" for p in periods)  # full months, every day covered
    assert periods[0][6] == "29"  # Outlet B: one release a day, 29 days in February 2024
    # the top filter form keeps the trend's choice
    assert '<input type="hidden" name="outlet" value="Outlet B">' in page.text


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"outlets": "Outlet A"}, "unknown query parameter &#39;outlets&#39; for /"),
        ({"of": "everything"}, "bad query parameters for trend"),
        ({"outlet": "Outlet Z"}, "Outlet Z"),
    ],
)
async def test_bad_trend_choices_are_refused(
    client: httpx.AsyncClient, env: Env, query: dict[str, str], says: str
) -> None:
    page = await client.get(
        "/", params=query, headers={"Accept": "text/html", **bearer(env, "analyst")}
    )
    assert page.status_code == 400
    assert says in page.text
    if "outlets" in query:
        assert "known: since, until, outlet_id, outlet, of" in page.text


async def test_an_outlet_with_a_link_in_its_name_is_chosen_defanged(tmp_path: Path) -> None:
    """The select sends a name with a link in it defanged (the link is never in the page,
    not even in an attribute), and the dashboard reads it as the name it stands for."""
    hostile = make_env(tmp_path / "store")
    with Store.open(hostile.path) as store:
        store.con.execute(
            "UPDATE outlets SET name = 'Outlet C https://example.org/c' WHERE outlet_id = 3"
        )
    with running_app(hostile.path, tmp_path / "cache", "s10w-key", moderation=False) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            analyst = bearer(hostile, "analyst")
            first = await client.get("/", headers=analyst)
            value = re.findall(r'<option value="(Outlet C [^"]+)"', first.text)
            chosen = await client.get("/", params={"outlet": value[0]}, headers=analyst)
            named = await client.get(
                "/api/v1/trend",
                params={"outlet": "Outlet C https://example.org/c"},
                headers=analyst,
            )
    assert value == ["Outlet C hxxps://example[.]org/c"]
    assert chosen.status_code == 200, chosen.text[:300]
    assert "example.org" not in first.text and "example.org" not in chosen.text
    assert title(chosen.text) == "Trend of Outlet C hxxps://example[.]org/c"
    assert f'<option value="{value[0]}" selected>' in chosen.text
    assert [r[3] for r in table(chosen.text, "data-trend")] == rolling(named.json())


async def test_an_outlet_page_links_to_its_trend(client: httpx.AsyncClient, env: Env) -> None:
    viewer = bearer(env, "viewer")
    official = (await client.get("/outlets/1", headers=viewer)).text
    supporter = (await client.get("/outlets/4", headers=viewer)).text
    link = re.search(r'<a id="outlet-trend" href="([^"]+)"', official)
    assert link and html.unescape(link.group(1)) == "/?outlet=Outlet+A&of=official#trend"
    found = re.search(r'<a id="outlet-trend" href="([^"]+)"', supporter)
    assert found
    href = html.unescape(found.group(1))
    assert re.fullmatch(r"/\?outlet=supporter-[0-9a-f]{10}&of=supporter#trend", href), href
    page = await client.get(href.split("#")[0], headers=viewer)
    assert page.status_code == 200 and title(page.text).startswith("Trend of supporter-")
