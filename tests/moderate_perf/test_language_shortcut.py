"""Lingua is skipped only when the fast detectors firmly agree on English, and nothing moves."""

from __future__ import annotations

import pytest

from mutewatch.moderate import language

LONG_ENGLISH = "I think the council should fund the tram line before the next election."
NOT_SURE = (
    "I agree.",  # too short to be sure
    "Ich denke, der Stadtrat sollte die Strassenbahn finanzieren, bevor gewaehlt wird.",
    "Je pense que le conseil devrait financer le tramway avant les prochaines elections.",
    "Das isch doch e Seich, aber i finds guet, dass de Gmeindrat das macht.",
)


def test_firm_english_skips_lingua_and_keeps_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = language.detect(LONG_ENGLISH)
    assert fast.evidence["lingua"] == [] and "lingua_skipped" in fast.evidence
    monkeypatch.setattr(language, "_sure_english", lambda *a: False)
    full = language.detect(LONG_ENGLISH)
    assert full.evidence["lingua"] and "lingua_skipped" not in full.evidence
    assert full.language == fast.language == "en"
    assert abs(full.english - fast.english) <= 0.001
    assert abs(full.dialect - fast.dialect) <= 0.001


@pytest.mark.parametrize("text", NOT_SURE)
def test_lingua_still_asked_when_in_doubt(text: str) -> None:
    r = language.detect(text)
    assert "lingua_skipped" not in r.evidence
    assert r.evidence["lingua"]
