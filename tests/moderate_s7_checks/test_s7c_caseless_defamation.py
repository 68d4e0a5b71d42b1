"""An allegation against a named person is held when the comment is typed without capitals.

``person_names`` finds names by their capitals, so "john smith stole money from the charity"
named nobody and was published. In a sentence without case, neighbouring words that are a
known given name and surname, and not common lower-case words (data/truecase_words.npz), are
read as a person's name; comments without such a name are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mutewatch.moderate import checks
from mutewatch.moderate.checks import (
    CASELESS_NAME_SCORE,
    CommentInput,
    Decision,
    Moderator,
    caseless_person_names,
    is_caseless,
)
from mutewatch.moderate.policy import load_policy

HELD = [
    "john smith stole money from the charity",
    "JOHN SMITH STOLE MONEY FROM THE CHARITY",
    "i think sarah jones took bribes from the builders.",
    "The meeting was long. mr jones lied to the council about the budget",
]
NOT_HELD = [
    "the bank stole money from the charity",
    "they stole the election and everyone knows it",
    "this guy is a crook",
    "THE COUNCIL WASTED MONEY ON THE TRAM",
    "@torn_rose the builders should be arrested",
]


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(load_policy())


@pytest.fixture
def capitals_only() -> Iterator[None]:
    """The check as it was before checks-4: names by capitals only."""
    checks.use_truecase(None)
    yield
    checks.use_truecase(checks.TRUECASE_FILE)


def _decide(moderator: Moderator, text: str) -> Decision:
    [decision] = moderator.check([CommentInput("c1", text, "Ana Silva")])
    return decision


def _defamatory(decision: Decision) -> dict[str, object]:
    [clause] = [c for c in decision.clauses if c.clause == "defamatory"]
    return clause.as_dict()


@pytest.mark.parametrize("text", HELD)
def test_caseless_allegation_against_a_named_person_is_held(
    moderator: Moderator, text: str
) -> None:
    decision = _decide(moderator, text)
    clause = _defamatory(decision)
    assert clause["fired"] and clause["score"] == CASELESS_NAME_SCORE
    assert decision.decision == "hold"  # a human judges it: never rejected for this
    evidence = clause["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["action"] == "hold"
    assert evidence["person"] and str(evidence["person"]).lower() in text.lower()


@pytest.mark.parametrize("text", HELD)
def test_before_the_fix_it_was_published(
    moderator: Moderator, text: str, capitals_only: None
) -> None:
    assert not _defamatory(_decide(moderator, text))["fired"]


@pytest.mark.parametrize("text", NOT_HELD)
def test_caseless_comments_without_a_name_are_not_held(moderator: Moderator, text: str) -> None:
    assert not _defamatory(_decide(moderator, text))["fired"]


def test_capitalised_names_keep_their_rule(moderator: Moderator) -> None:
    clause = _defamatory(_decide(moderator, "John Smith stole money from the charity."))
    assert clause["fired"] and clause["score"] == 0.85


def test_only_sentences_without_case_are_read_this_way() -> None:
    assert is_caseless("john smith stole money")
    assert is_caseless("I think john smith stole money")
    assert is_caseless("JOHN SMITH STOLE MONEY")
    assert not is_caseless("The Mayor said maria lopez stole nothing")
    assert caseless_person_names("The Mayor said maria lopez stole nothing") == []
    [found] = caseless_person_names("so john smith stole it")
    assert (found["start"], found["end"], found["name"]) == (3, 13, "john smith")
