"""A comment, or a sentence, that only names a group says nothing of it: not racist, not an
insult.

Found (session 24, ``mutewatch moderate check`` and the Perspective endpoint): the racist and
personal heads read a group word alone as an attack. "Muslims" scored racist 0.93 and
personal 0.82 and was rejected, "Jews" 0.86/0.86 held, "Africans" rejected; Perspective's
IDENTITY_ATTACK and TOXICITY for "Muslims" were 0.93 (over Coral Talk's 0.8); and a sentence
"Jews." scored alone made a comment about a quiz held (racist 0.81). Issue 5: a comment that
mentions a group must pass. Now such a comment's heads are capped below the hold band and
such a sentence is not scored alone; attacks, slurs and a group word followed by a sentence
referring back are caught as before (guards).
"""

from __future__ import annotations

from typing import Any

import pytest

from mutewatch.moderate.checks import CommentInput, Moderator
from mutewatch.moderate.perspective import analyze
from mutewatch.moderate.policy import load_policy


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(load_policy())


def _decide(moderator: Moderator, text: str) -> tuple[str, dict[str, Any]]:
    [d] = moderator.check([CommentInput(id="t1", text=text, author_name="Ana Silva")])
    return d.decision, {c.clause: c for c in d.clauses}


@pytest.mark.parametrize(
    "text", ["Muslims", "Jews?", "Africans", "Black people", "The Jews.", "Jews and Muslims"]
)
def test_a_comment_that_only_names_a_group_is_published(moderator: Moderator, text: str) -> None:
    decision, clauses = _decide(moderator, text)
    assert decision == "publish", (text, decision)
    assert clauses["racist"].score < 0.8 and clauses["personal"].score < 0.75
    assert not clauses["racist"].fired and not clauses["personal"].fired
    assert clauses["racist"].evidence["note"] == "only a group named, nothing said of it"


def test_a_sentence_that_only_names_a_group_is_not_scored_alone(moderator: Moderator) -> None:
    text = (
        "Jews. That was the answer to question four of the quiz on the history of "
        "religions, and I got it right."
    )
    decision, clauses = _decide(moderator, text)
    assert decision == "publish", clauses["racist"]
    assert clauses["racist"].score < 0.8
    assert "sentence" not in clauses["racist"].evidence  # "Jews." is no candidate


def test_perspective_does_not_flag_a_group_name() -> None:
    attrs = ("TOXICITY", "IDENTITY_ATTACK", "INSULT", "SEVERE_TOXICITY")
    for text in ("Muslims", "Jews and Muslims"):
        request = {
            "comment": {"text": text},
            "languages": ["en"],
            "requestedAttributes": {a: {} for a in attrs},
            "spanAnnotations": True,
        }
        scores = analyze(request)["attributeScores"]
        for a in attrs:
            assert scores[a]["summaryScore"]["value"] < 0.8, (text, a, scores[a])


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("Muslims are vermin", "racist"),
        ("Kill all Jews", "racist"),
        ("Jews. They are vermin.", "racist"),  # the pair with the sentence referring back
        ("Muslims, you are all idiots", "personal"),
        ("Negroes", "racist"),  # a slur in itself is no bare mention
    ],
)
def test_attacks_and_slurs_still_fire(moderator: Moderator, text: str, clause: str) -> None:
    decision, clauses = _decide(moderator, text)
    assert decision == "reject", (text, decision)
    assert clauses[clause].fired
