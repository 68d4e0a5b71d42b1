"""Findings sentences agree in number with their counts and do not say 'between D and D'."""

from __future__ import annotations

from datetime import date

from mutewatch.measure import findings

B = (date(2015, 2, 1), date(2015, 2, 28))
P = (date(2016, 4, 1), date(2016, 4, 30))


def test_one_silenced_outlet_on_one_day() -> None:
    one = findings.silencing_times_sentence(["a"], [{"day": "2015-03-05"}], B, P)
    assert one is not None
    assert one["sentence"] == (
        "Of the 1 silenced outlet, 1 shows a drop in output on 2015-03-05 (the change point "
        "of `outlets status`)."
    )
    days = [{"day": d} for d in ("2015-03-05", "2015-04-05", "2015-05-05")]
    many = findings.silencing_times_sentence(["a", "b", "c"], days, B, P)
    assert many is not None
    assert (
        "3 show a drop in output between 2015-03-05 and 2015-05-05 (median 2015-04-05;"
        in (many["sentence"])
    )


def test_one_outlet_and_one_host_are_singular() -> None:
    status = {"summary": {"active_in_baseline": 1, "silenced": 1}, "threshold": 0.1}
    sentence = findings.silenced_sentence(status, B, P, "all")
    assert sentence is not None
    assert sentence["sentence"].startswith("1 of 1 outlet active in February 2015 (100%) was ")
    assert "of its February 2015 rate" in sentence["sentence"]
    base = {"links": 3, "hosts": 1, "host_classes": 1}
    hosts = findings.hosts_sentence(base, dict(base), None, B, P, "all")
    assert hosts is not None
    assert "pointed to 1 distinct host (1 kind of platform) in April 2016" in hosts["sentence"]
