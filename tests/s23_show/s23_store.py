"""The store of tests/s23_show: real ingest (tests/audit6_report's ``report_audit``).

"Outlet One" (official) releases every 6 h from 2024-01-01 to 2024-04-30 but for a 198 h
gap from 2024-02-01 (31 days of its record before it; longer than every gap before it, so
`mutewatch silences` calls it unprecedented). "Outlet Two" (official) releases every 6 h,
3 h after Outlet One, throughout. "Fan Page" (a supporter outlet) posts every 6 h but for
a 150 h gap from 2024-03-10, while both official outlets post."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.s21_report.s21r_helpers import report_audit

ra = report_audit()
START = datetime(2024, 1, 1)
END = datetime(2024, 4, 30)
OFFICIAL_GAP = (datetime(2024, 2, 1), 198)
SUPPORTER_GAP = (datetime(2024, 3, 10), 150)
OUTLETS = [("Outlet One", True, "off1"), ("Outlet Two", True, "off2"), ("Fan Page", False, "fan1")]


def _posts(account: str, offset: int, gap: tuple[datetime, int] | None) -> list[dict[str, Any]]:
    """``account``'s posts every 6 h from ``START`` + ``offset`` hours, none inside ``gap``."""
    rows: list[dict[str, Any]] = []
    t = START + timedelta(hours=offset)
    while t <= END:
        if gap is None or not gap[0] < t < gap[0] + timedelta(hours=gap[1]):
            rows.append({"account": account, "message_id": len(rows) + 1,
                         "time": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "text": f"placeholder {len(rows)}", "forwarded_from": None})  # fmt: skip
        t += timedelta(hours=6)
    return rows


def build(base: Path) -> Path:
    """The store under ``base``."""
    rows = (
        _posts("off1", 0, OFFICIAL_GAP) + _posts("off2", 3, None) + _posts("fan1", 1, SUPPORTER_GAP)
    )
    return Path(ra.build_store(base, rows, OUTLETS))
