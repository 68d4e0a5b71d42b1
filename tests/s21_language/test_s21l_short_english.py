"""Very short English comments publish: loanwords English dictionaries list, internet
abbreviations and interjections, and one word English writers use that is commoner in another
language. "gg" was rejected as Swiss German dialect, "Hallelujah" as Finnish, "Touché" as
French, "Word." as Afrikaans (session 21)."""

from __future__ import annotations

import pytest

from mutewatch.moderate.language import detect
from s21_language.s21l_helpers import decide

LOANWORDS = [
    "Touché",
    "touche",
    "Touché.",
    "Hallelujah",
    "Déjà vu",
    "deja vu",
    "Cliché",
    "Naïve",
    "Café",
    "Fiancé",
    "Voilà",
    "Encore!",
    "Gesundheit",
    "Schadenfreude",
    "Bon appétit",
    "C'est la vie",
    "Déjà vu again",
    "Pure schadenfreude",
]
SLANG = ["gg", "GG", "ngl", "tl;dr", "iykyk", "sus", "W", "np", "Jeez", "Woohoo", "Alas"]


@pytest.mark.parametrize("text", LOANWORDS)
def test_english_loanwords_publish(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "publish", (fired, detect(text).evidence)


@pytest.mark.parametrize("text", SLANG)
def test_internet_slang_and_interjections_publish(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "publish", (fired, detect(text).evidence)


def test_gg_is_not_swiss_german() -> None:
    r = detect("gg")
    assert r.language == "en"
    assert r.dialect < 0.5


def test_one_word_english_writers_use_is_english() -> None:
    """'word' is commoner in Afrikaans counts, but English writers use it: alone it is English."""
    r = detect("Word.")
    assert r.evidence["short_text"]["rule"] == "english_too"
    assert decide("Word.")[0] == "publish"


def test_phrase_words_count_as_english_in_a_short_text() -> None:
    r = detect("Déjà vu again")
    assert r.evidence["short_text"]["rule"] == "english_phrase"
    assert r.language == "en"
