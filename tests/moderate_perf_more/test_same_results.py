"""The speed-ups of the checks give the results the slow paths give.

The lexicon rules out its group and insult patterns from the words of a text; the name
check remembers names it assessed. Both must be exact: the same findings and the same name
results as running every pattern and assessing afresh.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from mutewatch.moderate import names
from mutewatch.moderate.checks import (
    LEXICON_FILE,
    _personal_hits,
    _racist_hits,
    lexicon,
    text_words,
)

_DATA = json.loads(LEXICON_FILE.read_text(encoding="utf-8"))
_TERMS = sorted(
    {
        term
        for section in ("personal", "racist")
        for terms in _DATA[section].values()
        if isinstance(terms, list)
        for term in terms
    }
)
_GLUE = ["you", "are", "the", "they", "all", "is", "a", "placeholder", "council", "budget",
         "go", "back", "to", "your", "country", ".", ",", "!", "\n", "\u017f", "\u212a",
         "\u0130", "\u0131", "caf\u00e9", "2", "_", "'s", "\u2019re"]  # fmt: skip
_PIECES = st.sampled_from(_TERMS + _GLUE)
_TEXTS = st.lists(_PIECES, max_size=14).map(" ".join) | st.lists(_PIECES, max_size=14).map(
    lambda parts: "".join(p.capitalize() if i % 3 == 0 else p for i, p in enumerate(parts))
)


def _all_patterns(text: str) -> tuple[list[object], list[object]]:
    lx = lexicon()
    racist = _racist_hits(lx, text, None)
    return list(racist), list(_personal_hits(lx, text, racist, None))


def _filtered(text: str) -> tuple[list[object], list[object]]:
    lx = lexicon()
    words = text_words(text)
    racist = _racist_hits(lx, text, words)
    return list(racist), list(_personal_hits(lx, text, racist, words))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_ruling_out_patterns_by_words_finds_the_same_hits(text: str) -> None:
    assert _filtered(text) == _all_patterns(text)


def test_the_fixed_examples_find_the_same_hits_and_some_hits() -> None:
    texts = [f"you are a {t}" for t in _TERMS[:200]] + [f"all {t} are {t}" for t in _TERMS[:200]]
    texts += ["go back to your country", "placeholder text about the council budget"]
    found = 0
    for text in texts + [t.upper() for t in texts] + [t.replace("s", "\u017f") for t in texts]:
        assert _filtered(text) == _all_patterns(text)
        found += sum(map(len, _filtered(text)))
    assert found > 100  # the comparison is not between two empty lists


def test_foldable_characters_rule_nothing_out() -> None:
    assert text_words("plain words") == frozenset({"plain", "words"})
    for ch in "\u0130\u0131\u017f\u212a":
        assert text_words(f"word {ch}") is None


def test_a_remembered_name_is_the_fresh_assessment() -> None:
    tried = ["Ana Silva", "xX_sniper_Xx", "Batman123", "Anonymous", "Smith, John", "", "qwerty"]
    for name in tried:
        first = names.assess(name)
        assert names.assess(name) is first
        assert first == names._assess(name, names._lists())
