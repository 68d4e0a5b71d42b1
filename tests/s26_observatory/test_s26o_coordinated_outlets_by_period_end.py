"""The coordinated-silence finding of a period ending before the archive's end counted as
its N (and k's default, half of N) every outlet of the whole record, also those whose first
post came after the period: on the real Fifth Tribe tweets (--of all --coordinated
--baseline 2015-09..2015-12 --period 2016-03) "At least 56 of 111 outlets were silent
together for 6.2 days", though 33 of the 111 had not posted by 2016-04-01 (a silence is a
gap between posts: an outlet not yet posting is never silent, yet it raised k). Since
77bc397 the finding reads the silences as the record stood at the period's end; now N does
too: the outlets with a counted post by then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.registry import run_measurement
from tests.audit6_report.report_audit import build_store

EARLY = [("Outlet A", True, "chan_a"), ("Outlet B", True, "chan_b")]
LATE = [(f"Outlet {c}", True, f"chan_{c.lower()}") for c in "CDEF"]  # first post 2020-06


def _every(start: datetime, stop: datetime, hours: int) -> Iterator[datetime]:
    while start < stop:
        yield start
        start += timedelta(hours=hours)


def _rows() -> list[dict[str, Any]]:
    """A and B every 6 hours from 2020-01-01 to 2020-06-30, both quiet from 2020-04-20 to
    2020-05-10; C to F every 6 hours from 2020-06-01."""
    quiet = (datetime(2020, 4, 20), datetime(2020, 5, 10))
    times = [
        (account, t)
        for account in ("chan_a", "chan_b")
        for t in _every(datetime(2020, 1, 1, 3), datetime(2020, 6, 30, 3), 6)
        if not quiet[0] <= t < quiet[1]
    ]
    times += [
        (account, t)
        for _, _, account in LATE
        for t in _every(datetime(2020, 6, 1, 3), datetime(2020, 6, 30, 3), 6)
    ]
    ids: dict[str, int] = {}
    rows = []
    for account, t in sorted(times, key=lambda p: (p[1], p[0])):
        ids[account] = ids.get(account, 0) + 1
        rows.append({"account": account, "message_id": ids[account],
                     "time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "text": "placeholder"})  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("coordinated_n"), _rows(), EARLY + LATE)


def _coordinated(store: Path, period: str) -> dict[str, Any] | None:
    result = run_measurement(
        "findings", store, baseline="2020-01..2020-02", period=period, coordinated=True
    )
    found = [f for f in result["findings"] if f["kind"] == "coordinated_silence"]
    return found[0] if found else None


def test_outlets_not_yet_posting_are_not_counted(store: Path) -> None:
    """Period 2020-04: A and B (the only outlets posting by then) silent together from
    2020-04-19 21:00 to the period's end; C to F first posted in June."""
    item = _coordinated(store, "2020-04")
    assert item is not None  # was left out: k 3 of N 6, and only 2 outlets could be silent
    assert (item["numbers"]["k"], item["numbers"]["n"]) == (2, 2)
    assert item["numbers"]["together_silent"] == 2
    assert item["sentence"].startswith("At least 2 of 2 official outlets were silent at once")


def test_a_period_to_the_archive_end_counts_every_outlet(store: Path) -> None:
    """Period 2020-06, the archive's last month: all six outlets had posted (N 6, k 3)."""
    item = _coordinated(store, "2020-06")
    if item is not None:
        assert item["numbers"]["n"] == 6
    result = run_measurement("silences", store, scope="outlet", coordinated_alpha=None)
    assert result["coordinated"]["n"] == 6  # the command reads the whole record
