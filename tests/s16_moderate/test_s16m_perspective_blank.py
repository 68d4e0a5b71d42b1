"""A Perspective request whose comment text a reader would see as blank (zero-width spaces,
a NUL, a Hangul filler, a lone combining mark) is refused as an empty comment, as a text of
spaces is, and as the comment service refuses such a text; it used to be scored (TOXICITY
0.372 for three zero-width spaces)."""

from __future__ import annotations

import pytest
from s16m_helpers import Seeded

ANALYZE = "/v1alpha1/comments:analyze"


def analyze(seeded: Seeded, text: str) -> tuple[int, dict[str, object]]:
    key = seeded.api.tokens["viewer"]
    body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["en"]}
    r = seeded.api("POST", f"{ANALYZE}?key={key}", None, json=body)
    return r.status_code, r.json()


@pytest.mark.parametrize(
    "text", ["   ", "\u200b\u200b\u200b", "\x00", "\u3164", "\u0301", "\u2800 \ufe0f"]
)
def test_a_blank_text_is_an_empty_comment(seeded: Seeded, text: str) -> None:
    status, answer = analyze(seeded, text)
    assert status == 400, answer
    assert answer["error"] == {**answer["error"], "code": 400, "status": "INVALID_ARGUMENT"}
    assert "comment.text is empty" in str(answer["error"]["message"])  # type: ignore[index]


@pytest.mark.parametrize("text", ["ok\u200b", "e\u0301", "\u3164a"])
def test_a_visible_letter_beside_them_is_scored(seeded: Seeded, text: str) -> None:
    status, answer = analyze(seeded, text)
    assert status == 200, answer
    assert "TOXICITY" in answer["attributeScores"]  # type: ignore[operator]
