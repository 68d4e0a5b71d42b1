"""Short comments in other languages and in Swiss German are still rejected after the session-21
English lists and the one-word rule; a word a foreign hand list names is not English too."""

from __future__ import annotations

import pytest

from mutewatch.moderate.language import detect
from s21_language.s21l_helpers import decide

FOREIGN = [
    "Danke",
    "Merci beaucoup",
    "Merci",
    "Ciao",
    "Gracias",
    "Au revoir",
    "Oui",
    "Ja",
    "Encore une fois",
    "Voilà tout",
    "Bon travail",
    "Kiitos",
]
SWISS = ["Grüezi mitenand", "Genau so isch es", "Merci vielmal", "Hoi zäme"]


@pytest.mark.parametrize("text", FOREIGN)
def test_foreign_short_comments_are_rejected(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "reject", (fired, detect(text).evidence)
    assert "language" in fired


@pytest.mark.parametrize("text", SWISS)
def test_swiss_german_short_comments_are_rejected_as_dialect(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "reject"
    assert fired.get("dialect") == "reject", detect(text).evidence


def test_hand_listed_foreign_word_is_not_english_too() -> None:
    """'gut' is in the English counts too, but the German hand list names it."""
    r = detect("Gut")
    assert r.evidence["short_text"]["rule"] != "english_too"
    assert decide("Gut")[0] == "reject"
