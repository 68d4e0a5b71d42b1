"""The report's --baseline/--period read dates as every measuring option does: YYYY-MM-DD."""

from __future__ import annotations

from datetime import date

import pytest

from mutewatch.errors import UsageError
from mutewatch.show.report import ReportOptions


@pytest.mark.parametrize(
    "text", ["20261105..20261130", "2026-11-05..20261130", "2026-W45-1..2026-11-30"]
)
def test_compact_or_week_dates_are_refused(text: str) -> None:
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        ReportOptions.from_strings(period=text)


def test_the_documented_form_is_read() -> None:
    options = ReportOptions.from_strings(baseline="2026-11-05..2026-11-30")
    assert options.baseline == (date(2026, 11, 5), date(2026, 11, 30))


def test_a_window_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(UsageError, match="ends before"):
        ReportOptions.from_strings(period="2026-11-30..2026-11-05")
