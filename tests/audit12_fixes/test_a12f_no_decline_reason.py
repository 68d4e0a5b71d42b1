"""Why findings states no decline: months held only in part, or full months holding no
counted post, said as what they are (the Fifth Tribe case is in
tests/audit12_readme/test_a12r_findings_no_output_reason.py)."""

from __future__ import annotations

from mutewatch.measure.findings import _no_decline


def test_a_decline_reason_over_partial_months_only_still_says_so() -> None:
    """The other branch of findings' reason: every rated month held only in part."""
    trend = {
        "series": {"start": "2016-01-10", "end": "2016-02-20"},
        "periods": [
            {"period": "2016-01", "full": False, "posts": 4, "per_day": 0.2},
            {"period": "2016-02", "full": False, "posts": 0, "per_day": 0.0},
        ],
    }
    reason = _no_decline(trend, "official")
    assert "2016-01, 2016-02 only in part" in reason, reason
    trend["periods"].append({"period": "2016-03", "full": True, "posts": 0, "per_day": 0.0})
    reason = _no_decline(trend, "official")
    assert "no counted post in the full calendar month 2016-03" in reason, reason
    # one month held in part: singular (session 19)
    one_month = "the 4 counted posts fall in a month held only in part (2016-01), which is never"
    assert one_month in reason, reason
