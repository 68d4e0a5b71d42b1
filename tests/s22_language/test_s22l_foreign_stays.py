"""Foreign short comments stay unpublished with the English dictionary (session 22).

A word another language's hand list names (greetings, thanks, yes/no, praise) is not English
because an English dictionary lists it too ("Gut", "Dank", "Vale", "Tout"); foreign words no
English dictionary lists are unchanged; Swiss German stays dialect. These pass on the old code
as well: they guard the fix. "Tack" and "Toll" are the exception: the old code published them.
"""

from __future__ import annotations

import pytest
from s21_language.s21l_helpers import decide

from mutewatch.moderate.language import detect

HAND_LISTED_AND_IN_THE_DICTIONARY = ["Gut", "Dank", "Vale", "Salve", "Tout", "Non", "Sim"]
FOREIGN = [
    "Danke",
    "Merci",
    "Ciao",
    "Tack så mycket",
    "Mitarbeiter",
    "Allerdings",
    "Bedankt",
    "Grazie mille",
    "Vielen Dank",
    "Muchas gracias",
]
SWISS = ["Grüezi", "Merci vielmal", "Nöd schlecht", "Isch so"]


@pytest.mark.parametrize("text", HAND_LISTED_AND_IN_THE_DICTIONARY + FOREIGN)
def test_foreign_short_comments_are_rejected(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "reject", (fired, detect(text).evidence)
    assert "language" in fired


@pytest.mark.parametrize("text", HAND_LISTED_AND_IN_THE_DICTIONARY)
def test_a_hand_listed_dictionary_word_is_not_english_too(text: str) -> None:
    assert detect(text).evidence["short_text"]["rule"] == "foreign_words"


@pytest.mark.parametrize("text", SWISS)
def test_swiss_german_short_comments_stay_dialect(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "reject"
    assert fired.get("dialect") == "reject", detect(text).evidence


@pytest.mark.parametrize("text", ["Tack", "Tack!", "Toll"])
def test_a_foreign_thanks_that_is_an_english_word_goes_to_a_person(text: str) -> None:
    """'Tack' is Swedish thanks and an English noun (a small nail, a sailing course); the
    detectors lean English (0.96), the Swedish hand list says thanks: neither is sure, so the
    comment is held, not published (old code) nor rejected as Danke and Merci are."""
    decision, fired = decide(text)
    assert decision == "hold", (fired, detect(text).evidence)
    assert detect(text).evidence["short_text"]["rule"] == "ambiguous"
