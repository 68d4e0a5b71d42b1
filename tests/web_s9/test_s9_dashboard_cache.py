"""The dashboard's chart view (each figure's JSON and data table) is built once per store
data version, window, outlet and audience, and built again after an ingest. The module's
store is its own (conftest's ``env`` is per module): the test ingests into it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.web import pages


def telegram_export() -> bytes:
    """A single-channel Telegram export: 'Outlet Nine', 24 placeholder posts in March 2024."""
    messages = [
        {"id": i + 1, "type": "message", "date": f"2024-03-{i % 20 + 1:02d}T10:00:00",
         "date_unixtime": str(1709287200 + i * 86400), "from": "Outlet Nine",
         "from_id": "channel9090", "text": f"placeholder {i}", "text_entities": []}
        for i in range(24)
    ]  # fmt: skip
    export = {"name": "Outlet Nine", "type": "public_channel", "id": 9090, "messages": messages}
    return json.dumps(export).encode()


def coverage_table(page: str) -> str:
    """The data table of the coverage-by-source chart, as the page serves it."""
    start = page.index('id="data-coverage"')
    return page[start : page.index("</details>", start)]


@pytest.mark.anyio
async def test_the_view_is_built_once_and_again_after_an_ingest(
    moderation_app: Any, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    original = pages.chart_table

    def counted(fig: dict[str, Any], name: str) -> dict[str, Any]:
        built.append(name)
        table: dict[str, Any] = original(fig, name)
        return table

    monkeypatch.setattr(pages, "chart_table", counted)
    analyst = bearer(env, "analyst")
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        first = (await client.get("/", headers=analyst)).text
        after_first = len(built)
        second = (await client.get("/", headers=analyst)).text
        assert len(built) == after_first == 9  # the second request built nothing
        assert coverage_table(first) == coverage_table(second)
        viewer = await client.get("/", headers=bearer(env, "viewer"))
        assert viewer.status_code == 200 and len(built) == 18  # pseudonymised: its own
        window = await client.get("/?since=2024-02-01", headers=analyst)
        assert window.status_code == 200 and len(built) == 27  # another window: its own
        assert coverage_table(first).count("<tr>") == 2  # the header and the one source

        files = {"file": ("result.json", telegram_export(), "application/json")}
        job = (await client.post("/api/v1/ingest", headers=bearer(env, "admin"),
                                 files=files)).json()  # fmt: skip
        deadline = time.monotonic() + 60
        state = job
        while state["state"] not in ("done", "failed") and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            state = (await client.get(f"/api/v1/ingest/{job['id']}",
                                      headers=bearer(env, "admin"))).json()  # fmt: skip
        assert state["state"] == "done", state
        table = coverage_table(first)
        while table == coverage_table(first) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)  # the readers' snapshot follows the writer
            table = coverage_table((await client.get("/", headers=analyst)).text)
    assert table.count("<tr>") == 3  # the new source is in the served table
    assert len(built) > 27
