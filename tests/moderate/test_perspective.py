"""The Perspective-compatible mapping, with requests exactly as Perspective's docs show them."""

from __future__ import annotations

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate.perspective import analyze, parse_request

# Perspective's curl example (its keys are unquoted: Google's parser accepts that)
CURL_BODY = """{comment: {text: "what kind of idiot name is foo?"},
       languages: ["en"],
       requestedAttributes: {TOXICITY:{}} }"""
# Perspective's Python client example
PYTHON_REQUEST = {
    "comment": {"text": "friendly greetings from python"},
    "requestedAttributes": {"TOXICITY": {}},
}
# The full request shape of issue 5
ISSUE_REQUEST = {
    "comment": {"text": "You are an idiot. The article is fine."},
    "languages": ["en"],
    "requestedAttributes": {
        "TOXICITY": {}, "IDENTITY_ATTACK": {}, "INSULT": {}, "PROFANITY": {}, "THREAT": {}
    },
    "doNotStore": True,
}  # fmt: skip


def _check_score(score: dict[str, object]) -> float:
    assert score["type"] == "PROBABILITY"
    value = score["value"]
    assert isinstance(value, float) and 0.0 <= value <= 1.0
    return value


def test_curl_example_from_the_docs() -> None:
    request = parse_request(CURL_BODY)
    response = analyze(request)
    assert set(response["attributeScores"]) == {"TOXICITY"}
    tox = response["attributeScores"]["TOXICITY"]
    toxic = _check_score(tox["summaryScore"])
    [span] = tox["spanScores"]
    assert (span["begin"], span["end"]) == (0, len("what kind of idiot name is foo?"))
    assert _check_score(span["score"]) == toxic
    assert response["languages"] == ["en"]
    friendly = analyze(PYTHON_REQUEST)["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
    assert toxic > friendly


def test_all_attributes_and_sentence_spans() -> None:
    response = analyze({**ISSUE_REQUEST, "spanAnnotations": True})
    scores = response["attributeScores"]
    assert set(scores) == set(ISSUE_REQUEST["requestedAttributes"])  # type: ignore[arg-type]
    insult = scores["INSULT"]["spanScores"]
    text = ISSUE_REQUEST["comment"]["text"]  # type: ignore[index]
    assert [(s["begin"], s["end"]) for s in insult] == [(0, 17), (18, len(text))]
    assert insult[0]["score"]["value"] > insult[1]["score"]["value"]
    assert "clientToken" not in response


def test_score_threshold_and_client_token() -> None:
    request = {
        "comment": {"text": "Have a nice day."},
        "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.99}, "INSULT": {}},
        "clientToken": "abc",
    }
    response = analyze(request)
    assert "TOXICITY" not in response["attributeScores"]
    assert "INSULT" in response["attributeScores"]
    assert response["clientToken"] == "abc"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"requestedAttributes": {"TOXICITY": {}}}, "comment.text"),
        ({"comment": {"text": "x"}}, "requestedAttributes"),
        ({"comment": {"text": "x"}, "requestedAttributes": {"FLIRTATION": {}}}, "Unknown"),
        ({"comment": {"text": "x"}, "languages": ["de"], "requestedAttributes": {"TOXICITY": {}}},
         "does not support request languages: de"),
        ({"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}, "empty"),
        ({"comment": {"text": "x" * 20481}, "requestedAttributes": {"TOXICITY": {}}}, "longer"),
        ([], "JSON object"),
    ],
)  # fmt: skip
def test_bad_requests(request_: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        analyze(request_)


def test_unparseable_body() -> None:
    with pytest.raises(InputError, match="not JSON"):
        parse_request("{comment: ")
