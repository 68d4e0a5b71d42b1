"""The report's silence table gives each gap the record `mutewatch silences` gives it, over
the whole record whatever the report's window, and lists every silence that overlaps the
window. It read the gaps from the window's posts alone: a gap inside the window that an
earlier gap before it beat was called unprecedented with a previous longest of the
window's gaps, a gap across the window's start was not listed, and in any window a gap the
archive did not collect counted as a previous longest (the demo's Province 05: 139.4 h in
the report, 124.8 h in `silences`).

Store: "Outlet One" releases every 6 h from 2024-01-01 to 2024-07-31 except for gaps of
198 h (from 2024-02-01), 300 h the archive did not collect (from 2024-03-01: 40 message ids
missing), 102 h (2024-04-28, across the window's start), 150 h (2024-06-01) and 252 h
(2024-07-01: longer than every collected gap before it). "Outlet Two" releases every 6 h
throughout but for 60 h from 2024-02-03 (the network's one silence)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.show import charts, report
from mutewatch.store import Store

from .s21r_helpers import report_audit, table_after

ra = report_audit()
TABLE = "Unprecedented silences (else the latest)"
START = datetime(2024, 1, 1)
END = datetime(2024, 7, 31)
# (start, hours, message ids missing after it)
ONE_GAPS = [
    (datetime(2024, 2, 1), 198, 0),
    (datetime(2024, 3, 1), 300, 40),
    (datetime(2024, 4, 28), 102, 0),
    (datetime(2024, 6, 1), 150, 0),
    (datetime(2024, 7, 1), 252, 0),
]
TWO_GAPS = [(datetime(2024, 2, 3, 3), 60, 0)]
WINDOW = (date(2024, 5, 1), date(2024, 6, 20))


def _releases(
    account: str, offset: int, gaps: list[tuple[datetime, int, int]]
) -> list[dict[str, Any]]:
    """``account``'s posts every 6 h from ``START`` + ``offset`` hours, none inside a gap;
    the post ending a gap skips that gap's missing message ids."""
    rows: list[dict[str, Any]] = []
    t, message_id = START + timedelta(hours=offset), 0
    while t <= END:
        inside = [g for g in gaps if g[0] < t < g[0] + timedelta(hours=g[1])]
        if not inside:
            ended = [g for g in gaps if t == g[0] + timedelta(hours=g[1])]
            message_id += 1 + sum(g[2] for g in ended)
            rows.append({"account": account, "message_id": message_id,
                         "time": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "text": f"placeholder {len(rows)}", "forwarded_from": None})  # fmt: skip
        t += timedelta(hours=6)
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = _releases("off1", 0, ONE_GAPS) + _releases("off2", 3, TWO_GAPS)
    return ra.build_store(tmp_path_factory.mktemp("s21-record"), rows, ra.MIXED_OUTLETS)


def _silences(store: Path, scope: str, min_hours: float) -> dict[str, dict[str, Any]]:
    """``mutewatch silences --json``'s gaps by (outlet or "network") and start to the minute."""
    args = ["--store", str(store), "silences", "--scope", scope, "--min-hours", str(min_hours)]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["silences"]
    return {f"{s.get('outlet') or 'network'} {str(s['start'])[:16]}": s for s in found}


def _measured(store: Path) -> dict[str, dict[str, Any]]:
    return {**_silences(store, "network", 12.0), **_silences(store, "outlet", 48.0)}


def _key(outlet: str | None, start: Any) -> str:
    text = start.isoformat() if isinstance(start, datetime) else str(start).replace(" ", "T")
    return f"{outlet or 'network'} {text[:16]}"


def _page(store: Path, out: Path, **options: Any) -> str:
    return Path(ra.write(store, out, **options)).read_text("utf-8")


def test_a_gap_an_earlier_gap_before_the_window_beat_is_not_unprecedented(
    store: Path, tmp_path: Path
) -> None:
    """The 150 h gap of 2024-06-01, 31 days into the window: the 198 h gap of February beat
    it. The report called it unprecedented with a previous longest of 6.0 h (the window's
    posts alone; min_history_days 7 so the window's 31 days were enough)."""
    measured = _measured(store)
    page = _page(store, tmp_path / "w.html", period=WINDOW, min_history_days=7.0)
    rows = {_key(r["outlet"], r["start"]): r for r in table_after(page, TABLE)}
    june = rows["Outlet One 2024-06-01T00:00"]
    silences = measured["Outlet One 2024-06-01T00:00"]
    assert silences["previous_longest_hours"] == pytest.approx(198.0)
    assert silences["unprecedented"] is False
    assert june["unprecedented"] == "no"
    assert float(june["longest_before"]) == pytest.approx(silences["previous_longest_hours"])
    assert float(june["hours"]) == pytest.approx(150.0)


def test_a_gap_across_the_window_start_is_listed(store: Path, tmp_path: Path) -> None:
    """The 102 h gap from 2024-04-28 ends on 2024-05-02, inside the window: listed (as
    `silences --from` lists it), with its whole length and record."""
    page = _page(store, tmp_path / "w.html", period=WINDOW, min_history_days=7.0)
    rows = {_key(r["outlet"], r["start"]): r for r in table_after(page, TABLE)}
    assert set(rows) == {"Outlet One 2024-04-28T00:00", "Outlet One 2024-06-01T00:00"}
    across = rows["Outlet One 2024-04-28T00:00"]
    assert float(across["hours"]) == pytest.approx(102.0)
    assert float(across["longest_before"]) == pytest.approx(198.0)
    assert across["unprecedented"] == "no"
    args = ["--store", str(store), "silences", "--scope", "outlet", "--min-hours", "48"]
    result = CliRunner().invoke(main, [*args, "--from", "2024-05-01", "--to", "2024-06-20"])
    assert result.exit_code == 0 and "2024-04-28" in result.output


def test_the_default_report_agrees_with_silences_on_every_gap(store: Path, tmp_path: Path) -> None:
    """Whole record: the 252 h gap of July is unprecedented in `silences` (198 h before it;
    the 300 h the archive did not collect is nobody's record) and so in the report, which
    read 300.0 h as its previous longest and left it out. Every gap charted has silences'
    previous longest; unprecedented as silences says, once 90 days of record lie before."""
    measured = _measured(store)
    page = _page(store, tmp_path / "d.html")
    table = table_after(page, TABLE)
    assert [_key(r["outlet"], r["start"]) for r in table] == ["Outlet One 2024-07-01T00:00"]
    assert table[0]["unprecedented"] == "yes"
    assert float(table[0]["longest_before"]) == pytest.approx(198.0)
    options = report.ReportOptions()
    with Store.open(store, read_only=True) as opened:
        gaps = charts.silences(opened, options.filters())
    rows = report.with_coverage(gaps, store, options)
    assert len(rows) == len(measured) == 7  # 5 of Outlet One, 1 of Outlet Two, 1 of the network
    for row in rows:
        s = measured[_key(None if row["outlet_id"] is None else row["outlet"], row["start"])]
        prior = s["previous_longest_hours"]
        assert row["longest_before"] == (None if prior is None else round(prior, 1)), row
        seasoned = float(row["history_days"]) >= options.min_history_days
        assert row["unprecedented"] == (bool(s["unprecedented"]) and seasoned), row
    assert "longest_before and unprecedented are those of <code>mutewatch silences</code>" in page
