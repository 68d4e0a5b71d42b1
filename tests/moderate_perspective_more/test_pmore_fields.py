"""Every field of Perspective's AnalyzeComment request, read as Perspective reads it.

methods.md's request template with every field filled in is answered; a field Perspective
does not define is refused ("Unknown name"), a field of the wrong type is refused, and
``null`` is a field left out (protobuf JSON), instead of mutewatch ignoring what it does not
read.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mutewatch.errors import InputError
from mutewatch.moderate.perspective import analyze, suggest_score

TEXT = "What kind of idiot name is foo? Sorry, I like your name."
ANALYZE = "/v1alpha1/comments:analyze"
# methods.md's AnalyzeComment request template, every field given a value
FULL = {
    "comment": {"text": TEXT, "type": "PLAIN_TEXT"},
    "context": {"entries": [{"text": "A story about names.", "type": "PLAIN_TEXT"}]},
    "requestedAttributes": {"TOXICITY": {"scoreType": "PROBABILITY", "scoreThreshold": 0.0}},
    "languages": ["en"],
    "doNotStore": True,
    "clientToken": "comment-53922",
    "sessionId": "session-1",
    "communityId": "/forum/names",
    "spanAnnotations": True,
}


def _minimal(**extra: Any) -> dict[str, Any]:
    return {"comment": {"text": TEXT}, "languages": ["en"],
            "requestedAttributes": {"TOXICITY": {}}, **extra}  # fmt: skip


def _refused(request: Any, *words: str) -> None:
    with pytest.raises(InputError) as caught:
        analyze(request)
    for word in words:
        assert word in str(caught.value)


def test_every_documented_field_is_read_an_unknown_one_refused() -> None:
    response = analyze(FULL)
    assert response["clientToken"] == "comment-53922"
    assert response["languages"] == ["en"]
    assert len(response["attributeScores"]["TOXICITY"]["spanScores"]) == 2
    for typo in ({**FULL, "spanAnotations": True}, {**FULL, "requestedAtributes": {}}):
        _refused(typo, "Unknown name", "Cannot find field")


@pytest.mark.parametrize(
    ("where", "request_"),
    [
        ("comment", _minimal(comment={"text": TEXT, "lang": "en"})),
        ("context", _minimal(context={"entries": [], "article": "A story."})),
        ("context entry 0", _minimal(context={"entries": [{"text": "x", "author": "y"}]})),
        ("requestedAttributes.TOXICITY", _minimal(requestedAttributes={"TOXICITY": {"min": 1}})),
        ("context.articleAndParentComment",
         _minimal(context={"articleAndParentComment": {"story": {"text": "x"}}})),
    ],
)  # fmt: skip
def test_unknown_nested_fields_are_refused(where: str, request_: dict[str, Any]) -> None:
    _refused(request_, "Unknown name", f"at '{where}'")


@pytest.mark.parametrize(
    ("field", "value"),
    [("doNotStore", "yes"), ("doNotStore", 1), ("sessionId", 5), ("communityId", ["a"]),
     ("context", "the article"), ("context", {"entries": "the article"}),
     ("context", {"entries": [{"text": 5}]})],
)  # fmt: skip
def test_fields_of_the_wrong_type_are_refused(field: str, value: Any) -> None:
    _refused(_minimal(**{field: value}), field if field != "context" else "context")


def test_null_is_a_field_left_out() -> None:
    nulls = {
        f: None
        for f in (
            "context",
            "doNotStore",
            "clientToken",
            "sessionId",
            "communityId",
            "spanAnnotations",
            "dropUnsupportedAttributes",
        )
    }
    response = analyze(_minimal(**nulls, comment={"text": TEXT, "type": None}))
    assert response == analyze(_minimal())
    assert "clientToken" not in response


def test_article_and_parent_comment_context_is_accepted() -> None:
    pair = {"article": {"text": "A story about names."}, "parentComment": {"text": "Hello."}}
    response = analyze(_minimal(context={"articleAndParentComment": pair}))
    assert response == analyze(_minimal())  # context does not change the scores
    _refused(_minimal(context={"articleAndParentComment": {"article": "A story."}}), "context")


def test_suggestscore_reads_its_fields_the_same_way() -> None:
    suggestion = {"comment": {"text": TEXT}, "clientToken": "c1", "sessionId": None,
                  "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}}}  # fmt: skip
    assert suggest_score(suggestion)["clientToken"] == "c1"
    for bad in ({**suggestion, "doNotStore": True}, {**suggestion, "communityId": 3}):
        with pytest.raises(InputError):
            suggest_score(bad)


@pytest.mark.anyio
async def test_over_http(client: httpx.AsyncClient, keys: tuple[Any, dict[str, str]]) -> None:
    url = f"{ANALYZE}?key={keys[1]['viewer']}"
    r = await client.post(url, json=FULL)
    assert r.status_code == 200, r.text
    r = await client.post(url, json={**FULL, "doNotStore": "yes"})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and "doNotStore" in error["message"]


def test_score_threshold_leaves_out_span_scores_below_it() -> None:
    """methods.md: "The API won't return scores that are below this threshold"."""
    request = _minimal(spanAnnotations=True)
    spans = analyze(request)["attributeScores"]["TOXICITY"]["spanScores"]
    insulting, kind = (s["score"]["value"] for s in spans)
    assert insulting > kind
    between = (insulting + kind) / 2
    request["requestedAttributes"] = {"TOXICITY": {"scoreThreshold": between}}
    kept = analyze(request)["attributeScores"]["TOXICITY"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in kept] == [(0, 31)]
    request["requestedAttributes"] = {"TOXICITY": {"scoreThreshold": kind}}  # at it: returned
    assert len(analyze(request)["attributeScores"]["TOXICITY"]["spanScores"]) == 2
