"""A peak of 0 posts a day is no peak: ``trend`` says so, where it printed one.

A store whose only full calendar month held no post printed ``Peak 2016-02 (0.00 a day) ->
current 2016-02 (0.00 a day): change -`` and gave ``peak_to_current`` with that empty month
as peak in ``--json``, while ``findings`` left the decline out as having no peak. Now
``peak_to_current`` is null there, as with no full month, and ``notes`` names the empty
months and where the posts are, in the words ``findings`` uses for its skipped decline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.s18_measure.conftest import cli, ingest_rows

EMPTY_FEB = (
    "no counted post in the full calendar month 2016-02 of the window: no peak-to-current, "
    "as a peak of 0 posts a day is no peak; the 3 counted posts fall in months held only in "
    "part (2016-01, 2016-03), which are never peak or current"
)


@pytest.fixture(scope="module")
def empty_february(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Posts on 20 and 25 January and 5 March 2016: February, the one full month, is empty."""
    rows = [("2016-01-20", "one"), ("2016-01-25", "two"), ("2016-03-05", "three")]
    return ingest_rows(tmp_path_factory.mktemp("empty_feb"), rows)


@pytest.fixture(scope="module")
def quiet_spring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Posts at both ends of January to May 2016, none from February to April."""
    rows = [(f"2016-01-{d:02d}", f"jan {d}") for d in range(1, 32)]
    rows += [(f"2016-05-{d:02d}", f"may {d}") for d in range(1, 32)]
    return ingest_rows(tmp_path_factory.mktemp("quiet_spring"), rows)


def _trend(store: Path, *args: str) -> dict[str, object]:
    result = cli(store, "trend", "--of", "all", "--json", *args)
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.output)
    return out


def test_an_empty_full_month_is_no_peak(empty_february: Path) -> None:
    result = _trend(empty_february)
    assert result["peak_to_current"] is None
    assert result["notes"] == [EMPTY_FEB]
    text = cli(empty_february, "trend", "--of", "all")
    assert text.exit_code == 0, text.output
    assert "Peak" not in text.output and "0.00 a day) ->" not in text.output
    assert f"Note: {EMPTY_FEB}\n" in text.output


def test_findings_leaves_the_decline_out_for_the_same_month(empty_february: Path) -> None:
    args = ["findings", "--of", "all", "--baseline", "2016-01", "--period", "2016-02..2016-03"]
    found = json.loads(cli(empty_february, *args, "--json").output)
    assert not [f for f in found["findings"] if f["kind"] == "decline"]
    reason = next(s["reason"] for s in found["skipped"] if s["kind"] == "decline")
    assert reason == (
        "no counted post in the full calendar month 2016-02 of the record from 2016-01-20 to "
        "2016-03-05 (posts by any account, --of all): with a peak of 0 posts a day there is no "
        "decline; the 3 counted posts fall in months held only in part (2016-01, 2016-03), "
        "which are never peak or current"
    )


def test_every_full_month_empty_is_no_peak(quiet_spring: Path) -> None:
    result = _trend(quiet_spring, "--from", "2016-02-01", "--to", "2016-04-30")
    assert result["peak_to_current"] is None
    assert result["notes"] == [
        "no counted post in the 3 full calendar months 2016-02 to 2016-04 of the window: no "
        "peak-to-current, as a peak of 0 posts a day is no peak"
    ]
    text = cli(quiet_spring, "trend", "--of", "all", "--from", "2016-02-01", "--to", "2016-04-30")
    assert "Peak" not in text.output


def test_empty_weeks_between_busy_ones_still_have_a_peak(quiet_spring: Path) -> None:
    """Only full periods none of which holds a post lose the peak: zeros after a busy
    January are a fall of 100%."""
    result = _trend(quiet_spring, "--to", "2016-04-30")
    ptc = result["peak_to_current"]
    assert isinstance(ptc, dict)
    assert ptc["peak"]["period"] == "2016-01" and ptc["current"]["period"] == "2016-04"
    assert ptc["change"] == 1.0 and "notes" not in result


def test_empty_full_weeks_are_said_per_week(quiet_spring: Path) -> None:
    result = _trend(quiet_spring, "--from", "2016-02-01", "--to", "2016-02-21", "--every", "week")
    assert result["peak_to_current"] is None
    assert result["notes"] == [
        "no counted post in the 3 full weeks 2016-02-01 to 2016-02-15 of the window: no "
        "peak-to-current, as a peak of 0 posts a day is no peak"
    ]


def test_one_partial_month_only_has_no_peak(tmp_path: Path) -> None:
    rows = [(f"2016-01-{d:02d}", f"day {d}") for d in range(10, 21)]
    store = ingest_rows(tmp_path, rows)
    result = _trend(store)
    assert result["peak_to_current"] is None
    assert result["notes"] == [
        "the window holds no full calendar month (2016-01 only in part): no peak-to-current, "
        "as a period held only in part is never peak or current; its posts and days still "
        "count in the series (per period: periods in --json)"
    ]
    assert "Peak" not in cli(store, "trend", "--of", "all").output


def test_a_peak_equal_to_current_is_no_change(tmp_path: Path) -> None:
    """February, the one full month, is both peak and current (2 posts a day)."""
    rows = [(f"2016-01-{d:02d}", f"jan {d}") for d in range(15, 32)]
    rows += [
        (f"2016-02-{d:02d} {h:02d}:00:00", f"feb {d} {h}") for d in range(1, 30) for h in (9, 15)
    ]
    rows += [("2016-03-01", "mar 1")]
    store = ingest_rows(tmp_path, rows)
    ptc = _trend(store)["peak_to_current"]
    assert isinstance(ptc, dict)
    assert ptc["peak"] == ptc["current"] and ptc["peak"]["per_day"] == 2.0
    assert ptc["change"] == 0.0
    text = cli(store, "trend", "--of", "all").output
    assert "Peak 2016-02 (2.00 a day) -> current 2016-02 (2.00 a day): no change" in text
    args = ["findings", "--of", "all", "--baseline", "2016-01", "--period", "2016-02..2016-03"]
    found = json.loads(cli(store, *args, "--json").output)
    decline = next(f for f in found["findings"] if f["kind"] == "decline")
    assert decline["sentence"] == "Output is at its peak in February 2016 (2.0 a day)."
    assert decline["numbers"]["change"] == 0.0
