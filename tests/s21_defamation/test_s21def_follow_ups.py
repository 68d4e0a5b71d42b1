"""An allegation whose subject is "he"/"she" or missing is made against the person named
just before it: "I know Dana Whitlock from the council. He took bribes for years." and
"Dana Whitlock? Took bribes." were published, the name and the allegation standing in
neighbouring sentences. Negated, fictional and conditional ones, a pronoun with no person
named before it, and one nearer to someone else are not held. The names are made up."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mutewatch.moderate import _defamation
from mutewatch.moderate.checks import CommentInput, Features, Moderator, check_defamation
from mutewatch.moderate.policy import load_policy

HOLD = 0.6
"""The defamatory clause's threshold in the default policy."""


def defame(text: str) -> tuple[float, dict[str, Any]]:
    """The defamation check's (score, evidence); it needs no embedding."""
    return check_defamation(Features(CommentInput("c1", text, ""), np.zeros(384, np.float32), None))


@pytest.mark.parametrize(
    ("text", "person", "sentence"),
    [
        ("Dana Whitlock? Took bribes.", "Dana Whitlock", "Took bribes."),
        (
            "Remember Dana Whitlock? Took bribes for years.",
            "Dana Whitlock",
            "Took bribes for years.",
        ),
        (
            "Dana Whitlock\n- took bribes from the council",
            "Dana Whitlock",
            "- took bribes from the council",
        ),
        ("Dana Whitlock! Embezzled the tram fund.", "Dana Whitlock", "Embezzled the tram fund."),
    ],
)
def test_an_allegation_without_a_subject_after_a_name(
    text: str, person: str, sentence: str
) -> None:
    score, evidence = defame(text)
    assert score >= HOLD
    assert evidence["person"] == person and evidence["pronoun"] is None
    at = text.index(person)
    assert evidence["person_span"] == {"start": at, "end": at + len(person), "text": person}
    assert evidence["span"]["text"] == sentence


@pytest.mark.parametrize(
    ("text", "person", "pronoun", "sentence"),
    [
        ("I know Dana Whitlock from the council. He took bribes for years.", "Dana Whitlock",
         "He", "He took bribes for years."),
        ("Mary Okafor runs the shelter. She stole the donations.", "Mary Okafor", "She",
         "She stole the donations."),
        ("Mary Okafor runs the shelter. She's a crook.", "Mary Okafor", "She", "She's a crook."),
        ("Mary Okafor runs the shelter. She is kind to all. And she has been embezzling the "
         "donations.", "Mary Okafor", "she", "And she has been embezzling the donations."),
        ("Councillor Zoë Martín runs the shelter. She stole the donations.",
         "Councillor Zoë Martín", "She", "She stole the donations."),
    ],
)  # fmt: skip
def test_a_pronoun_after_a_name(text: str, person: str, pronoun: str, sentence: str) -> None:
    score, evidence = defame(text)
    assert score >= HOLD
    assert evidence["person"] == person and evidence["pronoun"] == pronoun
    at = text.index(person)
    assert evidence["person_span"] == {"start": at, "end": at + len(person), "text": person}
    at = text.index(sentence)
    assert evidence["span"] == {"start": at, "end": at + len(sentence), "text": sentence}


@pytest.mark.parametrize(
    "text",
    [
        "Dana Whitlock runs the shelter. She never stole anything.",
        "Dana Whitlock runs the shelter. He took no bribes.",
        "He took bribes.",
        "I moved to New York. He took bribes.",
        "I read the Toronto Star. He took bribes.",
        "Dana Whitlock's brother runs the shelter. He stole the donations.",
        "Dana Whitlock hired a new accountant. He stole the money.",
        "Dana Whitlock campaigned for us. He fought corruption.",
        "Mary Okafor runs the shelter. She was the victim of fraud.",
        "Mary Okafor runs the shelter. They stole the donations.",
        "I agree with Dana Whitlock. Criminal justice reform is overdue.",
        "In the novel, Dana Whitlock runs a shelter. He stole the donations.",
        "Dana Whitlock runs the shelter. Did he take bribes?",
        "Dana Whitlock runs the shelter. He is a fraud investigator.",
        "Dana Whitlock spoke first. The council met. Then it voted. He stole the donations.",
    ],
)
def test_no_follow_up_allegation(text: str) -> None:
    assert defame(text)[0] < HOLD


def test_an_allegation_in_the_names_sentence_keeps_its_evidence() -> None:
    score, evidence = defame("Dana Whitlock took bribes. He denies it.")
    assert score == 0.85
    assert evidence == {
        "allegation": "bribes",
        "person": "Dana Whitlock",
        "span": {"start": 0, "end": 26, "text": "Dana Whitlock took bribes."},
    }


def test_the_switch_turns_follow_ups_off(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Mary Okafor runs the shelter. She stole the donations."
    monkeypatch.setattr(_defamation, "FOLLOW_UPS", False)
    assert defame(text)[0] < HOLD
    monkeypatch.setattr(_defamation, "FOLLOW_UPS", True)
    assert defame(text)[0] >= HOLD


def test_the_decision_holds_a_follow_up() -> None:
    alleged, denied = Moderator(load_policy()).check(
        [
            CommentInput(
                "c1", "Mary Okafor runs the shelter. She stole the donations.", "Ana Silva"
            ),
            CommentInput(
                "c2", "Mary Okafor runs the shelter. She never stole anything.", "Ana Silva"
            ),
        ]
    )
    fired = {c.clause: c for c in alleged.clauses if c.fired}
    assert alleged.decision == "hold" and "defamatory" in fired
    assert fired["defamatory"].evidence["person"] == "Mary Okafor"
    assert "defamatory" not in {c.clause for c in denied.clauses if c.fired}
