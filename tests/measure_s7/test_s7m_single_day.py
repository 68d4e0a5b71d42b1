"""A window of one day reads "on 2016-03-01" in finding sentences, never "in 2016-03-01";
longer windows keep "in" (a year, a month, or "A to B")."""

from __future__ import annotations

import re
from datetime import date

from mutewatch.measure import findings as fnd

DAY = (date(2016, 3, 1), date(2016, 3, 1))
YEAR = (date(2015, 1, 1), date(2015, 12, 31))


def _no_in_before_a_date(sentence: str) -> None:
    assert not re.search(r"\bin \d{4}-\d{2}-\d{2}\b", sentence), sentence


def test_during() -> None:
    assert fnd.during(DAY) == "on 2016-03-01"
    assert fnd.during(YEAR) == "in 2015"
    assert fnd.during((date(2016, 3, 1), date(2016, 3, 31))) == "in March 2016"


def test_silenced_outlets_on_a_day() -> None:
    status = {"summary": {"active_in_baseline": 4, "silenced": 3}, "threshold": 0.1}
    found = fnd.silenced_sentence(status, YEAR, DAY, "official")
    assert found is not None
    assert "active in 2015" in found["sentence"]
    assert "almost totally silenced on 2016-03-01" in found["sentence"]
    _no_in_before_a_date(found["sentence"])
    found = fnd.silenced_sentence(status, DAY, YEAR, "official")
    assert found is not None and "active on 2016-03-01" in found["sentence"]
    _no_in_before_a_date(found["sentence"])


def test_comparisons_on_a_day() -> None:
    share = fnd.supporter_share_sentence(
        {"share": 0.2, "supporter": 2, "posts": 10},
        {"share": 0.5, "supporter": 5, "posts": 10},
        YEAR,
        DAY,
    )
    assert share is not None and "of all posts on 2016-03-01" in share["sentence"]
    amp = fnd.amplification_sentence(
        {"days": 365, "amplification": 730},
        {"days": 1, "amplification": 4, "forwards_per_release": 0.5},
        DAY,
        DAY,
    )
    assert amp is not None and "4.0 times a day on 2016-03-01" in amp["sentence"]
    hosts = fnd.hosts_sentence(
        {"links": 9, "hosts": 3, "host_classes": 2},
        {"links": 4, "hosts": 1, "host_classes": 1},
        None,
        YEAR,
        DAY,
        "official",
    )
    assert hosts is not None and "of platform) on 2016-03-01, down from" in hosts["sentence"]
    gone = fnd.vanished_classes_sentences(
        {"links": 100, "by_class": {"onion": 60, "telegram": 40}},
        {"links": 50, "by_class": {"telegram": 50}},
        {"onion": None},
        YEAR,
        DAY,
        "official",
    )
    assert gone and "No links to" in gone[0]["sentence"] and "on 2016-03-01" in gone[0]["sentence"]
    for found in (share, amp, hosts, *gone):
        _no_in_before_a_date(found["sentence"])
