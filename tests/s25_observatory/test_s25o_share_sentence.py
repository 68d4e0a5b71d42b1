"""The supporter-share finding states shares its words agree with.

Whole percents hid what the numbers said: a hand-made store (2 official channels, a
supporter's 3 posts) read "Supporters made 6% of all posts in 2020-03-25 to 2020-04-09 (1
of 17; ...), down from 6% in 2020-03-01 to 2020-03-15" (5.9% and 6.3%), and 1 supporter
post of 250 read "0%". Now the shares get a decimal (two at most) where whole percents
would read the same or a share above 0 would read 0% (below 1, 100%); others are unchanged.
"""

from __future__ import annotations

from datetime import date

from mutewatch.measure import findings as fnd

BASE = (date(2020, 3, 1), date(2020, 3, 15))
PERIOD = (date(2020, 3, 25), date(2020, 4, 9))


def _sentence(base: tuple[int, int], now: tuple[int, int]) -> str:
    found = fnd.supporter_share_sentence(
        {"share": base[0] / base[1], "supporter": base[0], "posts": base[1]},
        {"share": now[0] / now[1], "supporter": now[0], "posts": now[1]},
        BASE,
        PERIOD,
    )
    assert found is not None
    return str(found["sentence"])


def test_two_shares_that_round_alike_are_told_apart() -> None:
    text = _sentence((2, 32), (1, 17))
    assert "Supporters made 5.9% of all posts" in text
    assert "down from 6.2% in 2020-03-01 to 2020-03-15" in text


def test_a_share_above_zero_never_reads_zero() -> None:
    text = _sentence((0, 300), (1, 250))
    assert "Supporters made 0.4% of all posts" in text
    assert "(1 of 250; forwards not counted), up from 0% in" in text
    text = _sentence((300, 300), (249, 250))
    assert "Supporters made 99.6% of all posts" in text and "down from 100% in" in text


def test_shares_whole_percents_tell_apart_read_as_before() -> None:
    text = _sentence((18, 100), (655, 1202))
    assert "Supporters made 54% of all posts" in text and "up from 18% in" in text
    assert "as in 50% in" in _sentence((1, 2), (5, 10))
    assert "Supporters made 0% of all posts" in _sentence((0, 10), (0, 10))
