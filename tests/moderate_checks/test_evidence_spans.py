"""Evidence spans cover exactly the text they quote: code-point offsets, no surrounding space.

A sentence's span began at the space after the previous sentence, so the offsets and the
quoted text disagreed and the moderator page marked one character too early.
"""

from __future__ import annotations

import pytest

from mutewatch.moderate.checks import CommentInput, Moderator, head_spans, sentence_spans
from mutewatch.moderate.policy import load_policy

TEXTS = [
    "Tram news.  Councillor John Smith took bribes from the tram builders.",
    "\U0001f600 Fine day.\n\nYou are an idiot.   ",
    "  The budget report was clear.  The mayor is a complete imbecile.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_spans_leave_out_white_space(text: str) -> None:
    spans = sentence_spans(text)
    assert len(spans) >= 2
    for a, b in spans:
        piece = text[a:b]
        assert piece and piece == piece.strip()


@pytest.mark.parametrize("text", TEXTS)
def test_head_spans_quote_what_their_offsets_cover(text: str) -> None:
    for span in head_spans("personal", text):
        assert text[span["start"] : span["end"]] == span["text"] == span["text"].strip()


def test_fired_clauses_quote_their_offsets() -> None:
    moderator = Moderator(load_policy())
    decisions = moderator.check([CommentInput(str(i), t, "Ana Silva") for i, t in enumerate(TEXTS)])
    fired = [(t, c) for t, d in zip(TEXTS, decisions, strict=True) for c in d.clauses if c.fired]
    spans = [(t, c.evidence["span"]) for t, c in fired if c.evidence.get("span")]
    assert {c.clause for _, c in fired} >= {"defamatory", "personal"}
    assert len(spans) >= 2
    for text, span in spans:
        assert text[span["start"] : span["end"]] == span["text"] == span["text"].strip()
