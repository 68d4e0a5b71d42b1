"""``spanAnnotations``: sentence spans only when asked, one whole-comment span otherwise.

Perspective's methods.md: ``spanAnnotations`` "indicates if the request should return spans
that describe the scores for each part of the text (currently done at per-sentence level).
Defaults to false."; its quickstart shows, for a request without it, one span scored as the
summary. The requests below are methods.md's "AnalyzeComment example" (with TOXICITY only:
mutewatch has no UNSUBSTANTIAL) and its curl example.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mutewatch.moderate.perspective import analyze

TEXT = "What kind of idiot name is foo? Sorry, I like your name."
ANALYZE = "/v1alpha1/comments:analyze"


def _request(**extra: Any) -> dict[str, Any]:
    """methods.md's AnalyzeComment example, TOXICITY and INSULT requested."""
    return {"comment": {"text": TEXT}, "languages": ["en"],
            "requestedAttributes": {"TOXICITY": {}, "INSULT": {}}, **extra}  # fmt: skip


def _spans(response: dict[str, Any], name: str) -> list[tuple[int, int, float]]:
    entry = response["attributeScores"][name]
    return [(s["begin"], s["end"], s["score"]["value"]) for s in entry["spanScores"]]


def test_without_the_flag_one_span_covers_the_comment() -> None:
    response = analyze(_request())
    for name, entry in response["attributeScores"].items():
        summary = entry["summaryScore"]["value"]
        assert _spans(response, name) == [(0, len(TEXT), summary)], name


def test_false_is_the_same_as_absent() -> None:
    response = analyze(_request(spanAnnotations=False))
    assert response == analyze(_request())
    assert len(_spans(response, "TOXICITY")) == 1


def test_true_scores_each_sentence_and_keeps_the_summary() -> None:
    by_sentence, whole = analyze(_request(spanAnnotations=True)), analyze(_request())
    for name in ("TOXICITY", "INSULT"):
        spans = _spans(by_sentence, name)
        assert [(b, e) for b, e, _ in spans] == [(0, 31), (32, 56)]
        assert spans[0][2] > spans[1][2], "the insulting sentence scores higher"
        summary = by_sentence["attributeScores"][name]["summaryScore"]
        assert summary == whole["attributeScores"][name]["summaryScore"]
        assert summary["value"] >= spans[0][2]
        assert _spans(whole, name) == [(0, 56, summary["value"])], "one span unless asked"


def test_whole_comment_span_counts_utf16_code_units() -> None:
    text = "\U0001f600 Fine day. You are an idiot."
    response = analyze({"comment": {"text": text}, "languages": ["en"],
                        "requestedAttributes": {"INSULT": {}}})  # fmt: skip
    [(begin, end, _)] = _spans(response, "INSULT")
    assert (begin, end) == (0, len(text.encode("utf-16-le")) // 2) == (0, len(text) + 1)


@pytest.mark.anyio
async def test_over_http(client: httpx.AsyncClient, keys: tuple[Any, dict[str, str]]) -> None:
    url = f"{ANALYZE}?key={keys[1]['viewer']}"
    r = await client.post(url, json=_request(spanAnnotations=True))
    assert r.status_code == 200, r.text
    assert len(r.json()["attributeScores"]["TOXICITY"]["spanScores"]) == 2
    r = await client.post(url, json=_request(spanAnnotations="yes"))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert "spanAnnotations" in r.json()["error"]["message"]
