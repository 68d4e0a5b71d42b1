"""Ordinary English dictionary words publish alone and in 2-3 word comments (session 22).

Before, a rare English word that another language's word counts happened to hold twice was
rejected as that language ("browser" as Malay, "exterior" as Romanian), and one no count knew
was held ("Tram?", "Pardon?"): of one in twenty SCOWL size 50 words (3,312), 61% published
alone, 94% in a 2-3 word comment and 69% in pairs. The words here are from that failure set
(``scripts/language_short_report_s22.py``); each fails on the old code.
"""

from __future__ import annotations

import pytest
from s21_language.s21l_helpers import decide

from mutewatch.moderate.language import detect

ALONE = [
    "browser",
    "Browser",
    "exterior",
    "Exterior",
    "Tram?",
    "Pardon?",
    "accelerator",
    "aerospace",
    "alkaloid",
    "altruism",
    "Audacious!",
    "babysitter",
    "Blitz",
    "bullhorn",
    "distaste",
    "antiwar",
    "begun",
    "agendas",
    "automatons",
    "academies",
    "Ballpark",
    "dockyard",
    "binge",
    "astern",
    "amphetamine",
]
IN_COMMENTS = [
    "So adenoidal",
    "So automatons",
    "Nice bola",
    "So dachshund",
    "Nice dens",
    "Beech looks fine",
    "Alkaloid again",
    "What beautifier?",
    "So bookstore",
    "Chlorine again",
    "Not altruism",
]
PAIRS = [
    "Albatrosses alkaloid",
    "Alphas altruism",
    "Amazes ambassadors",
    "Antecedent antennas",
    "Bakers ballerinas",
    "Boogies booklet",
    "Breeze breezier",
    "Chlorine chocolate",
    "Crunchier crusades",
    "Cutout dachshund",
    "Demos demote",
]


@pytest.mark.parametrize("text", ALONE + IN_COMMENTS + PAIRS)
def test_ordinary_english_words_publish(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "publish", (fired, detect(text).evidence)


@pytest.mark.parametrize("text", ["browser", "Exterior"])
def test_a_dictionary_word_alone_is_english_too(text: str) -> None:
    short = detect(text).evidence["short_text"]
    assert short["rule"] == "english_too"
    assert short["dictionary_words"] == [text.lower()]


def test_dictionary_words_with_english_words_are_english() -> None:
    r = detect("Exterior looks fine")
    assert r.evidence["short_text"]["rule"] == "english_dictionary"
    assert r.language == "en" and r.english >= 0.95
