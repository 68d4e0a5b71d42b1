"""Spelling tricks do not carry an insult or a group attack past the lexicon.

Before: "You are an idiot." was rejected, but the same words with a zero-width space, a soft
hyphen, fullwidth letters, combining marks, Cyrillic or Greek lookalikes, leetspeak, spaced
letters or a bidi override were published (personal 0.13-0.60). Real Fox News training
comments use this ("fo\\ufeffol", "c\\u2060o\\u2060w\\u2060ard"). Now the patterns read a view
of the comment with the tricks undone, and the evidence span still quotes the comment as
submitted (offsets into it).
"""

from __future__ import annotations

import pytest
from audit6_helpers import clause, decide

from mutewatch.moderate.checks import Moderator

PLAIN = "You are an idiot."
TRICKS = {
    "fullwidth": "You are an \uff49\uff44\uff49\uff4f\uff54.",
    "math_bold": "You are an \U0001d422\U0001d41d\U0001d422\U0001d428\U0001d42d.",
    "zero_width_space": "You are an id\u200biot.",
    "zero_width_joiner": "You are an id\u200diot.",
    "word_joiner": "You are an i\u2060d\u2060i\u2060o\u2060t.",
    "byte_order_mark": "You are an idi\ufeffot.",
    "soft_hyphen": "You are an id\u00adiot.",
    "combining_marks": "You are an i\u0301dio\u0308t.",
    "cyrillic": "You are an \u0456di\u043et.",
    "greek": "You are an idi\u03bft.",
    "all_cyrillic_lookalikes": "Y\u043eu \u0430re \u0430n idi\u043et.",
    "leetspeak": "You are an 1d10t.",
    "spaced": "You are an i d i o t.",
    "dotted": "You are an i.d.i.o.t.",
    "bidi_override": "You are an \u202eidiot\u202c.",
}


def test_the_plain_insult_is_rejected(moderator: Moderator) -> None:
    assert decide(moderator, PLAIN).decision == "reject"


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_a_spelling_trick_does_not_publish_the_insult(moderator: Moderator, trick: str) -> None:
    text = TRICKS[trick]
    decision = decide(moderator, text)
    personal = clause(decision, "personal")
    assert decision.decision == "reject", (trick, personal)
    span = personal["evidence"]["span"]
    assert text[span["start"] : span["end"]] == span["text"]
    assert "idiot" in span["read_as"]
