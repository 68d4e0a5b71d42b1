"""Coordinated windows count silences unusual for each outlet's own rate.

With outlets posting once a day, every 24-hour gap passed the 12-hour threshold, so the
outlets were 'silent' together almost all the time and the window ran over the whole record.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mutewatch.measure.registry import run_measurement
from tests.audit6_silences.conftest import FIRST, build, every

BREAK = (FIRST + timedelta(days=30), FIRST + timedelta(days=40))


def _daily(offset_hours: int) -> list:
    times = [t + timedelta(hours=offset_hours) for t in every(24, 0, 60)]
    return [t for t in times if not BREAK[0] <= t < BREAK[1]]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    channels = {f"o{i}": ("telegram", _daily(3 * i), True) for i in range(4)}
    return build(tmp_path_factory.mktemp("coord"), channels)


def test_only_the_shared_break_is_a_coordinated_window(store: Path) -> None:
    found = run_measurement(
        "silences", store, of="all", scope="outlet", min_hours=12, coordinated_alpha=0.05
    )
    co = found["coordinated"]
    assert (co["k"], co["n"], co["alpha"]) == (2, 4, 0.05)
    assert found["parameters"]["coordinated_alpha"] == 0.05
    (window,) = co["windows"]
    assert window["start"] < BREAK[0].isoformat() < BREAK[1].isoformat() < window["end"]
    assert window["hours"] == 267  # from the 2nd outlet falling silent to the 3rd returning
    assert window["max_silent"] == 4 and window["outlets"] == ["o0", "o1", "o2", "o3"]


def test_daily_gaps_are_silences_but_not_unusual(store: Path) -> None:
    found = run_measurement("silences", store, of="all", scope="outlet", with_coordinated=False)
    daily = [s for s in found["silences"] if s["hours"] < 30 and s["p_value"] is not None]
    assert daily and all(s["p_value"] > 0.05 for s in daily)


def test_without_alpha_every_silence_counts(store: Path) -> None:
    found = run_measurement("silences", store, of="all", scope="outlet", min_hours=12)
    assert found["coordinated"]["alpha"] is None
    assert max(w["hours"] for w in found["coordinated"]["windows"]) > 24 * 50
