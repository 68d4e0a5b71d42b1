"""Perspective compatibility: score meaning, attributes, languages, errors, suggestscore.

Requests are the ones Perspective's documentation shows (conversationai/perspectiveapi
2-api/methods.md and quickstart.md; the Python client example's attribute list), sent over
HTTP to create_app through the app of test_web (module-scoped: one app for this module).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from test_web import app, env

from mutewatch.moderate.checks import check_personal, check_racism
from mutewatch.moderate.perspective import analyze

__all__ = ["app", "env"]  # the fixtures used here
ALL = ("TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT")
Env = tuple[Any, dict[str, str]]

# methods.md, "AnalyzeComment example" (TOXICITY and UNSUBSTANTIAL, explicitly English)
METHODS_EXAMPLE = """{
  "comment": {
     "text": "What kind of idiot name is foo? Sorry, I like your name."
  },
  "languages": ["en"],
  "requestedAttributes": {
    "TOXICITY": {},
    "UNSUBSTANTIAL": {}
  }
}"""
# quickstart.md curl example (unquoted keys)
CURL_BODY = """{comment: {text: "what kind of idiot name is foo?"},
       languages: ["en"],
       requestedAttributes: {TOXICITY:{}} }"""
# methods.md, "SuggestCommentScore example" (its trailing comma included)
SUGGEST_EXAMPLE = """{
  "comment": {
    "text": "I guess it comes down a simple choice: Get busy living, or get busy dying."
  },
  "attributeScores": {
    "TOXICITY": {
      "summaryScore": {
        "value": 0
      }
    },
  },
  "communityId": "/forum/movies",
  "clientToken": "comment-53922"
}"""
# Coral Talk's suggestscore body (coral-server services/perspective), moderator approved
CORAL_SUGGEST = {
    "comment": {"text": "Thanks for the clear report on the tram line."},
    "context": {"entries": [{"text": '{"url": "https://example.org/s?commentID=c1", '
                                     '"Coral_comment_id": "c1"}'}]},
    "attributeScores": {"APPROVED": {"summaryScore": {"value": 1}}},
    "languages": ["en"],
    "communityId": "Coral:https://example.org",
    "clientToken": "comment:c1",
}  # fmt: skip
ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"
pytestmark = pytest.mark.anyio


def _all(text: str, **extra: Any) -> dict[str, Any]:
    return {"comment": {"text": text}, "requestedAttributes": {a: {} for a in ALL}, **extra}


def _summaries(response: dict[str, Any]) -> dict[str, float]:
    return {k: v["summaryScore"]["value"] for k, v in response["attributeScores"].items()}


def _google_error(r: httpx.Response, code: int, status: str, words: str) -> None:
    assert r.status_code == code, r.text
    error = r.json()["error"]
    assert set(error) - {"details"} == {"code", "message", "status"}  # details: a bad key
    assert (error["code"], error["status"]) == (code, status)
    assert words in error["message"]


# --- 1. score meaning ------------------------------------------------------------------------


async def test_an_insult_at_no_group_is_no_identity_attack() -> None:
    scores = _summaries(analyze(_all("you are an idiot", languages=["en"])))
    assert set(scores) == set(ALL)
    assert scores["IDENTITY_ATTACK"] <= scores["INSULT"]
    assert scores["TOXICITY"] == max(scores[a] for a in ALL if a != "SEVERE_TOXICITY")
    assert scores["SEVERE_TOXICITY"] <= scores["TOXICITY"]


async def test_attributes_come_from_the_checks() -> None:
    from mutewatch.moderate.checks import CommentInput, Features
    from mutewatch.moderate.models import embedder

    text = "Muslims are vermin and should be deported."  # names a group: no cap
    f = Features(CommentInput("x", text, ""), embedder().embed([text])[0], None)
    scores = _summaries(analyze(_all(text, languages=["en"])))
    assert scores["IDENTITY_ATTACK"] == round(check_racism(f)[0], 4)
    assert scores["INSULT"] == round(check_personal(f)[0], 4)
    severe = max(scores["IDENTITY_ATTACK"] ** 2, scores["THREAT"] ** 2,
                 scores["INSULT"] * scores["PROFANITY"])  # fmt: skip
    assert scores["SEVERE_TOXICITY"] == pytest.approx(severe, abs=2e-4)


async def test_summary_is_at_least_the_worst_span() -> None:
    response = analyze(
        _all("You are an idiot. The budget is fine.", languages=["en"], spanAnnotations=True)
    )
    for name, entry in response["attributeScores"].items():
        spans = [s["score"]["value"] for s in entry["spanScores"]]
        assert len(spans) == 2
        assert entry["summaryScore"]["value"] >= max(spans), name


async def test_span_offsets_count_utf16_code_units() -> None:
    text = "\U0001f600 Fine day. You are an idiot."
    response = analyze({"comment": {"text": text}, "languages": ["en"],
                        "requestedAttributes": {"INSULT": {}}})  # fmt: skip
    spans = response["attributeScores"]["INSULT"]["spanScores"]
    assert spans[-1]["end"] == len(text.encode("utf-16-le")) // 2 == len(text) + 1


# --- 2. attributes, 3. languages (over HTTP, as clients call) ----------------------------------


async def test_documented_requests(client: httpx.AsyncClient, env: Env) -> None:
    key = env[1]["viewer"]
    r = await client.post(f"{ANALYZE}?key={key}", content=CURL_BODY)
    assert r.status_code == 200, r.text
    assert r.json()["languages"] == ["en"] and r.json()["detectedLanguages"] == ["en"]
    r = await client.post(f"{ANALYZE}?key={key}", content=METHODS_EXAMPLE)
    _google_error(r, 400, "INVALID_ARGUMENT", "UNSUBSTANTIAL")
    dropping = METHODS_EXAMPLE.replace(
        '"languages"', '"dropUnsupportedAttributes": true,\n  "languages"'
    )
    r = await client.post(f"{ANALYZE}?key={key}", content=dropping)
    assert r.status_code == 200, r.text
    assert set(r.json()["attributeScores"]) == {"TOXICITY"}
    text = "What kind of idiot name is foo? Sorry, I like your name."
    r = await client.post(f"{ANALYZE}?key={key}", json={**_all(text), "languages": ["en"],
                                                        "spanAnnotations": True})  # fmt: skip
    assert r.status_code == 200, r.text
    assert set(r.json()["attributeScores"]) == set(ALL)


async def test_languages_are_detected_when_not_given(client: httpx.AsyncClient, env: Env) -> None:
    key = env[1]["viewer"]
    german = {"comment": {"text": "Guten Tag, wie geht es Ihnen heute?"},
              "requestedAttributes": {"TOXICITY": {}}}  # fmt: skip
    r = await client.post(f"{ANALYZE}?key={key}", json=german)
    _google_error(r, 400, "INVALID_ARGUMENT", "does not support request languages: de")
    r = await client.post(
        f"{ANALYZE}?key={key}", json={**german, "dropUnsupportedAttributes": True}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"attributeScores": {}, "languages": ["de"], "detectedLanguages": ["de"]}
    r = await client.post(f"{ANALYZE}?key={key}", json={**german, "languages": ["en"]})
    assert r.json()["languages"] == ["en"] and r.json()["detectedLanguages"] == ["de"]


# --- 4. errors, 5. the key header --------------------------------------------------------------


async def test_errors_take_googles_shape_here_only(client: httpx.AsyncClient, env: Env) -> None:
    body = {"comment": {"text": "Have a nice day."}, "languages": ["en"],
            "requestedAttributes": {"TOXICITY": {}}}  # fmt: skip
    _google_error(await client.post(f"{ANALYZE}?key=wrong", json=body), 400,
                  "INVALID_ARGUMENT", "API key not valid")  # fmt: skip
    _google_error(await client.post(ANALYZE, json=body), 403, "PERMISSION_DENIED", "API key")
    key = env[1]["viewer"]
    _google_error(await client.post(f"{ANALYZE}?key={key}", content="{comment: "), 400,
                  "INVALID_ARGUMENT", "not JSON")  # fmt: skip
    bad = {**body, "requestedAttributes": {"TOXICITY": {"scoreThreshold": "high"}}}
    _google_error(await client.post(f"{ANALYZE}?key={key}", json=bad), 400,
                  "INVALID_ARGUMENT", "scoreThreshold")  # fmt: skip
    r = await client.post("/api/v1/comments", content="{",
                          headers={"Authorization": f"Bearer {key}"})  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_input"


async def test_key_in_the_goog_header(client: httpx.AsyncClient, env: Env) -> None:
    body = {"comment": {"text": "Have a nice day."}, "languages": ["en"],
            "requestedAttributes": {"SEVERE_TOXICITY": {}}}  # fmt: skip
    r = await client.post(ANALYZE, json=body, headers={"X-Goog-Api-Key": env[1]["viewer"]})
    assert r.status_code == 200, r.text
    assert r.json()["attributeScores"]["SEVERE_TOXICITY"]["summaryScore"]["value"] < 0.5
    r = await client.post(ANALYZE, json=body, headers={"X-Goog-Api-Key": "wrong"})
    _google_error(r, 400, "INVALID_ARGUMENT", "API key not valid")


# --- 6. suggestscore ---------------------------------------------------------------------------


async def test_suggestscore_as_documented_and_as_coral_sends_it(
    client: httpx.AsyncClient, env: Env
) -> None:
    key = env[1]["viewer"]
    r = await client.post(f"{SUGGEST}?key={key}", content=SUGGEST_EXAMPLE)
    assert r.status_code == 200, r.text
    assert r.json() == {"detectedLanguages": ["en"], "clientToken": "comment-53922"}
    r = await client.post(f"{SUGGEST}?key={key}", json=CORAL_SUGGEST)
    assert r.status_code == 200, r.text
    assert r.json() == {"detectedLanguages": ["en"], "requestedLanguages": ["en"],
                        "clientToken": "comment:c1"}  # fmt: skip
    _google_error(await client.post(f"{SUGGEST}?key=wrong", json=CORAL_SUGGEST), 400,
                  "INVALID_ARGUMENT", "API key")  # fmt: skip


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"attributeScores": {}}, "attributeScores must be a non-empty object"),
        ({"attributeScores": {"TOXICITY": {}}}, "summaryScore, spanScores or both"),
        ({"attributeScores": {"TOXICITY": {"summaryScore": {"value": "high"}}}}, "numeric"),
        ({"attributeScores": {"TOXICITY": {"summaryScore": {"value": 2}}}}, "0..1"),
        ({"attributeScores": {"TOXICITY": {"spanScores": [{"begin": 3, "end": 1,
          "score": {"value": 1}}]}}}, "begin"),
        ({"comment": {"text": ""}}, "comment.text"),
        ({"clientToken": 7}, "clientToken"),
    ],
)  # fmt: skip
async def test_suggestscore_rejects_bad_shapes(
    client: httpx.AsyncClient, env: Env, change: dict[str, Any], words: str
) -> None:
    r = await client.post(f"{SUGGEST}?key={env[1]['viewer']}", json={**CORAL_SUGGEST, **change})
    _google_error(r, 400, "INVALID_ARGUMENT", words)


# --- 7. lone surrogates ------------------------------------------------------------------------


LONE = r'"lone \ud800 surrogate"'  # the JSON escape of a lone surrogate


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/api/v1/comments",
         '{"article_id": "a1", "author_name": "A B", "text": ' + LONE + "}",
         "the comment field `text` is not valid Unicode: a lone surrogate"),
        ("/api/v1/comments/c1/actions",
         '{"action": "edit", "text": "ok", "note": ' + LONE + "}",
         "the action field `note` is not valid Unicode: a lone surrogate"),
        ("/api/v1/articles",
         '{"id": "a9", "title": "t", "body": "b", ' + LONE + ": 1}",
         "the article field `lone \\ud800 surrogate` is not valid Unicode"),
    ],
)  # fmt: skip
async def test_lone_surrogates_are_a_422_naming_the_field(
    client: httpx.AsyncClient, env: Env, path: str, body: str, words: str
) -> None:
    moderator = {"Authorization": f"Bearer {env[1]['moderator']}"}
    r = await client.post(path, headers=moderator, content=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "bad_input" and words in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (ANALYZE, '{"comment": {"text": ' + LONE + '}, "requestedAttributes": {"TOXICITY": {}}}'),
        (SUGGEST, '{"comment": {"text": ' + LONE + '}, "attributeScores": {}}'),
    ],
)
async def test_lone_surrogates_in_perspective_requests(
    client: httpx.AsyncClient, env: Env, path: str, body: str
) -> None:
    r = await client.post(f"{path}?key={env[1]['viewer']}", content=body)
    words = "the request field `comment.text` is not valid Unicode: a lone surrogate"
    _google_error(r, 400, "INVALID_ARGUMENT", words)
