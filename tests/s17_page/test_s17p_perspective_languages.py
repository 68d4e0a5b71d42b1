"""The Perspective-compatible endpoint scores a text in the request's supported languages.

Found: ``languages: ["en", "de"]`` was refused ("does not support request languages: de"),
where Perspective scores the text in the languages it supports and refuses a request only
when none of its languages is supported. Now ["en", "de"] (and ["de", "en"]) is scored as
["en"] is, its ``languages`` as sent; ["de", "fr"] is still Perspective's error, and with
``dropUnsupportedAttributes`` still no scores.
"""

from __future__ import annotations

from typing import Any

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate.perspective import analyze

TEXT = "What kind of idiot name is foo?"


def _analyze(languages: list[str], **extra: Any) -> dict[str, Any]:
    body = {"comment": {"text": TEXT}, "languages": languages,
            "requestedAttributes": {"TOXICITY": {}, "INSULT": {}}, **extra}  # fmt: skip
    return analyze(body)


@pytest.mark.parametrize("languages", [["en", "de"], ["de", "en"], ["de", "eng", "fr"]])
def test_a_text_is_scored_in_its_supported_languages(languages: list[str]) -> None:
    got = _analyze(languages)
    assert got["languages"] == languages
    assert got["attributeScores"] == _analyze(["en"])["attributeScores"]
    assert got["attributeScores"]["INSULT"]["summaryScore"]["value"] > 0.5


def test_no_supported_language_is_still_refused() -> None:
    with pytest.raises(InputError, match="does not support request languages: de, fr"):
        _analyze(["de", "fr"])
    assert _analyze(["de", "fr"], dropUnsupportedAttributes=True)["attributeScores"] == {}
