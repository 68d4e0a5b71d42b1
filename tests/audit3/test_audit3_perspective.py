"""Audit of the Perspective-compatible endpoint: requests as Google's own clients send them."""

from __future__ import annotations

from typing import Any

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate.perspective import analyze, suggest_score

TEXT = "You are a fool. The tram runs late."
# conversationai's Node.js client (perspectiveapi-js-client) and its demo server build the
# request with the proto field names, as protobuf's JSON parser accepts them
PROTO_NAMED = {
    "comment": {"text": TEXT},
    "languages": ["en"],
    "requested_attributes": {"TOXICITY": {"score_type": "PROBABILITY"}, "INSULT": {}},
    "do_not_store": True,
    "client_token": "c-1",
    "session_id": "s-1",
    "community_id": "forum",
    "span_annotations": True,
}
JSON_NAMED = {
    "comment": {"text": TEXT},
    "languages": ["en"],
    "requestedAttributes": {"TOXICITY": {"scoreType": "PROBABILITY"}, "INSULT": {}},
    "doNotStore": True,
    "clientToken": "c-1",
    "sessionId": "s-1",
    "communityId": "forum",
    "spanAnnotations": True,
}


def test_proto_field_names_are_read_as_perspective_reads_them() -> None:
    """``requested_attributes`` and the other proto names were refused as "Unknown name",
    so Google's own Node.js client for Perspective got a 400 from mutewatch."""
    answer = analyze(PROTO_NAMED)
    assert answer == analyze(JSON_NAMED)
    assert answer["clientToken"] == "c-1"
    assert len(answer["attributeScores"]["TOXICITY"]["spanScores"]) == 2  # span_annotations


def test_proto_names_inside_options_context_and_suggestions() -> None:
    for threshold in (0.0, 0.5, 1.0):
        snake = {**JSON_NAMED, "requestedAttributes": {"INSULT": {"score_threshold": threshold}}}
        camel = {**JSON_NAMED, "requestedAttributes": {"INSULT": {"scoreThreshold": threshold}}}
        assert analyze(snake) == analyze(camel)
    pair = {"article": {"text": "A story."}, "parent_comment": {"text": "A reply."}}
    context = {"article_and_parent_comment": pair}
    assert analyze({**JSON_NAMED, "context": context})["clientToken"] == "c-1"
    scores = {"TOXICITY": {"summary_score": {"value": 1}, "span_scores": []}}
    suggestion = suggest_score(
        {"comment": {"text": TEXT}, "attribute_scores": scores, "client_token": "c-2"}
    )
    assert suggestion["clientToken"] == "c-2"


@pytest.mark.parametrize(
    "request_",
    [
        {**JSON_NAMED, "do_not_store": False},
        {**JSON_NAMED, "requestedAttributes": {"TOXICITY": {"scoreType": "PROBABILITY",
                                                            "score_type": "PROBABILITY"}}},
    ],
)  # fmt: skip
def test_one_field_under_both_names_is_refused(request_: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="Duplicate field"):
        analyze(request_)


def test_a_misspelt_field_is_still_refused() -> None:
    with pytest.raises(InputError, match="Unknown name"):
        analyze({**JSON_NAMED, "span_anotations": True})
