"""A silence in channels whose ids cannot show missing posts is not 'full' coverage.

Tabular rows without a message id get hashed ids and no ``id_gaps``; their coverage window
runs from the first to the last row, so a stretch of thin collection looked like a fully
covered, unprecedented silence (as 1,016 hours in the Fifth Tribe CSV did).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mutewatch.measure.registry import run_measurement
from tests.audit6_silences.conftest import build, every

# posts every 2 hours for 20 days, nothing for 30 days, then every 2 hours for 20 days
TIMES = every(2, 0, 20) + every(2, 50, 70)


@pytest.fixture(scope="module")
def tabular(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("tab"), {"tab": ("twitter", TIMES, False)})


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("seq"), {"seq": ("telegram", TIMES, True)})


def _longest(store: Path) -> dict[str, object]:
    found = run_measurement("silences", store, of="all", with_coordinated=False)
    return max(found["silences"], key=lambda s: s["hours"])


def test_hashed_ids_leave_the_silence_unverified(tabular: Path) -> None:
    s = _longest(tabular)
    assert s["hours"] == pytest.approx(30 * 24 + 2)
    assert s["coverage"] == "unverified"
    assert s["ids_checked"] is False
    assert s["unprecedented"] is False
    assert s["p_value"] is not None  # the rate model still speaks


def test_sequential_ids_keep_full_coverage(sequential: Path) -> None:
    s = _longest(sequential)
    assert (s["coverage"], s["ids_checked"], s["unprecedented"]) == ("full", True, True)


def test_findings_say_the_archive_cannot_tell(tabular: Path, sequential: Path) -> None:
    kwargs = {"of": "all", "baseline": "2016-01", "period": "2016-03"}
    found = run_measurement("findings", tabular, **kwargs)
    (f,) = [f for f in found["findings"] if f["kind"] == "longest_silence"]
    assert "cannot tell this silence from a gap in collection" in f["sentence"]
    assert "longest break" not in f["sentence"] and "went silent" not in f["sentence"]
    assert f["sentence"].startswith("The archive holds no post from any channel for 722.0 hours")
    assert (f["numbers"]["coverage"], f["numbers"]["unprecedented"]) == ("unverified", False)
    found = run_measurement("findings", sequential, **kwargs)
    (f,) = [f for f in found["findings"] if f["kind"] == "longest_silence"]
    assert (
        "went silent for 722.0 hours" in f["sentence"]
        and "longest break on record" in f["sentence"]
    )
