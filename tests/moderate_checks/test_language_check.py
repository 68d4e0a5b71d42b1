"""The language/dialect check: English passes, other languages and Swiss German do not."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from mutewatch.moderate import language
from mutewatch.moderate.language import LanguageResult, detect

ENGLISH = [
    "Great article!",
    "I agree.",
    "Thanks for writing this.",
    "This is exactly what I was thinking.",
    "Well written and fair, thank you.",
    "Totally disagree with the author here.",
    "lol so true",
    "The council should publish the full report before the vote next week.",
]
OTHER = [
    ("Danke schön", "de"),
    ("Merci beaucoup", "fr"),
    ("Gracias", "es"),
    ("Muito obrigado", "pt"),
    ("Grazie mille", "it"),
    ("Ich finde den Artikel sehr gut.", "de"),
    ("Dit is een goed artikel.", "nl"),
    ("Bardzo dobry artykuł", "pl"),
    ("Спасибо за статью", "ru"),
    ("谢谢你的文章", "zh"),
    ("Tack så mycket", "sv"),
    ("Çok güzel bir yazı", "tr"),
]
# Swiss German written for these tests (not from the GDI data).
SWISS_GERMAN = [
    "Das isch doch e Seich!",
    "Mir gfallt dä Artikel nöd.",
    "Grüezi mitenand, i bi voll iverstande.",
    "Was isch ächt mit dene Lüüt los?",
    "Ich han das scho lang gseit.",
    "Mer chönd doch nöd eifach zueluege.",
    "Chasch du mir säge wieso das so isch?",
    "Super gschribe, merci vielmal!",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_short_and_long_english_scores_english(text: str) -> None:
    r = detect(text)
    assert r.language == "en"
    assert r.english >= 0.5
    assert r.dialect < 0.5


@pytest.mark.parametrize(("text", "code"), OTHER)
def test_short_other_languages_are_not_english(text: str, code: str) -> None:
    r = detect(text)
    assert r.english < 0.5
    assert r.language == code, "standard languages are named, never called dialect"
    assert r.dialect < 0.5


@pytest.mark.parametrize("text", SWISS_GERMAN)
def test_swiss_german_is_dialect_not_english_not_german(text: str) -> None:
    r = detect(text)
    assert r.english < 0.5
    assert r.dialect >= 0.5
    assert r.language == "gsw"


def test_result_contract() -> None:
    r = detect("I agree.")
    assert isinstance(r, LanguageResult)
    assert dataclasses.is_dataclass(r)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.english = 0.0  # type: ignore[misc]
    for value in (r.confidence, r.english, r.dialect):
        assert 0.0 <= value <= 1.0
    assert {"lingua", "fasttext", "dialect_model", "ngram_english"} <= set(r.evidence)
    assert isinstance(language.LANGUAGE_MODEL_VERSION, str)


def test_deterministic() -> None:
    text = "Das isch doch e Seich, aber i finds guet."
    assert detect(text) == detect(text)


def test_no_letters_is_undecided() -> None:
    r = detect("👍👍 100 !!!")
    assert r.english == 0.5
    assert r.confidence == 0.0
    assert r.evidence["no_letters"] is True


def test_long_text_is_bounded() -> None:
    r = detect("This is a sentence in plain English. " * 2000)
    assert r.language == "en"
    assert r.english > 0.9


@pytest.mark.slow
def test_targets_on_evaluation_rows(
    shared_data: object, remembered_detect: Callable[[], AbstractContextManager[None]]
) -> None:
    with remembered_detect():  # the texts of tests/moderate/test_evaluate's report
        report = language.evaluate(shared_data)  # type: ignore[arg-type]
    assert report["sentences"]["accuracy"] >= 0.99
    assert report["word-pairs"]["accuracy"] >= 0.95
    assert report["swiss_german"]["not_english"] >= 0.95
    assert report["swiss_german"]["dialect"] >= 0.90


def test_dialect_evidence_names_the_dialect_words() -> None:
    r = detect("Mir gfallt dä Artikel nöd.")
    assert "nöd" in r.evidence["dialect_words"]
    assert "dialect_words" not in detect("Great article, thank you.").evidence
