"""A comment prepared for the checks, a clause as checked, and a decision (the data the
checks and the engine pass around), with the helpers every check shares: a score rounded to
``SCORE_DIGITS``, an evidence span, and the companion models (language and names) imported
lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.errors import EngineError
from mutewatch.moderate.models import Embedder

DIM = Embedder.dim  # an embedding's length
SCORE_DIGITS = 4


@dataclass(frozen=True)
class CommentInput:
    """One comment to check."""

    id: str
    text: str
    author_name: str
    article_id: str | None = None
    parent_id: str | None = None


@dataclass(frozen=True)
class Topic:
    """What a comment should be about: the article, its thread and the parent comment."""

    article_id: str
    article: npt.NDArray[np.float32]
    thread: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros((0, DIM), dtype=np.float32)
    )
    parent: npt.NDArray[np.float32] | None = None
    thread_ids: tuple[str, ...] = ()
    """The stored comments' ids of the ``thread`` rows, in their order, when the thread was
    read from the store (empty otherwise)."""


@dataclass
class Features:
    """A comment prepared once for all checks."""

    comment: CommentInput
    vector: npt.NDArray[np.float32]
    topic: Topic | None
    language: Any = None
    foreign_sentences: list[dict[str, Any]] | None = None
    """Sentences of a longer comment written in another language (``foreign_sentences``)."""
    name: Any = None
    lexicon: Any = None
    checked: dict[int, ClauseResult] = field(default_factory=dict)
    """Clauses already checked by ``Moderator.prepare``, by their index in ``checked_for``."""
    checked_for: Any = None
    """The policy whose clauses ``checked`` holds (None: nothing checked yet)."""
    sentences: list[tuple[int, int]] | None = None
    """The sentences the heads also score alone (``candidate_sentences``; None: found when a
    head first needs them; ``[]``: none, the comment as a whole only, for a caller that
    scores each sentence itself, as the Perspective endpoint does)."""
    sentence_vectors: npt.NDArray[np.float32] | None = None
    """Their embeddings, one row each (None: embedded when a head first needs them)."""
    copy_of: str | None = None
    """The earliest comment of the published thread (or the parent) whose text this one
    repeats (the service sets it, from the vectors: ``thread_copies``, and leaves the
    copies out of ``topic``): ``check_relevance`` holds a copy of ``COPY_MIN_WORDS`` words
    or more."""
    span_vectors: tuple[list[tuple[int, int]], npt.NDArray[np.float32]] | None = None
    """The comment's ``scored_spans`` and their embeddings, for the evidence span of a fired
    head clause without a lexicon span (None: not embedded yet). Embedded once, when the first
    such clause fires (``embed_spans``), and shared by every clause that needs it."""


@dataclass(frozen=True)
class ClauseResult:
    """One clause as checked: the JSON shape of the decision's ``clauses`` list."""

    clause: str
    score: float
    threshold: float
    fired: bool
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The contract shape ``{clause, score, threshold, fired, evidence}``."""
        return {
            "clause": self.clause,
            "score": self.score,
            "threshold": self.threshold,
            "fired": self.fired,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Decision:
    """A decision with every clause checked, and the versions that made it."""

    id: str
    decision: str
    clauses: tuple[ClauseResult, ...]
    reason: str
    policy_version: str
    model_versions: dict[str, str]
    embedding: npt.NDArray[np.float32] | None = None

    def as_dict(self, versions: bool = False) -> dict[str, Any]:
        """The contract shape ``{id, decision, clauses, reason}`` (plus versions if asked)."""
        out: dict[str, Any] = {
            "id": self.id,
            "decision": self.decision,
            "clauses": [c.as_dict() for c in self.clauses],
            "reason": self.reason,
        }
        if versions:
            out["policy_version"] = self.policy_version
            out["model_versions"] = dict(self.model_versions)
        return out


# --- the companion models (language and names), imported lazily --------------------------


@cache
def _module(name: str) -> ModuleType:
    import importlib

    try:
        return importlib.import_module(f"mutewatch.moderate.{name}")
    except ImportError as exc:
        raise EngineError(
            f"the moderation check module mutewatch.moderate.{name} cannot be imported: {exc}",
            hint="install the complete mutewatch package (language.py and names.py)",
        ) from exc


def _round(value: float) -> float:
    return round(float(min(1.0, max(0.0, value))), SCORE_DIGITS)


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    """An evidence span: code-point offsets into the comment and the text they cover."""
    return {"start": start, "end": end, "text": text[start:end]}
