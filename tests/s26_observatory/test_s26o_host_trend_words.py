"""The platform-hosts finding read "the number of hosts is flat (Kendall tau -0.82,
p = 0.22)": a strong but not significant tau is no evidence of a trend, not evidence of a
flat count. It now reads "shows no significant trend"; a significant one is unchanged."""

from __future__ import annotations

from datetime import date
from typing import Any

from mutewatch.measure.findings import hosts_sentence

BASE = {"links": 40, "hosts": 12, "host_classes": 6}
NOW = {"links": 10, "hosts": 7, "host_classes": 6}
BASELINE = (date(2015, 1, 1), date(2015, 12, 31))
PERIOD = (date(2017, 12, 1), date(2017, 12, 31))


def _sentence(direction: str, tau: float, p: float) -> str:
    trend: dict[str, Any] = {"direction": direction, "kendall_tau": tau, "p_value": p}
    found = hosts_sentence(BASE, NOW, trend, BASELINE, PERIOD, "official")
    assert found is not None
    return str(found["sentence"])


def test_a_trend_that_is_not_significant_is_not_called_flat() -> None:
    sentence = _sentence("flat", -0.82, 0.22)
    assert "is flat" not in sentence
    assert "the number of hosts shows no significant trend (Kendall tau -0.82, p = 0.22)" in (
        sentence
    )


def test_a_significant_trend_still_reads_its_direction() -> None:
    assert "the number of hosts is falling (Kendall tau -0.80" in _sentence("falling", -0.8, 1e-5)
