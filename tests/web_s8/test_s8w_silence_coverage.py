"""The dashboard marks silences as the report does: a gap the archive did not collect
(coverage none in ``mutewatch silences``) is drawn grey as "not collected", is never an
unprecedented silence, and the tables say each gap's coverage.

Found: the dashboard drew its silences from its own SQL without the measurement's
coverage, so on the demo store it showed 2,871 silences and 210 unprecedented ones where
the report (same store) showed 2,842, 209 and 30 not collected: Province 05's 139.4 h gap
from 2016-05-19, time the archive lacks, was a red "unprecedented" silence in the dashboard
and in its table, and on the outlet's page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from webfactory import START, Env, bearer, make_env

from mutewatch.show import report
from mutewatch.store import Store

GAP_START = START + timedelta(days=119)  # Outlet A posts nothing from day 120 to day 130
GAP_END = START + timedelta(days=131)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """The web tests' store, with Outlet A's channel collected in two pieces that leave out
    its silence (so that silence is time the archive lacks)."""
    made = make_env(tmp_path_factory.mktemp("s8w-cov-store"))
    with Store.open(made.path) as store, store.transaction() as con:
        con.execute("DELETE FROM coverage")
        con.execute(  # a second export of the channel
            "INSERT INTO sources SELECT * REPLACE (2 AS source_id, 'b.json' AS path, 'd' AS sha256)"
            " FROM sources WHERE source_id = 1"
        )
        for source, first, last in ((1, START, GAP_START), (2, GAP_END, START + timedelta(200))):
            con.execute(
                "INSERT INTO coverage VALUES (?, 'telegram', '1001', ?, ?, 1, 400, 200)",
                [source, first, last],
            )
    return made


@pytest.fixture(scope="module")
def pages(app: Any, env: Env) -> Iterator[dict[str, str]]:
    """The dashboard and Outlet A's page, as an analyst sees them."""
    import anyio

    async def fetch() -> dict[str, str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            got = {}
            for path in ("/", "/outlets/1"):
                answer = await client.get(path, headers=bearer(env, "analyst"), timeout=120)
                assert answer.status_code == 200, answer.text[:300]
                got[path] = answer.text
            return got

    yield anyio.run(fetch)


def _traces(figure: dict[str, Any]) -> dict[str, list[str]]:
    return {t["name"]: [str(y) for y in t["y"]] for t in figure["data"]}


def test_the_dashboard_draws_the_silences_the_report_draws(pages: dict[str, str], env: Env) -> None:
    found = re.search(r'id="fig-silences">(.*?)</script>', pages["/"], re.S)
    assert found is not None
    dashboard = _traces(json.loads(found.group(1)))
    html, figures = report.build_report(env.path, report.ReportOptions())
    reported = _traces(json.loads(figures["silences"].to_json()))
    assert dashboard == reported
    assert "Outlet A" in dashboard["not collected"]
    assert "Outlet A" not in dashboard.get("unprecedented", [])


def test_the_tables_say_the_gap_was_not_collected(pages: dict[str, str]) -> None:
    row = re.search(r"<tr><td>2024-0[45]-\d\d[^<]*</td>(?:<td>[^<]*</td>){4}</tr>",
                    pages["/outlets/1"])  # fmt: skip
    assert row is not None, pages["/outlets/1"][-3000:]
    cells = re.findall(r"<td>([^<]*)</td>", row.group(0))
    assert cells[3:] == ["", "none"]  # not unprecedented; coverage none
    assert "<th>Coverage</th>" in pages["/"]
