"""The coordinated-silence finding's sentence: one window read 'the longest of 1 such
window'."""

from __future__ import annotations

from typing import Any

from mutewatch.measure.findings import coordinated_sentence


def _window(start: str, end: str, hours: float, silent: int) -> dict[str, Any]:
    return {"start": start, "end": end, "hours": hours, "max_silent": silent}


def test_one_window_is_the_only_one_and_several_name_their_number() -> None:
    one = _window("2016-03-01T06:00:00Z", "2016-03-02T06:00:00Z", 24.0, 3)
    other = _window("2016-04-01T06:00:00Z", "2016-04-01T18:00:00Z", 12.0, 2)
    found = coordinated_sentence({"k": 2, "n": 3, "windows": [one]}, "all", 12.0)
    assert found is not None and found["numbers"]["windows"] == 1
    assert found["sentence"].endswith("(up to 3 at the same time), the only such window."), found[
        "sentence"
    ]
    found = coordinated_sentence({"k": 2, "n": 3, "windows": [other, one]}, "all", 12.0)
    assert found is not None and found["numbers"]["windows"] == 2
    assert found["sentence"].endswith(
        "(up to 3 at the same time), the longest of 2 such windows."
    ), found["sentence"]
