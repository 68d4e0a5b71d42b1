"""Dates in measuring options are YYYY-MM-DD only, as the help says."""

from __future__ import annotations

from datetime import date

import pytest

from mutewatch.errors import UsageError
from mutewatch.measure.params import Params, parse_date, parse_range


@pytest.mark.parametrize(
    "text",
    ["20261105", "2026-W45-1", "2026W451", "2026-310", "2026-11-05T10:00", "2026-1-5", "26-11-05"],
)
def test_other_iso_forms_are_refused(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_date(text, "--from")
    assert "YYYY-MM-DD" in str(caught.value)
    assert text in caught.value.message


def test_refused_in_ranges_and_options_too() -> None:
    with pytest.raises(UsageError):
        parse_range("20150101..20151231", "--baseline")
    with pytest.raises(UsageError):
        Params.from_options({"from": "20261105"})


def test_the_documented_form_still_reads() -> None:
    assert parse_date(" 2016-02-29 ") == date(2016, 2, 29)
    assert parse_range("2016-02-29").days == 1
    with pytest.raises(UsageError):
        parse_date("2015-02-29")
