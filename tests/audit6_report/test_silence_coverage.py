"""A silence the archive did not collect is not reported as an outlet going silent: the
report's silence table carries each silence's coverage and p-value from ``mutewatch
silences``, and a gap no source covered is never marked unprecedented (chart or table)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from report_audit import build_store, figures, write

HOLE = (datetime(2024, 4, 10), datetime(2024, 6, 1, 12))  # between the two files


def _rows() -> list[dict[str, Any]]:
    """One official account every 12 h from 2024-01-01, in two files with a hole between."""
    times = [datetime(2024, 1, 1) + timedelta(hours=12 * i) for i in range(201)]
    times += [HOLE[1] + timedelta(hours=12 * i) for i in range(201)]  # the same number
    return [
        {"account": "chan1", "message_id": n + 1, "time": t.isoformat() + "Z",
         "text": f"placeholder {n}"}
        for n, t in enumerate(times)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("hole")
    rows = _rows()
    store = build_store(base, rows, [("Outlet One", True, "chan1")], files=2)
    # two files of equal size: the first ends at the hole's start, the second begins at its end
    assert rows[len(rows) // 2 - 1]["time"] == HOLE[0].isoformat() + "Z"
    out = write(store, base / "report.html")
    return out.read_text(encoding="utf-8")


def test_uncollected_silence_is_marked_not_unprecedented(report: str) -> None:
    section = report[report.index("<section id='silences'>") : report.index("<section id='supp")]
    table = section[section.index("<h3>") :]
    header = re.findall(r"<th scope='col'[^>]*>([^<]*)</th>", table.split("</thead>")[0])
    assert {"coverage", "p_value"} <= set(header), header
    rows = [
        dict(zip(header, re.findall(r"<td[^>]*>([^<]*)</td>", tr), strict=True))
        for tr in re.findall(r"<tr>(<td.*?)</tr>", table.split("<tbody>")[1])
    ]
    assert rows and all(r["coverage"] in ("full", "partial", "none") for r in rows)
    hole = [r for r in rows if float(r["hours"]) > 1000]
    assert all(r["coverage"] == "none" and r["unprecedented"] == "no" for r in hole), hole
    data = report[report.index("<details class='data' id='data-silences'>") :]
    data = data[: data.index("</details>")]
    assert re.search(r"<td>Outlet One</td><td>2024-04-10 00:00</td><td>2024-06-01 12:00</td>"
                     r"<td>not collected</td><td>1260.0</td>", data)  # fmt: skip


def test_the_chart_does_not_mark_it_either(report: str, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    page.write_text(report, encoding="utf-8")
    marked = [
        hours
        for trace in figures(page)["silences"]["data"]
        if trace["name"] == "unprecedented"
        for hours in trace["customdata"]
    ]
    assert all(h < 1000 for h in marked), marked
