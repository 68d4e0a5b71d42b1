"""The curated English lists of language_short_words.json: every entry has a source or reason,
is written in the form the check compares (``language.normalise``), has at most
``SHORT_WORDS`` words, and no foreign greeting or thanks list names it."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from mutewatch.moderate import language


@pytest.fixture(scope="module")
def lists() -> dict[str, object]:
    path = resources.files("mutewatch.moderate").joinpath("data", language.SHORT_WORDS_FILE)
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def curated(lists: dict[str, object], key: str) -> dict[str, str]:
    """The curated entries under ``key`` (entry -> source or reason)."""
    entries = lists[key]
    assert isinstance(entries, dict)
    return entries


@pytest.mark.parametrize("key", language.ENGLISH_CURATED)
def test_every_entry_has_a_reason_and_normal_form(lists: dict[str, object], key: str) -> None:
    entries = lists[key]
    assert isinstance(entries, dict) and entries
    for entry, why in entries.items():
        assert isinstance(why, str) and why.strip(), entry
        assert language.normalise(entry) == entry, entry
        assert 1 <= len(entry.split()) <= language.SHORT_WORDS, entry


def test_no_foreign_list_names_a_curated_word(lists: dict[str, object]) -> None:
    """A curated English word wins over the foreign lists, so listing it there would be dead."""
    words = {e for key in language.ENGLISH_CURATED for e in curated(lists, key) if " " not in e}
    for code, listed in lists.items():
        if isinstance(listed, list) and code not in ("en", language.DIALECT_CODE):
            assert not set(listed) & words, code


def test_loader_reads_curated_words_and_phrases() -> None:
    lex = language._load_lexicon()
    assert "touché" in lex.hand["en"] and "gg" in lex.hand["en"]
    assert "déjà vu" in lex.phrases and "tl dr" in lex.phrases
    assert all(" " not in w for w in lex.hand["en"])


def test_no_curated_entry_is_an_evaluation_text(lists: dict[str, object]) -> None:
    """The curated words were written from dictionaries and usage, not picked from the test
    set: none spells an evaluation comment, sentence, word pair or utterance."""
    from audit12_training.a12_helpers import read_file_texts

    evaluation = {t.casefold().strip() for t in read_file_texts().evaluation()}
    entries = {e.casefold() for key in language.ENGLISH_CURATED for e in curated(lists, key)}
    assert not entries & evaluation
