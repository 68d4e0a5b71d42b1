"""A silence still running at the archive's end is in the report's silence chart and table.

The key findings (``findings``, which lists ongoing silences) said "Official channels went
silent for 449.0 hours from 2020-04-01 15:00 UTC, the longest break on record (still running
at the archive's end ...)", while the silence chart and its table, built from gaps between
two posts only, showed no such silence, nor the outlets' own: an outlet that stopped before
the archive's end read as never silenced. Now the chart has each series' running silence
(last post to the archive's end) with ``mutewatch silences --ongoing``'s coverage, p-value
and record, and the table says ``ongoing``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from report_audit import build_store, figures, write

from mutewatch.cli import main

OUTLETS = [("Outlet A", True, "chan_a"), ("Outlet B", True, "chan_b"), ("Fan C", False, "chan_c")]


def _rows() -> list[dict[str, Any]]:
    """Two official channels daily from 2020-01-01 to 2020-04-01 (A at 09:00, B at 15:00),
    a supporter channel whose last post, 2020-04-20 08:00, is the archive's end."""
    rows: list[dict[str, Any]] = []
    for i in range(92):
        day = date(2020, 1, 1) + timedelta(days=i)
        for account, hour in (("chan_a", 9), ("chan_b", 15)):
            rows.append({"account": account, "message_id": i + 1,
                         "time": f"{day}T{hour:02d}:00:00Z", "text": "placeholder"})  # fmt: skip
    for n, day in enumerate(("2020-01-05", "2020-02-15", "2020-04-20")):
        rows.append({"account": "chan_c", "message_id": n + 1, "time": f"{day}T08:00:00Z",
                     "text": "placeholder"})  # fmt: skip
    return rows


def _silences(store: Path, scope: str, hours: str) -> list[dict[str, Any]]:
    args = ["--store", str(store), "silences", "--scope", scope, "--min-hours", hours]
    result = CliRunner().invoke(main, [*args, "--ongoing", "--json"])
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.output)["silences"]
    return found


def test_running_silences_are_charted_and_tabled(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", _rows(), OUTLETS)
    windows = {"baseline": (date(2020, 1, 1), date(2020, 1, 31)),
               "period": (date(2020, 4, 1), date(2020, 4, 20))}  # fmt: skip
    out = write(store, tmp_path / "report.html", min_history_days=0, **windows)
    measured = _silences(store, "network", "12") + _silences(store, "outlet", "48")
    running = {(s.get("outlet"), s["start"][:16].replace("T", " ")) for s in measured
               if s["ongoing"]}  # fmt: skip
    assert running == {(None, "2020-04-01 15:00"), ("Outlet A", "2020-04-01 09:00"),
                       ("Outlet B", "2020-04-01 15:00")}  # fmt: skip
    shown = {
        (str(base)[:16].replace("T", " "), hours)
        for trace in figures(out)["silences"]["data"]
        for base, hours in zip(trace["base"], trace["customdata"], strict=True)
    }
    assert shown == {(s["start"][:16].replace("T", " "), s["hours"]) for s in measured}
    assert ("2020-04-01 15:00", 449.0) in shown
    page = out.read_text(encoding="utf-8")
    table = page[page.index("Unprecedented silences (else the latest)") :]
    row = (
        "<td>Outlet B</td><td>2020-04-01 15:00</td><td>2020-04-20 08:00</td><td>449.0</td>"
        "<td>24.0</td><td>yes</td><td>full</td>"
    )
    assert row in table
    assert row + f"<td>{_p(measured, 'Outlet B')}</td><td>yes</td></tr>" in table
    assert "silent for 449.0 hours from 2020-04-01 15:00 UTC" in page  # the key finding


def _p(measured: list[dict[str, Any]], outlet: str) -> str:
    return str(next(s["p_value"] for s in measured if s.get("outlet") == outlet and s["ongoing"]))


def test_a_series_posting_to_the_end_has_no_running_silence(tmp_path: Path) -> None:
    rows = [r for r in _rows() if r["account"] != "chan_c"]  # the archive ends at B's last
    store = build_store(tmp_path / "store", rows, OUTLETS)
    out = write(store, tmp_path / "report.html", min_history_days=0)
    shown = {str(base)[:16] for trace in figures(out)["silences"]["data"] for base in trace["base"]}
    assert not any(s.startswith("2020-04-01") for s in shown)
    assert _silences(store, "network", "12")[-1]["ongoing"] is False
