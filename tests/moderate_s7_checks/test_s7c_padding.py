"""An attack on a group is not laundered by padding it with neutral sentences.

The heads score the whole comment's embedding, so three neutral placeholder sentences around
an attack diluted it from racist 0.957 (rejected) to 0.369 (published). The sentences that
name a group are now also scored alone (``candidate_sentences``), and the best one, slightly
discounted, counts when it beats the whole comment; it is the evidence span.
"""

from __future__ import annotations

import numpy as np
import pytest

from mutewatch.moderate.checks import (
    MAX_CANDIDATE_SENTENCES,
    CommentInput,
    Decision,
    Features,
    Moderator,
    candidate_sentences,
    check_racism,
)
from mutewatch.moderate.models import embedder
from mutewatch.moderate.policy import load_policy

ATTACK = "Islam is a religion of hate and its followers are savages."
PAD = "The meeting starts at nine. The report has three parts. The weather was mild today."
NEUTRAL_WITH_GROUPS = [
    "The council met Muslim and Christian leaders on Monday. The meeting starts at nine. "
    "The report has three parts.",
    "The weather was mild today. Many immigrants work in the local hospital. "
    "The report has three parts.",
    "The report has three parts. Racism against Jews and Arabs is wrong. "
    "The meeting starts at nine.",
]


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(load_policy())


def _decide(moderator: Moderator, text: str) -> Decision:
    [decision] = moderator.check([CommentInput("c1", text, "Ana Silva")])
    return decision


def _clause(decision: Decision, name: str) -> dict[str, object]:
    [clause] = [c for c in decision.clauses if c.clause == name]
    return clause.as_dict()


def test_the_attack_alone_is_rejected(moderator: Moderator) -> None:
    decision = _decide(moderator, ATTACK)
    assert decision.decision == "reject"
    assert _clause(decision, "racist")["fired"]


@pytest.mark.parametrize(
    "text", [f"{PAD} {ATTACK}", f"{ATTACK} {PAD}", f"{PAD}\n\n{ATTACK}\n{PAD}"]
)
def test_padding_does_not_launder_the_attack(moderator: Moderator, text: str) -> None:
    decision = _decide(moderator, text)
    racist = _clause(decision, "racist")
    assert decision.decision != "publish"
    assert racist["fired"]
    evidence = racist["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["head"] < 0.8  # the whole comment alone would have been published
    start = text.index(ATTACK)
    assert evidence["span"] == {"start": start, "end": start + len(ATTACK), "text": ATTACK}
    assert evidence["sentence"]["decisive"] is True
    assert evidence["sentence"]["counted"] < evidence["sentence"]["score"]  # discounted


@pytest.mark.parametrize("text", NEUTRAL_WITH_GROUPS)
def test_neutral_sentences_naming_groups_are_published(moderator: Moderator, text: str) -> None:
    decision = _decide(moderator, text)
    assert decision.decision == "publish", decision.as_dict()
    racist = _clause(decision, "racist")["evidence"]
    assert isinstance(racist, dict) and "sentence" in racist


def test_candidate_sentences_name_a_group_in_a_comment_of_two_or_more() -> None:
    assert candidate_sentences(ATTACK) == []  # one sentence: the comment's own score
    assert candidate_sentences(PAD) == []  # no group named
    text = f"{PAD} {ATTACK}"
    start = text.index(ATTACK)
    assert candidate_sentences(text) == [(start, start + len(ATTACK))]
    # a spelling trick does not hide the group word from the sentence picker
    tricky = "The report has three parts. Mus\u200blims are here."
    assert candidate_sentences(tricky) == [(28, len(tricky))]


def test_candidate_sentences_are_bounded() -> None:
    text = " ".join(f"Muslim leaders met {i} times." for i in range(50))
    spans = candidate_sentences(text)
    assert len(spans) == MAX_CANDIDATE_SENTENCES
    assert spans[0][0] == 0


def test_a_check_without_prepare_embeds_the_sentences_itself(moderator: Moderator) -> None:
    """Evaluation and the Perspective endpoint build Features from a vector only."""
    text = f"{PAD} {ATTACK}"
    [prepared] = moderator.prepare([CommentInput("c1", text, "Ana Silva")])
    bare = Features(CommentInput("c1", text, ""), embedder().embed([text])[0], None)
    score, evidence = check_racism(bare)
    assert bare.sentence_vectors is not None and len(bare.sentence_vectors) == 1
    again, _ = check_racism(prepared)
    assert np.isclose(score, again, atol=1e-3)
    assert evidence["span"]["text"] == ATTACK


def test_a_caller_that_scores_sentences_itself_can_opt_out() -> None:
    """``sentences=[]``: the comment as a whole only (no sentence embedded, no evidence)."""
    text = f"{PAD} {ATTACK}"
    f = Features(CommentInput("c1", text, ""), embedder().embed([text])[0], None, sentences=[])
    score, evidence = check_racism(f)
    assert "sentence" not in evidence and score < 0.8
