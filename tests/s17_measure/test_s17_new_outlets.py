"""The silenced-outlets finding says how many outlets began after the baseline.

Its share counts only the outlets active in the baseline. On the Fifth Tribe tweets (one
account active in February 2015, 42 in April 2016) it said "1 of 1 outlet active in
February 2015 (100%) was almost totally silenced in April 2016", which reads as the whole
ecosystem falling silent while 42 accounts were posting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mutewatch.measure import findings as fnd

FEB_2015 = (date(2015, 2, 1), date(2015, 2, 28))
APR_2016 = (date(2016, 4, 1), date(2016, 4, 30))


def _status(new: int) -> dict[str, Any]:
    by_status = {"silenced": 0, "dormant": 1, "new": new, "active": 0, "no_posts": 0}
    summary = {"active_in_baseline": 1, "silenced": 1, "active_in_period": new}
    return {"summary": {**summary, "by_status": by_status}, "threshold": 0.1}


def test_outlets_new_in_the_period_are_said_and_counted() -> None:
    found = fnd.silenced_sentence(_status(42), FEB_2015, APR_2016, "all")
    assert found is not None
    assert found["sentence"] == (
        "1 of 1 outlet active in February 2015 (100%) was almost totally silenced in April "
        "2016 (output at most 10% of its February 2015 rate). 42 outlets active in April 2016 "
        "had no post in February 2015 (new, not counted in that share)."
    )
    assert found["numbers"]["new_in_period"] == 42


def test_one_new_official_outlet_is_singular() -> None:
    found = fnd.silenced_sentence(_status(1), FEB_2015, APR_2016, "official")
    assert found is not None
    assert found["sentence"].endswith(
        " 1 official outlet active in April 2016 had no post in February 2015 (new, not "
        "counted in that share)."
    )


def test_without_new_outlets_the_finding_keeps_its_shape() -> None:
    found = fnd.silenced_sentence(_status(0), FEB_2015, APR_2016, "all")
    assert found is not None
    assert found["sentence"].endswith("of its February 2015 rate).")
    assert "new_in_period" not in found["numbers"]
