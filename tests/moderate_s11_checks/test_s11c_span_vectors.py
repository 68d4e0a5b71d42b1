"""A fired head clause's evidence span: the comment's sentences are embedded once.

When a clause scored by an embedding head (racist, personal) fires with no lexicon span,
its evidence is the sentence the head scores highest (``head_spans``). Each fired clause
split the comment into sentences again and asked the embedder for them again: two fired
clauses, twice the sentences, and one embedder call per comment and clause in a batch.
Now the sentences and their vectors are kept on the comment's ``Features``
(``span_vectors``), those of a whole batch embedded in one call; the spans and their
scores stay the same.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from mutewatch.moderate.checks import CommentInput, Moderator, head_spans, sentence_spans
from mutewatch.moderate.models import embedder
from mutewatch.moderate.policy import parse_policy

# both head clauses fire on any comment (threshold 0): neither has a lexicon span here
BOTH_FIRE = """
name: both-heads
clauses:
  - clause: racist
    check: racism
    threshold: 0.0
    action: hold
    reason: Held for review.
  - clause: personal
    check: personal_attack
    threshold: 0.0
    action: hold
    reason: Held for review.
"""
ONLY_SPAM = """
name: spam-only
clauses:
  - clause: irrelevant
    check: relevance
    threshold: 0.95
    action: reject
    reason: Off topic.
"""
TEXTS = [
    "The council met on Tuesday. The budget was read aloud. Members asked about the roads.",
    "The library opens at nine. Its garden was replanted in spring. Visitors left early.",
    "The ferry ran late this morning. Passengers waited on the pier. The tide was high.",
]


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The texts of every call to the process-wide embedder (the real one runs them)."""
    calls: list[list[str]] = []
    real = embedder()
    embed = real.embed

    def counted(texts: list[str]) -> Any:
        calls.append(list(texts))
        return embed(texts)

    monkeypatch.setattr(real, "embed", counted)
    return calls


def _expected_span(head: str, text: str) -> dict[str, Any]:
    return max(head_spans(head, text), key=lambda s: s["score"])


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_two_fired_clauses_embed_the_sentences_once(monkeypatch: pytest.MonkeyPatch) -> None:
    moderator = Moderator(parse_policy(BOTH_FIRE))
    text = TEXTS[0]
    calls = _asked(monkeypatch)
    [decision] = moderator.check([CommentInput("c1", text, "Ana Silva")])
    assert [c.fired for c in decision.clauses] == [True, True]
    asked = Counter(t for call in calls for t in call)
    assert all(asked[s] == 1 for s in _sentences(text)), asked
    monkeypatch.undo()
    racist, personal = decision.clauses
    assert racist.evidence["span"] == _expected_span("racist", text)
    assert personal.evidence["span"] == _expected_span("personal", text)


def test_a_batch_embeds_the_sentences_of_all_fired_comments_in_one_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moderator = Moderator(parse_policy(BOTH_FIRE))
    calls = _asked(monkeypatch)
    decisions = moderator.check([CommentInput(f"c{i}", t, "Ana") for i, t in enumerate(TEXTS)])
    # one call for the comments, one for the sentences of all three (not one per clause)
    assert len(calls) == 2
    assert sorted(calls[1]) == sorted(s for t in TEXTS for s in _sentences(t))
    monkeypatch.undo()
    for text, decision in zip(TEXTS, decisions, strict=True):
        spans = [c.evidence["span"] for c in decision.clauses]
        assert spans == [_expected_span("racist", text), _expected_span("personal", text)]


def test_decide_under_another_policy_embeds_the_sentences_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Prepared for a policy without head clauses, decided under one with both: ``decide``
    checks them then, and the second reuses the first's sentences."""
    [f] = Moderator(parse_policy(ONLY_SPAM)).prepare([CommentInput("c1", TEXTS[1], "Ana")])
    calls = _asked(monkeypatch)
    decision = Moderator(parse_policy(BOTH_FIRE)).decide(f)
    assert [c.fired for c in decision.clauses] == [True, True]
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(_sentences(TEXTS[1]))
    assert f.span_vectors is not None and len(f.span_vectors[0]) == 3
