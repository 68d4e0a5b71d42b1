"""The view of a comment that the patterns read: tricks undone, offsets kept, words intact.

See test_unicode_evasion.py for the decisions this changes.
"""

from __future__ import annotations

import pytest

from mutewatch.moderate.checks import identity_mentions, lexicon_findings, spam_signals, text_view


def test_the_span_quotes_the_comment_as_submitted() -> None:
    text = "Fine. You are an 1d10t!!"
    [hit] = lexicon_findings(text).personal
    assert (hit.start, hit.end, hit.text) == (6, 22, "You are an 1d10t")
    assert hit.evidence()["span"]["read_as"] == "You are an idiot"


def test_a_group_attack_with_lookalikes_is_found() -> None:
    text = "All musl\u0456ms are vermin."
    assert identity_mentions(text) == ["muslims"]
    assert lexicon_findings(text).racist


def test_spam_with_a_hidden_space_is_found() -> None:
    score, evidence = spam_signals("Great c\u200basino bonus, buy n\u200bow")
    assert evidence["ad_phrases"] == ["buy now", "casino"]
    assert score > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "joey r u a real fan or not",  # chat spelling: three letters are not one word
        "The U.S. budget rose by 4% in 2025, up from $300 million!",
        "\u041c\u043e\u0441\u043a\u0432\u0430 \u0441\u043e\u0440 \u0440\u043e\u0441",
        "Plain words stay as they are.",
    ],
)
def test_ordinary_text_keeps_its_words(text: str) -> None:
    view = text_view(text)
    assert view.text.split()[:2] == text.split()[:2] or view.text == text
    assert not lexicon_findings(text).personal


def test_a_russian_comment_keeps_its_cyrillic() -> None:
    text = "\u041c\u043e\u0441\u043a\u0432\u0430 \u0441\u043e\u0440 \u0440\u043e\u0441"
    assert text_view(text).text == text


def test_an_exclamation_mark_between_sentences_stays_punctuation() -> None:
    text = "They took in refugees!How about the Arab states?"
    assert identity_mentions(text) == ["refugees", "arab"]
    assert text_view(text).text == text
