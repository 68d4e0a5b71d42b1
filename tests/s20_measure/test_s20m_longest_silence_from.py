"""`findings --from` lists the silences of the days from --from on, while each silence's
previous longest comes from the whole record. The longest of them was still called "the
longest gap between posts on record" (with "previous longest" longer than it in the same
sentence) when the record before --from held a longer gap: on the real Fifth Tribe tweets,
`--from 2016-01-10` said so of a 25-hour gap beside "previous longest 1016.0 hours". It is
now the longest gap of the days measured, "from 2016-03-01 to 2016-05-31"."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.findings import findings
from tests.s20_measure.s20m_store import build_store, every

START = datetime(2016, 1, 1)


def _times() -> list[datetime]:
    """Every 3 hours in the first half of 2016, with a 100-hour gap in January and a
    20-hour gap in April."""
    times = every(START, datetime(2016, 6, 30, 21), 3)
    for cut, hours in ((datetime(2016, 1, 10), 100), (datetime(2016, 4, 10), 20)):
        times = [t for t in times if not cut < t < cut + timedelta(hours=hours)]
        times.append(cut + timedelta(hours=hours))
    return sorted(set(times))


@pytest.fixture(scope="module", params=["twitter", "telegram"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """twitter: ids that cannot vouch (coverage unverified); telegram: ids 1, 2, 3, ...
    with none missing (coverage full)."""
    folder = tmp_path_factory.mktemp(f"s20-from-{request.param}")
    return build_store(folder, {"Alpha": _times()}, platform=request.param)


def _longest(result: dict[str, Any]) -> dict[str, Any]:
    (item,) = [f for f in result["findings"] if f["kind"] == "longest_silence"]
    return item


def test_a_shorter_gap_after_from_is_not_the_longest_on_record(store: Path) -> None:
    result = findings(
        store, date_from="2016-03-01", date_to="2016-05-31", baseline="2016-03", period="2016-05"
    )
    item = _longest(result)
    numbers, sentence = item["numbers"], item["sentence"]
    assert numbers["hours"] == 20.0 and numbers["previous_longest_hours"] == 100.0
    assert numbers["unprecedented"] is False
    assert "on record" not in sentence, sentence
    assert "from 2016-03-01 to 2016-05-31 (previous longest 100.0 hours" in sentence, sentence


def test_the_longest_gap_on_record_is_still_called_so(store: Path) -> None:
    item = _longest(findings(store, baseline="2016-01", period="2016-05"))
    assert item["numbers"]["hours"] == 100.0
    assert "on record to 2016-05-31" in item["sentence"], item["sentence"]
