"""Findings sentences agree in number with their counts, for one and for many.

One silenced outlet among five read "... was almost totally silenced in April 2016 (output
at most 10% of their February 2015 rate)": the pronoun followed the outlets active in the
baseline, not the silenced ones. Other count-dependent words did the same: "1 of those 3
silences still run", "At least 1 of 4 outlets were silent", "None of those 1 gaps", "1 of
9 links ... go through link shorteners ... without following them", "the 4 counted posts
fall in months held only in part (2016-01)" and "1 link ... that name no host". Each is
now singular for one and plural for many. Synthetic numbers only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mutewatch.measure import findings
from mutewatch.measure import platforms as plat_mod
from mutewatch.measure import trend as trend_mod

B = (date(2015, 2, 1), date(2015, 2, 28))
P = (date(2016, 4, 1), date(2016, 4, 30))


def _silenced(active: int, silenced: int) -> str:
    status = {"summary": {"active_in_baseline": active, "silenced": silenced}, "threshold": 0.1}
    found = findings.silenced_sentence(status, B, P, "official")
    assert found is not None
    return str(found["sentence"])


def test_one_silenced_outlet_of_many_is_it() -> None:
    assert _silenced(5, 1) == (
        "1 of 5 official outlets active in February 2015 (20%) was almost totally silenced "
        "in April 2016 (output at most 10% of its February 2015 rate)."
    )
    assert _silenced(5, 2).endswith("were almost totally silenced in April 2016 (output at "
                                     "most 10% of their February 2015 rate).")  # fmt: skip
    assert _silenced(1, 1).endswith("(output at most 10% of its February 2015 rate).")


def _coordinated(k: int, silent: int, ongoing: int, unverified: int, p: float) -> str:
    together = {
        "start": "2016-01-20T05:00:00Z",
        "end": "2016-01-21T13:00:00Z",
        "hours": 32.0,
        "silent": silent,
        "min_p_value": p,
        "unverified": unverified,
        "ongoing": ongoing,
    }
    window = {
        "start": together["start"],
        "end": together["end"],
        "hours": 32.0,
        "max_silent": max(silent, k),
        "together": together,
    }
    found = findings.coordinated_sentence({"k": k, "n": 4, "windows": [window]}, "all", 12.0)
    assert found is not None
    return str(found["sentence"])


def test_one_of_several_silences_still_runs() -> None:
    sentence = _coordinated(2, 3, ongoing=1, unverified=1, p=0.01)
    assert sentence.startswith("At least 2 of 4 outlets were silent at once for ")
    assert " 1 of those 3 silences still runs at the archive's end." in sentence
    assert sentence.endswith(
        " The archive cannot tell 1 of those 3 silences from a gap in collection: its "
        "channels carry no message ids that would show missing posts (coverage unverified)."
    )
    many = _coordinated(2, 3, ongoing=2, unverified=3, p=0.01)
    assert " 2 of those 3 silences still run at the archive's end." in many
    assert " The archive cannot tell those 3 silences from gaps in collection: their " in many


def test_k_of_one_is_singular() -> None:
    sentence = _coordinated(1, 1, ongoing=1, unverified=0, p=0.5)
    assert sentence.startswith("At least 1 of 4 outlets was silent at once for ")
    assert " That gap was not unusual for its outlet's own rate (p >= 0.5; " in sentence
    assert " That silence still runs at the archive's end." in sentence
    many = _coordinated(2, 2, ongoing=0, unverified=0, p=0.5)
    assert " None of those 2 gaps was unusual for its outlet's own rate (each p >= 0.5; " in many
    reason = findings.coordinated_reason({"k": 1, "n": 4, "windows": []}, "all", 12.0)
    assert reason.startswith("no window in which 1 of the 4 outlets was silent at once")


def _shortened(shortened: int, links: int, hosts: int, shorteners: list[str]) -> str:
    summary: dict[str, Any] = {
        "links": links,
        "hosts": hosts,
        "shortened_links": shortened,
        "shortened_share": round(shortened / links, 4),
        "shortener_hosts": [{"host": h, "links": 1} for h in shorteners],
    }
    words = plat_mod.shortened_words(summary, " in April 2016")
    assert words is not None
    return words


def test_one_shortened_link_goes_through_a_shortener() -> None:
    assert _shortened(1, 9, 3, ["t.co"]) == (
        "1 of 9 links in April 2016 (11.1%) goes through link shorteners (t.co), whose "
        "destination mutewatch cannot tell without following it, which it never does: 1 of "
        "the 3 hosts counted is a shortener"
    )
    assert _shortened(1, 1, 1, ["t.co"]).endswith("following it, which it never does: the "
                                                  "host counted is the shortener's")  # fmt: skip
    assert _shortened(1, 1, 1, ["t.co"]).startswith("1 of 1 link in April 2016 (100.0%) goes ")
    many = _shortened(4, 9, 3, ["t.co", "bit.ly"])
    assert many.startswith("4 of 9 links in April 2016 (44.4%) go through link shorteners (")
    assert "without following them, which it never does: 2 of the 3 hosts counted are " in many


@pytest.mark.parametrize(
    ("partial", "words"),
    [
        (["2016-01"], "; the 4 counted posts fall in a month held only in part (2016-01), "
                      "which is never peak or current"),
        (["2016-01", "2016-03"], "; the 4 counted posts fall in months held only in part "
                                 "(2016-01, 2016-03), which are never peak or current"),
    ],
)  # fmt: skip
def test_months_held_in_part_agree_with_their_number(partial: list[str], words: str) -> None:
    posts = [4] if len(partial) == 1 else [3, 1]
    periods = [
        {"period": p, "full": False, "posts": n, "per_day": 0.1}
        for p, n in zip(partial, posts, strict=True)
    ]
    periods.append({"period": "2016-02", "full": True, "posts": 0, "per_day": 0.0})
    result = trend_mod.empty_full_periods(periods, "month")
    assert result is not None and result[1] == words


def test_one_counted_post_in_a_month_held_in_part_falls() -> None:
    periods = [
        {"period": "2016-01", "full": False, "posts": 1, "per_day": 0.03},
        {"period": "2016-02", "full": True, "posts": 0, "per_day": 0.0},
    ]
    result = trend_mod.empty_full_periods(periods, "month")
    assert result is not None
    assert result[1] == (
        "; the counted post falls in a month held only in part (2016-01), which is never peak "
        "or current"
    )


def test_one_link_without_a_host_names_none() -> None:
    one = findings._cut_links_words({"baseline": 1, "period": 0}, B, P)
    assert one == (
        "Left out: 1 link in February 2015 and 0 in April 2016 that names no host (cut short, "
        "as in https://t.c…), of no known class."
    )
    many = findings._cut_links_words({"baseline": 1, "period": 2}, B, P)
    assert "1 link in February 2015 and 2 in April 2016 that name no host" in many


def test_none_of_one_outlet_is_singular() -> None:
    # "0 of 1 official outlet active in February 2015 (0%) were ... of their" (verb and
    # pronoun followed the silenced count, not the noun they follow)
    assert _silenced(1, 0) == (
        "0 of 1 official outlet active in February 2015 (0%) was almost totally silenced "
        "in April 2016 (output at most 10% of its February 2015 rate)."
    )
    assert "(0%) were almost totally" in _silenced(3, 0)
