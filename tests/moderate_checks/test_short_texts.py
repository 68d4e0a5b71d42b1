"""Very short comments: English replies publish, foreign words do not, doubt goes to a human.

The decisions are those of the default policy's language and dialect clauses, computed the
way ``checks.Moderator.decide`` computes them (the check functions and ``Clause.outcome``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from mutewatch.moderate import language
from mutewatch.moderate.checks import CommentInput, Features, check_dialect, check_language
from mutewatch.moderate.language import detect, normalise
from mutewatch.moderate.policy import Clause, load_policy


@pytest.fixture(scope="module")
def clauses() -> dict[str, Clause]:
    """The default policy's language and dialect clauses."""
    policy = load_policy()
    return {c.clause: c for c in policy.clauses if c.clause in ("language", "dialect")}


def decide(text: str, clauses: dict[str, Clause]) -> tuple[str, dict[str, str]]:
    """(decision, {clause: action of each fired clause}) of the language/dialect clauses."""
    comment = CommentInput(id="1", text=text, author_name="")
    f = Features(comment, np.zeros(384, np.float32), None)
    f.language = detect(text)
    fired: dict[str, str] = {}
    for name, check in (("language", check_language), ("dialect", check_dialect)):
        hit, _, action = clauses[name].outcome(round(check(f)[0], 4))
        if hit:
            fired[name] = action
    order = {"publish": 0, "hold": 1, "reject": 2}
    decision = max(fired.values(), key=order.__getitem__, default="publish")
    return decision, fired


ENGLISH_REPLIES = [
    "hi",
    "hello",
    "Hello",
    "No",
    "No.",
    "Yes",
    "Thanks!",
    "Kudos",
    "lol",
    "Agreed",
    "OK",
    "Well said",
    "I agree.",
    "Nope",
    "True",
    "Also",
]
NO_LETTERS = ["+1", "👍", "👍👍👍", "100", "42!"]
FOREIGN = [
    ("Hallo", "de"),
    ("Danke schön", "de"),
    ("Schön", "de"),
    ("Danke", "de"),
    ("Ja genau", "de"),
    ("Merci", "fr"),
    ("Oui", "fr"),
    ("Gracias", "es"),
    ("Si", "es"),
    ("Hola", "es"),
    ("Ciao", "it"),
]
SWISS = ["Merci vielmal", "Grüezi", "Nöd", "Hoi zäme", "Isch so"]


@pytest.mark.parametrize("text", ENGLISH_REPLIES)
def test_common_english_replies_publish(text: str, clauses: dict[str, Clause]) -> None:
    decision, fired = decide(text, clauses)
    assert decision == "publish", fired
    r = detect(text)
    assert r.language == "en"
    assert r.evidence["short_text"]["rule"] in ("english_words", "detectors")


@pytest.mark.parametrize("text", NO_LETTERS)
def test_emoji_and_number_only_comments_publish(text: str, clauses: dict[str, Clause]) -> None:
    assert decide(text, clauses)[0] == "publish"
    assert detect(text).evidence["no_letters"] is True


@pytest.mark.parametrize(("text", "code"), FOREIGN)
def test_short_foreign_words_are_rejected_as_their_language(
    text: str, code: str, clauses: dict[str, Clause]
) -> None:
    decision, fired = decide(text, clauses)
    assert decision == "reject"
    assert fired == {"language": "reject"}, "a standard language is not dialect"
    r = detect(text)
    assert r.language == code
    assert r.dialect < 0.5


@pytest.mark.parametrize("text", SWISS)
def test_short_swiss_german_is_rejected_as_dialect(text: str, clauses: dict[str, Clause]) -> None:
    decision, fired = decide(text, clauses)
    assert decision == "reject"
    assert fired.get("dialect") == "reject"
    assert detect(text).language == "gsw"


def test_a_short_text_no_word_count_knows_is_held_not_rejected(
    clauses: dict[str, Clause],
) -> None:
    r = detect("Hmmph")
    assert r.evidence["short_text"]["rule"] == "undecided"
    assert decide("Hmmph", clauses)[0] == "hold"


def test_the_rule_reports_its_words() -> None:
    ev = detect("Hello Leute").evidence["short_text"]
    assert ev["rule"] == "foreign_words"
    assert ev["english_words"] == ["hello"]
    assert ev["other_words"] == {"leute": "de"}
    assert detect("Merci vielmal").evidence["short_text"]["swiss_words"] == ["vielmal"]


def test_longer_texts_are_left_to_the_detectors() -> None:
    r = detect("Hallo, danke für den Artikel")
    assert "short_text" not in r.evidence
    assert r.language == "de"
    assert "short_text" not in detect("Thanks for writing this.").evidence


def test_short_rule_is_deterministic() -> None:
    assert detect("Danke schön") == detect("Danke schön")


def test_hand_lists_hold_normalised_single_words() -> None:
    path = language.model_path().parent / language.SHORT_WORDS_FILE
    lists = json.loads(path.read_text(encoding="utf-8"))
    assert {"en", "gsw", "de", "fr", "es", "it"} <= set(lists)
    for code, words in lists.items():
        if code.startswith("_"):
            continue
        for w in words:
            assert normalise(w) == w, (code, w)
            # The curated English lists (session 21) also hold phrases ("déjà vu").
            assert " " not in w or code in language.ENGLISH_CURATED, (code, w)
    assert not set(lists["en"]) & set(lists["gsw"])
