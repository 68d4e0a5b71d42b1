"""Bad input to every moderation endpoint, as a demanding newsroom's QA sends it: each
answer is a 4xx in the API's one error shape ``{"error": {"code", "message"}}`` (Google's
``{"error": {"code", "message", "status"}}`` on the Perspective routes), and no table
holds a row more after all of them. Perspective's documented requests are answered as
Perspective answers them, ``clientToken`` echoed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from s16m_helpers import ON_TOPIC, Api, Seeded, rows

GOOD = {"article_id": "a1", "author_name": "Ana Silva", "text": ON_TOPIC}
RAW = {"headers": {"Content-Type": "application/json"}}
ANALYZE = "/v1alpha1/comments:analyze"
DOCS_TEXT = "friendly greetings from python"  # Perspective's Python sample
PERSPECTIVE = {"comment": {"text": DOCS_TEXT}, "requestedAttributes": {"TOXICITY": {}}}


def comment_cases(s: Seeded) -> list[tuple[str, dict[str, Any], int]]:
    def body(raw: bytes) -> dict[str, Any]:
        return {"content": raw, **RAW}

    return [
        ("oversized text", {"json": {**GOOD, "text": "x" * 100_000}}, 422),
        ("invalid UTF-8", body(b'{"article_id": "a1", "text": "\xff\xfe"}'), 422),
        ("a list", {"json": [GOOD]}, 422),
        ("a string", {"json": "a comment"}, 422),
        ("null", body(b"null"), 422),
        ("empty body", body(b""), 422),
        ("number for text", {"json": {**GOOD, "text": 5}}, 422),
        ("list for author_name", {"json": {**GOOD, "author_name": ["Ana"]}}, 422),
        ("no text", {"json": {"article_id": "a1", "author_name": "Ana Silva"}}, 422),
        ("no article_id", {"json": {"author_name": "Ana Silva", "text": ON_TOPIC}}, 422),
        ("no author_name", {"json": {"article_id": "a1", "text": ON_TOPIC}}, 422),
        ("unknown article", {"json": {**GOOD, "article_id": "zz"}}, 404),
        ("unknown parent", {"json": {**GOOD, "parent_id": "c999"}}, 404),
        ("garbage parent", {"json": {**GOOD, "parent_id": "\u0000;--"}}, 422),
        ("number parent", {"json": {**GOOD, "parent_id": 1}}, 422),
        ("parent on another article", {"json": {**GOOD, "parent_id": s.other_article}}, 422),
        ("long parent", {"json": {**GOOD, "parent_id": "c" * 5000}}, 422),
        ("text twice", body(b'{"article_id":"a1","author_name":"Ana","text":"a","text":"b"}'), 422),
        ("lone surrogate", body(b'{"article_id":"a1","author_name":"Ana","text":"\\ud800"}'), 422),
        ("NaN text", body(b'{"article_id":"a1","author_name":"Ana","text":NaN}'), 422),
        ("nested deep", body(b"[" * 100_000 + b"]" * 100_000), 422),
        ("long number", body(b'{"text":' + b"9" * 5000 + b"}"), 422),
        ("bad email", {"json": {**GOOD, "email": "nope"}}, 422),
        ("form body", {"data": {"article_id": "a1"}}, 422),
        ("misspelt field", {"json": {**GOOD, "parentId": s.published}}, 422),
    ]


def action_cases(s: Seeded) -> list[tuple[str, str, Any, int]]:
    held = f"/api/v1/comments/{s.held}/actions"
    ok = {"action": "approve", "note": "sourced"}
    return [
        ("unknown comment", "/api/v1/comments/c999/actions", ok, 404),
        ("garbage comment id", "/api/v1/comments/%00%ff/actions", ok, 422),
        ("long comment id", "/api/v1/comments/" + "c" * 3000 + "/actions", ok, 422),
        ("edit without text", held, {"action": "edit", "note": "fix"}, 422),
        ("edit with empty text", held, {"action": "edit", "note": "fix", "text": " "}, 422),
        (
            "edit with the same text",
            held,
            {
                "action": "edit",
                "note": "fix",
                "text": "Councillor John Smith took bribes from the tram builders.",
            },
            422,
        ),  # fmt: skip
        ("no note", held, {"action": "approve"}, 422),
        ("huge note", held, {"action": "approve", "note": "n" * 100_000}, 422),
        ("unknown action", held, {"action": "delete", "note": "x"}, 422),
        ("a list", held, ["approve"], 422),
        ("text with reject", held, {"action": "reject", "note": "x", "text": "y"}, 422),
        ("unknown clause", held, {"action": "reject", "note": "x", "clause": "nope"}, 422),
        ("unknown field", held, {**ok, "reason": "x"}, 422),
        (
            "stale status",
            f"/api/v1/comments/{s.published}/actions",
            {**ok, "expected_status": "held"},
            409,
        ),  # fmt: skip
    ]


QUEUE = ["limit=0", "limit=501", "limit=-1", "limit=abc", "limit=1.5", "offset=-1",
         "page=2", "limit=1&limit=2", "clause=zz", "appeal=maybe", "article_id=",
         "article_id=zz"]  # fmt: skip


def assert_error(r: Any, status: int, label: str) -> None:
    assert r.status_code == status, (label, r.status_code, r.text[:300])
    error = r.json()["error"]
    keys = {"code", "message"} | ({"conflict"} if status == 409 else set())  # session 18
    assert r.json() == {"error": error} and set(error) == keys, (label, r.json())
    assert isinstance(error["code"], str) and error["message"].strip(), (label, error)


def test_every_bad_request_is_a_4xx_in_one_shape_and_stores_nothing(seeded: Seeded) -> None:
    api, service = seeded.api, seeded.api.app.state.moderation_service
    before = service.access.read(rows)
    for label, kwargs, status in comment_cases(seeded):
        assert_error(api("POST", "/api/v1/comments", "viewer", **kwargs), status, label)
    for label, path, body, status in action_cases(seeded):
        assert_error(api("POST", path, "moderator", json=body), status, label)
    for query in QUEUE:
        expected = 404 if query == "article_id=zz" else 400
        r = api("GET", f"/api/v1/moderation/queue?{query}", "moderator")
        assert_error(r, expected, query)
    assert_error(api("POST", "/api/v1/articles", "moderator", json={"id": "a9"}), 422, "article")
    assert service.access.read(rows) == before


def perspective(api: Api, body: Any, key: str | None = "viewer", **kw: Any) -> Any:
    query = "" if key is None else f"?key={api.tokens.get(key, key)}"
    if body is not None:
        kw["json"] = body
    return api("POST", ANALYZE + query, None, **kw)


PERSPECTIVE_BAD: list[tuple[str, Any, str | None, int, str]] = [
    ("no key", PERSPECTIVE, None, 403, "PERMISSION_DENIED"),
    ("bad key", PERSPECTIVE, "not-a-key", 400, "INVALID_ARGUMENT"),
    (
        "unknown attribute",
        {**PERSPECTIVE, "requestedAttributes": {"FLIRTATION": {}}},
        "viewer",
        400,
        "INVALID_ARGUMENT",
    ),  # fmt: skip
    ("empty text", {**PERSPECTIVE, "comment": {"text": ""}}, "viewer", 400, "INVALID_ARGUMENT"),
    ("language", {**PERSPECTIVE, "languages": ["fr"]}, "viewer", 400, "INVALID_ARGUMENT"),
    (
        "doNotStore not a flag",
        {**PERSPECTIVE, "doNotStore": "false"},
        "viewer",
        400,
        "INVALID_ARGUMENT",
    ),  # fmt: skip
    ("a list", [PERSPECTIVE], "viewer", 400, "INVALID_ARGUMENT"),
    (
        "number for text",
        {**PERSPECTIVE, "comment": {"text": 5}},
        "viewer",
        400,
        "INVALID_ARGUMENT",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("label", "body", "key", "status", "word"), PERSPECTIVE_BAD)
def test_perspective_refusals_take_googles_shape(
    seeded: Seeded, label: str, body: Any, key: str | None, status: int, word: str
) -> None:
    r = perspective(seeded.api, body, key)
    assert r.status_code == status, (label, r.text[:300])
    error = r.json()["error"]
    assert (error["code"], error["status"]) == (status, word), error
    assert set(error) <= {"code", "message", "status", "details"} and error["message"]


def test_perspective_documented_requests_and_what_they_echo(seeded: Seeded) -> None:
    api, service = seeded.api, seeded.api.app.state.moderation_service
    before = service.access.read(rows)
    # the Python sample: only TOXICITY, no languages (detected), no flags
    got = perspective(api, PERSPECTIVE).json()
    assert set(got) == {"attributeScores", "languages", "detectedLanguages"}
    assert list(got["attributeScores"]) == ["TOXICITY"] and got["languages"] == ["en"]
    score = got["attributeScores"]["TOXICITY"]
    assert score["summaryScore"]["type"] == "PROBABILITY"
    assert score["spanScores"] == [{"begin": 0, "end": len(DOCS_TEXT),
                                    "score": score["summaryScore"]}]  # fmt: skip
    # the curl sample's unquoted keys; doNotStore false stores nothing either
    curl = b'{comment: {text: "friendly greetings from python"},'
    curl += b" requestedAttributes: {TOXICITY:{}} }"
    assert perspective(api, None, content=curl).json() == got
    assert perspective(api, {**PERSPECTIVE, "doNotStore": False}).json() == got
    # spanAnnotations: one span per sentence; clientToken echoed, languages as sent
    text = "Thanks for the report. It was clear."
    sent = {"comment": {"text": text}, "languages": ["en"], "spanAnnotations": True,
            "requestedAttributes": {"TOXICITY": {}}, "clientToken": "ct-1"}  # fmt: skip
    got = perspective(api, sent).json()
    assert got["clientToken"] == "ct-1" and got["languages"] == ["en"]
    spans = got["attributeScores"]["TOXICITY"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(0, 22), (23, 36)]
    assert json.dumps(got["attributeScores"]).count('"PROBABILITY"') == 3
    assert service.access.read(rows) == before
