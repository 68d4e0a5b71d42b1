"""Perspective PROFANITY on very short texts: lexical evidence, not the head alone.

The offensive-language head (Davidson tweets) gave harmless one- or two-word comments high
scores ("Amen" 0.85, over Coral Talk's 0.8 flagging default); without a swear word or an
insult such a piece's head score is shrunk toward a low base rate.
"""

from __future__ import annotations

from typing import Any

import pytest

from mutewatch.moderate.models import embedder, heads
from mutewatch.moderate.perspective import analyze

ATTRS = ("TOXICITY", "PROFANITY", "SEVERE_TOXICITY")


def _summaries(text: str, spans: bool = False) -> dict[str, float]:
    request: dict[str, Any] = {
        "comment": {"text": text},
        "languages": ["en"],
        "requestedAttributes": {a: {} for a in ATTRS},
        "spanAnnotations": spans,
    }
    scores = analyze(request)["attributeScores"]
    return {a: scores[a]["summaryScore"]["value"] for a in ATTRS}


@pytest.mark.parametrize("text", ["ok", "lol", "Amen", "agreed", "good point"])
def test_harmless_short_comment_is_not_profane(text: str) -> None:
    got = _summaries(text)
    assert got["PROFANITY"] < 0.3, got
    assert got["TOXICITY"] < 0.6, got  # under Coral Talk's 0.8 by a margin


def test_short_sentence_does_not_raise_a_harmless_comment() -> None:
    got = _summaries("Amen. I agree with every word of this article.", spans=True)
    assert got["PROFANITY"] < 0.5, got
    assert got["TOXICITY"] < 0.6, got


@pytest.mark.parametrize("text", ["fuck", "Go fuck yourself.", "stfu", "shit"])
def test_swearing_stays_profane(text: str) -> None:
    assert _summaries(text)["PROFANITY"] >= 0.7


@pytest.mark.parametrize("text", ["f*** off", "you idiot", "what a moron"])
def test_short_abuse_stays_toxic(text: str) -> None:
    assert _summaries(text)["TOXICITY"] >= 0.8


def test_four_words_keep_the_head_score() -> None:
    # four words or more: the head's score as it is, evidence or not
    text = "Amen to that, friend"
    head = float(heads().score("offensive", embedder().embed([text]))[0])
    assert _summaries(text)["PROFANITY"] == pytest.approx(min(1.0, max(0.0, head)), abs=1e-4)
