"""The text output says what the JSON means."""

from __future__ import annotations

from mutewatch.cli.measuring_more import _fall


def test_peak_to_current_reads_as_a_fall_or_a_rise() -> None:
    # trend's peak_to_current change is (peak - current) / peak: positive is a fall
    assert _fall(0.7751) == "fell 77.5%"
    assert _fall(-0.5) == "rose 50.0%"
    assert _fall(0.0) == "no change"
    assert _fall(None) == "change -"
