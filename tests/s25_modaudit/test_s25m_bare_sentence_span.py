"""A sentence that only names a group is not what offended: not the evidence span.

Found (session 25, issue 5): "Muslims. I love my neighbours." is rejected by the racist
clause on the comment's own head (0.95) and its evidence span was "Muslims." (racist head
0.91 alone), so the moderator was shown the group's name as the offending words. Since
checks-8 such a sentence (``bare_mention``) is never scored alone as a candidate sentence;
now it is no evidence span either when the comment says anything else. The comment as a
whole and its other sentences are scored as before, so the decision does not move (the
comment's head still reads it as an attack: the issue's examples stay an open xfail in
tests/audit12_training/test_a12_identity_templates.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from mutewatch.moderate._lexicon import bare_mention
from mutewatch.moderate.checks import CommentInput, Moderator, candidate_sentences, head_spans
from mutewatch.moderate.policy import load_policy

BARE_FIRST = "Muslims. I love my neighbours."


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(load_policy())


def _clauses(moderator: Moderator, text: str) -> tuple[str, dict[str, Any]]:
    [d] = moderator.check([CommentInput(id="t1", text=text, author_name="Ana Silva")])
    return d.decision, {c.clause: c for c in d.clauses}


def test_a_bare_sentence_is_no_candidate_sentence() -> None:
    assert candidate_sentences(BARE_FIRST) == []


def test_a_bare_sentence_is_no_evidence_span(moderator: Moderator) -> None:
    _, clauses = _clauses(moderator, BARE_FIRST)
    racist = clauses["racist"]
    assert racist.fired  # the comment's own head (issue 5 open)
    assert racist.evidence["span"]["text"] == "I love my neighbours."
    assert not bare_mention(racist.evidence["span"]["text"])


def test_the_span_skips_the_bare_sentence_though_it_scores_highest() -> None:
    from mutewatch.moderate._spans import evidence_span

    spans = head_spans("racist", BARE_FIRST)
    assert max(spans, key=lambda s: s["score"])["text"] == "Muslims."  # why it was chosen
    assert evidence_span("racist", BARE_FIRST)["text"] == "I love my neighbours."


def test_a_comment_of_bare_sentences_only_keeps_its_best_span() -> None:
    from mutewatch.moderate._spans import evidence_span

    text = "Jews? Muslims!"
    assert evidence_span("racist", text) == max(
        head_spans("racist", text), key=lambda s: s["score"]
    )


@pytest.mark.parametrize(
    ("text", "clause", "span"),
    [
        ("Jews. They are vermin.", "racist", "They are vermin"),  # the lexicon's span
        ("Muslims. They are all idiots and should be deported.", "racist", None),
    ],
)
def test_attacks_after_a_bare_sentence_still_fire(
    moderator: Moderator, text: str, clause: str, span: str | None
) -> None:
    decision, clauses = _clauses(moderator, text)
    assert decision == "reject", (text, clauses[clause])
    assert clauses[clause].fired
    quoted = clauses[clause].evidence["span"]["text"]
    assert not bare_mention(quoted)
    if span is not None:
        assert quoted == span
