"""Sentences and evidence spans: a comment's sentences (``sentence_spans``), the pieces embedded
for span scores (``scored_spans``), and each piece's score under a head (``head_spans``,
``embed_spans``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.moderate._features import DIM, Features, _round, _span
from mutewatch.moderate._lexicon import bare_mention
from mutewatch.moderate.models import embedder, heads

TITLE_ABBREVIATIONS = (
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Col", "Capt", "Lt",
    "Sgt", "Rev", "Hon", "Det", "Insp", "Supt", "Cllr",
)  # fmt: skip
"""Titles written with a full stop before a person's name ("Mr. Smith"): that full stop ends
no sentence when a word follows on its line."""
_NAME_DOT = (
    r"(?:\b(?:" + "|".join(TITLE_ABBREVIATIONS) + r")\.(?=[^\S\n]+\w)"
    r"|\b[JS]r\.(?=[^\S\n]+[a-z])"
    r"|(?<![\w.])[A-Z]\.(?=[^\S\n]+[A-Z])"
    r"|\.{2,}(?=[^\S\n]*[a-z]))"
)
"""A full stop inside a sentence: a title's before a word ("Mr. Smith"), "Jr." or "Sr."
before a word in lower case ("John Smith Jr. took"), a single capital's initial before a
capital ("J. Smith", "John F. Smith"; not a letter of "U.S."), and an ellipsis before a word
in lower case ("John Smith... took bribes", a pause; the view reads "…" as "..."), each on
the same line."""
_WRAPPED = r"\n(?=[^\S\n]*[a-z])"
"""A line break before a word in lower case: a sentence wrapped onto the next line ("John
Smith\ntook bribes", as mail clients and narrow text boxes break lines), not a new one."""
_SENTENCE_RE = re.compile(rf"(?:{_NAME_DOT}|{_WRAPPED}|[^.!?\n])+(?:[.!?]+|$)", re.MULTILINE)
"""A sentence: up to its end punctuation, the end of its line or the end of the text.

Without ``re.MULTILINE`` a line that did not end in punctuation ("... took bribes" and a line
break) matched nowhere, since ``$`` only matched at the text's end: it was no sentence at
all, so the defamation check never read it and the span scores left it out. And the full
stop of "Mr." or of an initial ended a sentence, so "Mr. Smith took bribes" was read as "Mr."
and "Smith took bribes", which names nobody the defamation check recognises (published)."""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text, without the white space around them (at
    least one span for non-empty text). Perspective's spans are cut the same way: its
    documented example scores "What kind of idiot name is foo? Sorry, I like your name." in
    the spans [0, 31) and [32, 56), the second one starting at "Sorry", not at the space."""
    spans = [_trimmed(m) for m in _SENTENCE_RE.finditer(text) if m.group(0).strip()]
    return spans or [(0, len(text))]


def _trimmed(m: re.Match[str]) -> tuple[int, int]:
    piece = m.group(0)
    return m.start() + len(piece) - len(piece.lstrip()), m.end() - len(piece) + len(piece.rstrip())


MAX_SCORED_SPANS = 64
"""At most this many pieces of one comment are embedded for span scores (``scored_spans``)."""


def scored_spans(text: str, limit: int = MAX_SCORED_SPANS) -> list[tuple[int, int]]:
    """The sentence spans of ``text``; beyond ``limit`` sentences, runs of neighbours.

    Each span is embedded on its own: a comment of thousands of short sentences ("w1. w2.
    ...", 20 KB) was thousands of embeddings, 10 s of CPU per Perspective request, and as many
    for a fired clause's evidence. Comments of up to ``limit`` sentences keep one span per
    sentence; longer ones get runs of consecutive sentences of about ``len(text) / limit``
    characters each (short enough that the embedder's truncation cuts nothing off), at most
    ``2 * limit + 1`` of them.
    """
    spans = sentence_spans(text)
    if len(spans) <= limit:
        return spans
    budget = -(-len(text) // limit)
    runs = [spans[0]]
    for start, end in spans[1:]:
        if end - runs[-1][0] <= budget:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def head_spans(
    head: str,
    text: str,
    embedded: tuple[list[tuple[int, int]], npt.NDArray[np.float32]] | None = None,
) -> list[dict[str, Any]]:
    """Each sentence's score under one head (``scored_spans``): the offending span(s) of a
    fired clause. ``embedded``: the spans and their vectors when already embedded
    (``Features.span_vectors``); else they are embedded now."""
    spans, vectors = embedded if embedded is not None else _embedded_spans([text])[0]
    scores = heads().score(head, vectors)
    return [
        {**_span(text, a, b), "score": _round(s)} for (a, b), s in zip(spans, scores, strict=True)
    ]


def evidence_span(
    head: str,
    text: str,
    embedded: tuple[list[tuple[int, int]], npt.NDArray[np.float32]] | None = None,
) -> dict[str, Any]:
    """The evidence span of a fired head clause: the sentence the head scores highest
    (``head_spans``), a sentence that only names groups (``bare_mention``: "Muslims.")
    aside when the comment has others. Such a sentence says nothing of the group, and the
    checks never score it alone (``candidate_sentences``); as the span it showed the
    moderator the group's name as what offended ("Muslims. I love my neighbours.": the span
    "Muslims." at racist 0.91, where the comment's own head fired)."""
    spans = head_spans(head, text, embedded)
    said = [s for s in spans if not bare_mention(s["text"])]
    return max(said or spans, key=lambda s: s["score"])


def _embedded_spans(
    texts: Sequence[str], known: Sequence[dict[str, npt.NDArray[np.float32]]] | None = None
) -> list[tuple[list[tuple[int, int]], npt.NDArray[np.float32]]]:
    """The ``scored_spans`` of each text and their embeddings, all in one embedder call;
    a span whose text is in ``known`` (the text's own pieces embedded before, by their text)
    is not embedded again."""
    spans = [scored_spans(t) for t in texts]
    have = known if known is not None else [{} for _ in texts]
    todo = list(
        dict.fromkeys(
            t[a:b] for t, ss, k in zip(texts, spans, have, strict=True)
            for a, b in ss if t[a:b] not in k
        )
    )  # fmt: skip
    done = embedder().embed(todo) if todo else np.zeros((0, DIM), dtype=np.float32)
    row = {piece: i for i, piece in enumerate(todo)}
    out = []
    for t, ss, k in zip(texts, spans, have, strict=True):
        vectors = np.zeros((len(ss), DIM), dtype=np.float32)
        for j, (a, b) in enumerate(ss):
            piece = t[a:b]
            vectors[j] = k[piece] if piece in k else done[row[piece]]
        out.append((ss, vectors))
    return out


def embed_spans(features: Sequence[Features]) -> None:
    """Embed the ``scored_spans`` of each comment of ``features`` not embedded yet, all in one
    embedder call, into ``Features.span_vectors`` (a candidate sentence's vector is reused:
    the same text, embedded by the same model)."""
    todo = [f for f in features if f.span_vectors is None]
    known = [
        {
            f.comment.text[a:b]: v
            for (a, b), v in zip(f.sentences or [], f.sentence_vectors, strict=True)
        }
        if f.sentence_vectors is not None and len(f.sentence_vectors) == len(f.sentences or [])
        else {}
        for f in todo
    ]
    for f, embedded in zip(
        todo, _embedded_spans([f.comment.text for f in todo], known), strict=True
    ):
        f.span_vectors = embedded
