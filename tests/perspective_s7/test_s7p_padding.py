"""The Perspective-compatible endpoint scores a padded attack by its worst sentence (the
summary is the larger of the whole text and its spans), without scoring each piece's
sentences a second time (checks' sentence step is for the moderation clauses)."""

from __future__ import annotations

import pytest

from mutewatch.moderate import checks
from mutewatch.moderate.perspective import analyze

ATTACK = "Islam is a religion of hate and its followers are savages."
PAD = "The meeting starts at nine. The report has three parts. The weather was mild today."


def _request(text: str) -> dict[str, object]:
    return {
        "comment": {"text": text},
        "spanAnnotations": True,
        "languages": ["en"],
        "requestedAttributes": {"IDENTITY_ATTACK": {}, "TOXICITY": {}},
        "doNotStore": True,
    }


def test_a_padded_attack_keeps_its_score_from_its_sentence() -> None:
    alone = analyze(_request(ATTACK))["attributeScores"]["IDENTITY_ATTACK"]
    padded = analyze(_request(f"{PAD} {ATTACK}"))["attributeScores"]["IDENTITY_ATTACK"]
    assert padded["summaryScore"]["value"] >= 0.8
    assert abs(padded["summaryScore"]["value"] - alone["summaryScore"]["value"]) < 0.05
    worst = max(padded["spanScores"], key=lambda s: s["score"]["value"])
    assert worst["begin"] == len(PAD) + 1


def test_pieces_are_not_split_into_sentences_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> list[tuple[int, int]]:
        raise AssertionError(f"sentences of a Perspective piece were scored again: {text!r}")

    monkeypatch.setattr(checks, "candidate_sentences", refuse)
    scores = analyze(_request(f"{PAD} {ATTACK}"))["attributeScores"]
    assert scores["TOXICITY"]["summaryScore"]["value"] >= 0.8
