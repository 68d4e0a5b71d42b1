"""The dashboard's silence table says which silence still runs at the archive's end.

Since fe3bdf8 the silences of the report and the dashboard (``charts.silences``) hold
each series' running silence (its last post to the archive's end); the report's table has
an ``ongoing`` column, and the dashboard's table listed the row with the archive's end as
its end and nothing to say it is a lower bound. Now it has an "Ongoing" column too.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mutewatch.store import Store
from mutewatch.web.auth import add_user
from tests.audit6_report.report_audit import build_store

OUTLETS = [("Outlet A", True, "chan_a"), ("Outlet B", True, "chan_b"), ("Fan C", False, "chan_c")]


def _rows() -> list[dict[str, Any]]:
    """Outlets A and B daily to 2020-04-01 (09:00, 15:00); Fan C's last post (2020-04-20
    08:00) is the archive's end: all three official series run silent to it."""
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(92)]
    times = [(a, i + 1, f"{d}T{h}:00:00Z") for i, d in enumerate(days) for a, h in OFFICIAL]
    times += [("chan_c", n + 1, f"{d}T08:00:00Z") for n, d in enumerate(FAN_DAYS)]
    return [{"account": a, "message_id": m, "time": t, "text": "placeholder"} for a, m, t in times]


OFFICIAL = (("chan_a", "09"), ("chan_b", "15"))
FAN_DAYS = ("2020-01-05", "2020-02-15", "2020-04-20")


async def _dashboard(tmp_path: Path) -> str:
    from mutewatch.web.app import create_app

    path = build_store(tmp_path / "store", _rows(), OUTLETS)
    with Store.open(path) as store:
        token = add_user(store, "ana", "analyst")[1]
    options = {"refresh_interval": 0.2, "linger": 0.05, "moderation": False}
    app = create_app(path, cache_dir=tmp_path / "cache", pseudonym_key="k", **options)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as c:
            return (await c.get("/", headers={"Authorization": f"Bearer {token}"})).text
    finally:
        app.state.gateway.stop()


@pytest.mark.anyio
async def test_the_silence_table_marks_running_silences(tmp_path: Path) -> None:
    page = await _dashboard(tmp_path)
    start = page.index("<h2>Silences")
    table = page[start : page.index("</table>", start)]
    assert "<th>Ongoing</th>" in table
    every = [row.split("</tr>")[0] for row in table.split("<tr>")[2:]]  # past the head
    rows = [row for row in every if "2020-04-20" in row]
    assert len(rows) == 3  # the network's, Outlet A's and Outlet B's running silences
    assert all(row.endswith("<td>yes</td>") for row in rows), rows
    others = [row for row in every if "2020-04-20" not in row]
    assert all(row.endswith("<td></td>") for row in others), others
