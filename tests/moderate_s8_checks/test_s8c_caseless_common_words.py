"""A caseless name whose first word is also a common word, right before an allegation.

checks-4 read "john smith stole ..." typed without capitals as a name, but not "will smith
stole money from the charity" or "maria lopez embezzled funds": "will" and "maria" are
words writers keep in lower case (data/truecase_words.npz), so they were never read as a
given name and both comments were published. Now such a word is read as a given name when it
is a known one (not a function word), the next word is surname-like, and the allegation
follows the pair at once (``CASELESS_COMMON_FIRST``); the modal "will" is followed by a verb.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mutewatch.moderate import checks
from mutewatch.moderate.checks import CASELESS_NAME_SCORE, Decision, caseless_person_names

Decide = Callable[[str, str], tuple[Decision, dict[str, object]]]
"""The ``decide`` fixture (conftest.py)."""

HELD = {
    "will smith stole money from the charity": "will smith",
    "maria lopez embezzled funds": "maria lopez",
    "WILL SMITH STOLE MONEY FROM THE CHARITY": "WILL SMITH",
    "i heard maria lopez has embezzled funds": "maria lopez",
}
PUBLISHED = [
    "they will steal your money",
    "so the bank stole money from the charity",
    "the will smith film was about a thief",  # the allegation does not follow the pair
    "the money will vanish and someone lied about it",
]


@pytest.mark.parametrize("text", sorted(HELD))
def test_a_common_first_name_before_an_allegation_is_held(decide: Decide, text: str) -> None:
    decision, clause = decide(text, "defamatory")
    assert decision.decision == "hold"
    assert clause["fired"] and clause["score"] == CASELESS_NAME_SCORE
    evidence = clause["evidence"]
    assert isinstance(evidence, dict) and evidence["person"] == HELD[text]


@pytest.mark.parametrize("text", PUBLISHED)
def test_common_words_elsewhere_are_no_name(decide: Decide, text: str) -> None:
    _, clause = decide(text, "defamatory")
    assert not clause["fired"], clause


def test_the_rule_names_itself_and_needs_the_allegation() -> None:
    sentence = "will smith stole money"
    [found] = caseless_person_names(sentence, sentence.index("stole"))
    assert found["rule"] == "caseless, common first word before an allegation"
    assert caseless_person_names(sentence) == []  # no allegation given: capitals rule only


def test_without_the_rule_it_was_published(decide: Decide, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "CASELESS_COMMON_FIRST", False)
    decision, clause = decide("will smith stole money from the charity", "defamatory")
    assert decision.decision == "publish" and not clause["fired"]
