"""Findings measure a silence running at the period's end as the record stood then.

With a period ending before the archive's end, the longest-silence finding quoted a silence
still running at the period's end with its whole length, read from posts after the period:
"Official channels went silent for 375.0 hours from 2020-04-24 18:00 UTC, the longest break
on record to 2020-04-30" (the next post came on 2020-05-10). A gap begun six hours before
the period's end was "471.0 hours, the longest break on record to 2020-04-30", and an
official network silent to the archive's end was quoted to the archive's end (1602.0
hours, "still running at the archive's end"); the coordinated finding read the same
silences whole. Now a silence running at the period's end ends there, ongoing, its hours
(and coverage, p-value) those of the cut span, as `silences --ongoing` treats one running at
the archive's end; `silences --to` still lists whole silences (its statistics never depend
on the window).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.registry import run_measurement
from tests.audit6_report.report_audit import build_store

OUTLETS = [("Outlet A", True, "chan_a"), ("Outlet B", True, "chan_b"), ("Fan C", False, "chan_c")]
WINDOWS = {"baseline": "2020-01..2020-02", "period": "2020-04"}
PERIOD_END = "the end of the period, 2020-04-30"


def _every(start: datetime, stop: datetime, hours: int) -> Iterator[datetime]:
    while start < stop:
        yield start
        start += timedelta(hours=hours)


def _rows(quiet_from: datetime, quiet_to: datetime | None) -> list[dict[str, Any]]:
    """Outlets A and B every 6 hours from 2020-01-01 (a 75-hour network gap from
    2020-02-10 00:00), quiet from ``quiet_from`` to ``quiet_to`` (None: for good); Fan C
    daily to 2020-06-30 12:00, the archive's end."""
    spans = [(datetime(2020, 1, 1, 3), datetime(2020, 2, 10, 3))]
    spans.append((datetime(2020, 2, 13, 3), quiet_from))
    if quiet_to is not None:
        spans.append((quiet_to, datetime(2020, 6, 30, 3)))
    times = [
        (account, t)
        for account, shift in (("chan_a", 0), ("chan_b", 3))
        for lo, hi in spans
        for t in _every(lo + timedelta(hours=shift), hi, 6)
    ]
    times += [("chan_c", t) for t in _every(datetime(2020, 1, 1, 12), datetime(2020, 7, 1), 24)]
    ids: dict[str, int] = {}
    rows = []
    for account, t in sorted(times, key=lambda p: p[1]):
        ids[account] = ids.get(account, 0) + 1
        stamp = t.strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append({"account": account, "message_id": ids[account], "time": stamp,
                     "text": "placeholder"})  # fmt: skip
    return rows


SCENARIOS = {
    "across": (datetime(2020, 4, 24, 21), datetime(2020, 5, 10, 9)),  # 375 h, 150 h by 05-01
    "late": (datetime(2020, 4, 30, 21), datetime(2020, 5, 20, 9)),  # 6 h old at the end
    "for_good": (datetime(2020, 4, 24, 21), None),  # silent to the archive's end
}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("period_end")
    return {name: build_store(root / name, _rows(*q), OUTLETS) for name, q in SCENARIOS.items()}


def _findings(store: Path, **options: Any) -> dict[str, Any]:
    return dict(run_measurement("findings", store, **(WINDOWS | options)))


def _kind(result: dict[str, Any], kind: str) -> dict[str, Any]:
    (item,) = [f for f in result["findings"] if f["kind"] == kind]
    return item


def test_a_silence_across_the_period_end_ends_there(stores: dict[str, Path]) -> None:
    item = _kind(_findings(stores["across"]), "longest_silence")
    numbers = item["numbers"]
    assert (numbers["start"], numbers["end"]) == ("2020-04-24T18:00:00Z", "2020-05-01T00:00:00Z")
    assert numbers["hours"] == 150.0  # was 375.0, to the post of 2020-05-10 09:00
    assert numbers["ongoing"] is True and numbers["unprecedented"] is True
    assert numbers["previous_longest_hours"] == 75.0
    assert item["sentence"].startswith(
        "Official channels went silent for 150.0 hours from 2020-04-24 18:00 UTC, the longest "
        f"break on record to 2020-04-30 (still running at {PERIOD_END}, so at least that long; "
        "previous longest 75.0 hours; "
    )


def test_to_cuts_as_the_period_does(stores: dict[str, Path]) -> None:
    """--to 2020-04-30 with the default period (the last full month to it, 2020-04)."""
    result = run_measurement(
        "findings", stores["across"], baseline=WINDOWS["baseline"], date_to="2020-04-30"
    )
    assert _kind(result, "longest_silence")["numbers"]["hours"] == 150.0


def test_a_silence_too_young_at_the_period_end_is_none(stores: dict[str, Path]) -> None:
    """Six hours old at the period's end: no 12-hour silence yet; the 75-hour gap is the
    longest to 2020-04-30 (was the 471-hour gap, read to 2020-05-20)."""
    numbers = _kind(_findings(stores["late"]), "longest_silence")["numbers"]
    assert (numbers["start"], numbers["hours"], numbers["ongoing"]) == (
        "2020-02-10T00:00:00Z",
        75.0,
        False,
    )


def test_a_silence_to_the_archive_end_is_cut_at_the_period_end(stores: dict[str, Path]) -> None:
    item = _kind(_findings(stores["for_good"]), "longest_silence")
    assert item["numbers"]["end"] == "2020-05-01T00:00:00Z"  # was 2020-06-30T12:00:00Z
    assert item["numbers"]["hours"] == 150.0  # was 1602.0
    assert f"still running at {PERIOD_END}, so at least" in item["sentence"]
    assert "archive's end" not in item["sentence"]


def test_a_period_to_the_archive_end_keeps_the_archive_end(stores: dict[str, Path]) -> None:
    item = _kind(_findings(stores["for_good"], period="2020-06"), "longest_silence")
    assert item["numbers"]["end"] == "2020-06-30T12:00:00Z"
    assert item["numbers"]["hours"] == 1602.0
    assert "still running at the archive's end, so at least that long" in item["sentence"]


def test_the_numbers_are_those_of_the_cut_silence(stores: dict[str, Path]) -> None:
    """p-value and coverage of the cut span, as `silences` gives them with ``as_of``;
    the command (no ``as_of``) still lists the whole silence across ``--to``."""
    numbers = _kind(_findings(stores["across"]), "longest_silence")["numbers"]
    options: dict[str, Any] = {"with_coordinated": False, "ongoing": True}
    cut = run_measurement(
        "silences", stores["across"], date_to="2020-04-30", as_of=datetime(2020, 5, 1), **options
    )
    (row,) = [s for s in cut["silences"] if s["start"] == numbers["start"]]
    assert (row["end"], row["hours"], row["ongoing"]) == ("2020-05-01T00:00:00Z", 150.0, True)
    assert (row["p_value"], row["coverage"]) == (numbers["p_value"], numbers["coverage"])
    whole = run_measurement("silences", stores["across"], date_to="2020-04-30", **options)
    (row,) = [s for s in whole["silences"] if s["start"] == numbers["start"]]
    assert (row["end"], row["hours"], row["ongoing"]) == ("2020-05-10T09:00:00Z", 375.0, False)
    assert row["p_value"] != numbers["p_value"]


def test_the_coordinated_silence_ends_at_the_period_end(stores: dict[str, Path]) -> None:
    item = _kind(_findings(stores["for_good"], coordinated=True), "coordinated_silence")
    numbers = item["numbers"]
    assert numbers["together_end"] == "2020-05-01T00:00:00Z"  # was 2020-06-30T12:00:00Z
    assert numbers["together_ongoing"] == 2
    assert f"Those 2 silences still run at {PERIOD_END}." in item["sentence"]
