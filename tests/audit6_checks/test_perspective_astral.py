"""Perspective spans count UTF-16 code units around astral characters, and an obfuscated
insult scores as an insult there too (the lexicon's view, 8ece592)."""

from __future__ import annotations

from typing import Any

from mutewatch.moderate.perspective import analyze


def _analyze(text: str) -> dict[str, Any]:
    request = {
        "comment": {"text": text},
        "languages": ["en"],
        "requestedAttributes": {"INSULT": {}, "TOXICITY": {}},
        "spanAnnotations": True,
    }
    result: dict[str, Any] = analyze(request)
    return result


def _utf16(text: str, begin: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * begin : 2 * end].decode("utf-16-le")


def test_spans_after_astral_characters_cover_their_sentences() -> None:
    text = "\U0001f600\U0001d400 Nice work. You are an 1d10t. \U0001f44d Fine."
    spans = _analyze(text)["attributeScores"]["INSULT"]["spanScores"]
    pieces = [_utf16(text, s["begin"], s["end"]) for s in spans]
    assert pieces == ["\U0001f600\U0001d400 Nice work.", "You are an 1d10t.", "\U0001f44d Fine."]
    assert spans[1]["score"]["value"] >= 0.85 > spans[0]["score"]["value"]


def test_an_obfuscated_insult_is_an_insult() -> None:
    for text in ["You are an id\u200biot.", "You are an \u0456di\u043et.", "You are an i d i o t."]:
        scores = _analyze(text)["attributeScores"]
        assert scores["INSULT"]["summaryScore"]["value"] >= 0.85, text
        assert scores["TOXICITY"]["summaryScore"]["value"] >= 0.85, text
