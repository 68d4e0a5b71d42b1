"""The longest-silence finding says when its silence ties the longest before it.

Two 24-hour network gaps read "Official channels went silent for 24.0 hours from
2020-03-10 10:00 UTC, the longest break (previous longest 24.0 hours)": a tie presented
as a new record. Now "tied for the longest break on record (equal to the longest before
it, 24.0 hours)"; a record and a shorter gap read as before.
"""

from __future__ import annotations

from typing import Any

from mutewatch.measure import findings as fnd


def _gap(start: str, end: str, hours: float) -> dict[str, Any]:
    return {"scope": "network", "start": start, "end": end, "hours": hours, "coverage": "full"}


def _sentence(*gaps: dict[str, Any]) -> str:
    found = fnd.longest_silence_sentence(list(gaps), "official", 6.0)
    assert found is not None
    return str(found["sentence"])


def test_a_tie_is_not_a_record() -> None:
    text = _sentence(
        _gap("2020-03-02T10:00:00", "2020-03-03T10:00:00", 24.0),
        _gap("2020-03-10T10:00:00", "2020-03-11T10:00:00", 24.0),
    )
    assert text == (
        "Official channels went silent for 24.0 hours from 2020-03-10 10:00 UTC, tied for the "
        "longest break on record (equal to the longest before it, 24.0 hours)."
    )


def test_a_record_reads_as_before() -> None:
    text = _sentence(
        _gap("2020-03-02T10:00:00", "2020-03-03T10:00:00", 24.0),
        _gap("2020-03-10T10:00:00", "2020-03-11T12:00:00", 26.0),
    )
    assert "the longest break on record (previous longest 24.0 hours)" in text
