"""Three-letter English dictionary words alone and in short comments (session 24).

The English dictionary (``english_words.npz``) held only words of four letters or more, so a
three-letter English word no count knew was held ("cur") or left to the detectors, which
reject it ("Cur" as Latin, "Elm" as Xhosa). The file now holds SCOWL's 665 three-letter
entries too; one counts as English only where no other language's word counts or hand lists
know it, so "con", "per", "rue" and "die" (Spanish, Italian, French, Afrikaans/German counts)
are decided as before. The published texts fail on the old code; the rest guard the fix.
"""

from __future__ import annotations

import pytest
from s21_language.s21l_helpers import decide

from mutewatch.moderate import language
from mutewatch.moderate.language import detect

ENGLISH = {
    "cur": ["cur"],
    "Cur": ["cur"],
    "Cur!": ["cur"],
    "Elm": ["elm"],
    "The cur": ["cur"],
    "Nice elm": ["nice", "elm"],
}
KNOWN_ELSEWHERE = ["rue", "Rue", "con", "Con", "per", "Die"]


@pytest.mark.parametrize(("text", "dictionary_words"), ENGLISH.items())
def test_three_letter_english_words_publish(text: str, dictionary_words: list[str]) -> None:
    decision, fired = decide(text)
    assert decision == "publish", (fired, detect(text).evidence)
    assert detect(text).evidence["short_text"]["dictionary_words"] == dictionary_words


@pytest.mark.parametrize("text", KNOWN_ELSEWHERE)
def test_three_letter_words_other_languages_know_are_not_published(text: str) -> None:
    decision, fired = decide(text)
    assert decision == "reject", (fired, detect(text).evidence)
    assert detect(text).evidence["short_text"]["dictionary_words"] == []


def test_the_four_letter_floor_still_holds_by_default() -> None:
    lex: language._Lexicon = language._get("lexicon")
    assert not lex.in_dictionary("cur") and not lex.in_dictionary("con")
    assert lex.in_dictionary("cur", 3) and lex.in_dictionary("con", 3)
    assert not lex.in_dictionary("es", 3)
    assert lex.profile("cur").dictionary and not lex.profile("con").dictionary
