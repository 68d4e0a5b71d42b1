"""Every dashboard chart has its numbers in a data table under it (a closed <details>), as
the report has: the same rows as the report's ``chart_rows`` of the same figure (the one the
page draws, so pseudonymised for a viewer), names defanged.

Found: the dashboard's charts had no text alternative for their numbers (the report had
one table per chart), so a screen reader user got only each chart's title."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.show import charts, report
from mutewatch.store import Store


class Tables(HTMLParser):
    """The data tables of a page: ``{details id: [[cell, ...] per row, header row first]}``."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.summaries: dict[str, str] = {}
        self._details: str | None = None
        self._cell: list[str] | None = None
        self._summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "details" and "data" in str(found.get("class")):
            self._details = str(found["id"])
            self.tables[self._details] = []
        elif self._details and tag == "summary":
            self._summary = True
            self.summaries[self._details] = ""
        elif self._details and tag == "tr":
            self.tables[self._details].append([])
        elif self._details and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._details = None
        elif tag == "summary":
            self._summary = False
        elif self._details and tag in ("td", "th") and self._cell is not None:
            self.tables[self._details][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._summary and self._details:
            self.summaries[self._details] += data


async def _page(app: Any, env: Env, role: str) -> tuple[str, Tables]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/", headers=bearer(env, role))
    assert answer.status_code == 200, answer.text[:500]
    parser = Tables()
    parser.feed(answer.text)
    return answer.text, parser


@pytest.mark.anyio
async def test_every_chart_has_a_data_table(app: Any, env: Env) -> None:
    text, parser = await _page(app, env, "analyst")
    charted = re.findall(r'<figure class="chart" id="chart-([a-z_]+)"', text)
    assert charted and sorted(parser.tables) == sorted(f"data-{name}" for name in charted)
    for name in charted:
        assert parser.summaries[f"data-{name}"] == f"Data table: {charts.TITLES[name]}"
    assert '<details class="data" id="data-heatmap">' in text  # closed: the charts first


@pytest.mark.anyio
async def test_the_tables_hold_the_reports_numbers(app: Any, env: Env) -> None:
    _, parser = await _page(app, env, "analyst")
    with Store.open(env.path, read_only=True) as store:
        built = charts.build(store, charts.Filters())
    for name in ("output_by_outlet", "heatmap", "supporters"):
        columns, rows = report.chart_rows(built.figures[name], name)
        header, *body = parser.tables[f"data-{name}"]
        assert header == columns
        assert len(body) == len(rows) > 0
        first = [str(v) if v is not None else "" for v in (rows[0].get(c) for c in columns)]
        assert body[0] == first
    outlet = parser.tables["data-output_by_outlet"]
    assert outlet[1][0] == "2024-01-01"  # the bucket as its day
    silences = parser.tables["data-silences"]
    assert silences[0][:3] == ["outlet", "start", "end"]
    unprecedented = [row for row in silences[1:] if row[3] == "unprecedented"]
    assert unprecedented and unprecedented[0][0] == "Outlet A"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", unprecedented[0][1])


def test_names_in_a_table_are_defanged_and_controls_shown() -> None:
    from mutewatch.web.pages import chart_table

    fig = {"data": [
        {"type": "bar", "name": "see https://example.org/x", "x": ["2024-01-08T00:00:00"],
         "y": [0.123456]},
        {"type": "bar", "name": "ab\u202ecd", "x": ["2024-01-08T00:00:00"], "y": [3]},
    ]}  # fmt: skip
    table = chart_table(fig, "output_by_outlet")
    assert table["columns"] == ["period", "see hxxps://example[.]org/x", "ab[U+202E]cd"]
    assert table["rows"] == [["2024-01-08", "0.1235", "3"]]


def test_a_long_table_is_cut_and_says_so() -> None:
    from mutewatch.web.pages import TABLE_MAX_ROWS, chart_table

    days = [f"2024-01-{d:02d}T00:00:00" for d in range(1, 32)] * 20
    fig = {"data": [{"type": "bar", "name": "n", "x": days, "y": list(range(len(days)))}]}
    table = chart_table(fig, "output_by_outlet")
    assert table["total"] == 31  # one row per bucket
    many = {"data": [{"type": "bar", "name": f"s{i}", "base": ["2024-01-01T00:00:00"] * 700,
                      "x": [3_600_000.0] * 700, "y": [f"o{j}" for j in range(700)],
                      "customdata": [1.0] * 700} for i in range(1)]}  # fmt: skip
    cut = chart_table(many, "silences")
    assert cut["total"] == 700 and len(cut["rows"]) == TABLE_MAX_ROWS
    assert cut["rows"][0][:3] == ["o0", "2024-01-01 00:00", "2024-01-01 01:00"]


@pytest.mark.anyio
async def test_the_outlet_pages_timeline_has_its_table(app: Any, env: Env) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        page = await client.get("/outlets/1", headers=bearer(env, "analyst"))
        detail = (await client.get("/api/v1/outlets/1", headers=bearer(env, "analyst"))).json()
    parser = Tables()
    parser.feed(page.text)
    header, *rows = parser.tables["data-timeline"]
    assert header == ["period", "posts per day"]
    daily = [[str(d["day"])[:10], str(d["posts"])] for d in detail["daily"]]
    assert rows == daily[: len(rows)] and len(rows) == min(len(daily), 500)
