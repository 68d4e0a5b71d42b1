"""The Perspective-compatible endpoint reads a language named by its three-letter ISO code
as Perspective does. Perspective's API reference (``AnalyzeCommentRequest.languages`` in
its discovery document, and Google's Python client docs generated from it): "Both ISO and
BCP-47 language codes are accepted. Current Language Restrictions: Only English text
("en") is supported." ``eng`` is English's ISO 639-2/639-3 code; it was refused as an
unsupported language. Another language's code is still Perspective's error, in Google's
error shape. Against a real server."""

from __future__ import annotations

from typing import Any

import pytest
from s17m_helpers import Live

ANALYZE = "/v1alpha1/comments:analyze"
TEXT = "What kind of idiot name is foo?"


def analyze(live: Live, languages: list[str], **extra: Any) -> Any:
    body = {"comment": {"text": TEXT}, "languages": languages,
            "requestedAttributes": {"TOXICITY": {}, "INSULT": {}}, **extra}  # fmt: skip
    return live.client.post(f"{ANALYZE}?key={live.tokens['reader']}", json=body)


@pytest.mark.parametrize("code", ["eng", "ENG", "eng-GB", "eng_US"])
def test_the_three_letter_code_of_english_is_scored_as_en_is(live: Live, code: str) -> None:
    r = analyze(live, [code])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["languages"] == [code] and body["detectedLanguages"] == ["en"]
    english = analyze(live, ["en"]).json()["attributeScores"]
    assert body["attributeScores"] == english
    assert body["attributeScores"]["INSULT"]["summaryScore"]["value"] > 0.5


@pytest.mark.parametrize("code", ["deu", "ger", "en3", "e"])
def test_other_codes_are_perspectives_unsupported_language_error(live: Live, code: str) -> None:
    r = analyze(live, [code])
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith(
        f"Attribute TOXICITY does not support request languages: {code} "
    )
    dropped = analyze(live, [code], dropUnsupportedAttributes=True)
    assert dropped.status_code == 200 and dropped.json()["attributeScores"] == {}
