"""checks-6: a crime noun predicated of a named person is an allegation to hold, with the
sentence as evidence; negated, conditional and fictional ones, a group, a job and a plain
insult are not. The names are made up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mutewatch.moderate.checks import CommentInput, Moderator

Defame = Callable[[str], tuple[float, dict[str, Any]]]
"""The ``defame`` fixture (conftest.py)."""
HOLD = 0.6


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("will brenner is a thief", "will brenner"),
        ("maria okafor is a child abuser", "maria okafor"),
        ("Dana Whitlock is a swindler", "Dana Whitlock"),
        ("Dana Whitlock was a convicted drug dealer.", "Dana Whitlock"),
        ("DANA WHITLOCK IS A CON ARTIST", "DANA WHITLOCK"),
        ("Whitlock is a money launderer", "Whitlock"),
        ("DANA WHITLOCK IS A SWINDLER AND A LIAR", "DANA WHITLOCK"),
    ],
)
def test_crime_noun_predicated_of_a_name_is_held(defame: Defame, text: str, person: str) -> None:
    score, evidence = defame(text)
    assert score >= HOLD
    assert evidence["person"] == person
    assert evidence["span"]["text"] == text


def test_the_span_is_the_alleging_sentence(defame: Defame) -> None:
    text = "The meeting ran long. will brenner is a thief! The rest was routine."
    score, evidence = defame(text)
    assert score >= HOLD
    assert evidence["span"] == {"start": 22, "end": 46, "text": "will brenner is a thief!"}


@pytest.mark.parametrize(
    "text",
    [
        "Dana Whitlock is a teacher",
        "politicians are thieves",
        "Everyone is a thief",
        "Dana Whitlock is not a thief",
        "Dana Whitlock isn't a swindler",
        "Dana Whitlock is no thief",
        "Dana Whitlock never stole anything",
        "In the novel, Dana Whitlock is a thief",
        "If Dana Whitlock were a thief, the plot would differ",
        "Dana Whitlock plays a thief in the film",
        "The notice says the man is a burglar, Dana Whitlock said.",
        "Dana Whitlock is an anti-fraud campaigner",
        "Dana Whitlock is a gangster rapper",
        "Dana is an idiot",
    ],
)
def test_no_allegation_against_a_named_person(defame: Defame, text: str) -> None:
    assert defame(text)[0] < HOLD


@pytest.mark.parametrize(
    "text",
    [
        "Dana Whitlock is not only a thief but a liar",
        "No wonder Dana Whitlock is a swindler",
        "Nobody doubts that Dana Whitlock is a swindler",
    ],
)
def test_a_negation_outside_the_allegation_still_alleges(defame: Defame, text: str) -> None:
    assert defame(text)[0] >= HOLD


def test_decision_holds_and_an_insult_stays_personal(s9_moderator: Moderator) -> None:
    alleged, insult = s9_moderator.check(
        [
            CommentInput("c1", "will brenner is a thief", "Ana Silva"),
            CommentInput("c2", "Dana is an idiot", "Ana Silva"),
        ]
    )
    fired = {c.clause for c in alleged.clauses if c.fired}
    assert alleged.decision == "hold" and "defamatory" in fired
    insulting = {c.clause for c in insult.clauses if c.fired}
    assert "personal" in insulting and "defamatory" not in insulting
