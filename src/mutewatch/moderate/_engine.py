"""The engine: the checks by name (``CHECKS``), and the ``Moderator`` that prepares a batch
once, runs every clause of a policy, and turns the scores into decisions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mutewatch.moderate._companions import (
    _foreign_in_english,
    check_dialect,
    check_false_name,
    check_fantasy_name,
    check_language,
)
from mutewatch.moderate._defamation import check_defamation
from mutewatch.moderate._features import (
    DIM,
    ClauseResult,
    CommentInput,
    Decision,
    Features,
    Topic,
    _module,
    _round,
)
from mutewatch.moderate._lexicon import lexicon_findings
from mutewatch.moderate._relevance import check_relevance, reaction_bank, thread_calibration
from mutewatch.moderate._spans import embed_spans, evidence_span
from mutewatch.moderate._toxicity import candidate_sentences, check_personal, check_racism
from mutewatch.moderate.models import Vectors, embedder, heads

CHECKS_VERSION = "checks-11"
"""checks-11: the irrelevant clause's off-topic probability depends on the thread's length
too (``_relevance.thread_calibration``, weights/relevance_bands.json): on a thread shorter
than the service's 50 comments an article's own comments are held no more often than on a
full one: a new article's on-topic comment is published where it was held, and so is
unrelated chatter until the thread grows (the policy's trade-off).
checks-10: a short generic reaction to the article or the parent ("Thanks!", "Agreed.", "I
agree with this decision.": ``_relevance.reaction``) has its off-topic probability scaled
under the irrelevant clause's hold band.
checks-9: an order to go back to a place or origin ("Go back to Africa", "go back where
you came from", "send them back to Mexico") is a racist lexicon hit, as "go back to your
country" was.
checks-8: a comment that only names groups ("Muslims", "Jews and Muslims":
``bare_mention``) has its racist and personal heads capped below the hold band.
checks-7: a copy of a comment of the article's published thread (``Features.copy_of``, set
by the service from the thread's vectors) gets no thread similarity from it, and one of
``COPY_MIN_WORDS`` words or more is held under ``irrelevant``."""


CheckFn = Callable[[Features], tuple[float, dict[str, Any]]]
CHECKS: dict[str, CheckFn] = {
    "defamation": check_defamation,
    "racism": check_racism,
    "personal_attack": check_personal,
    "relevance": check_relevance,
    "language": check_language,
    "dialect": check_dialect,
    "fantasy_name": check_fantasy_name,
    "false_name": check_false_name,
}
_SPAN_HEADS = {"racism": "racist", "personal_attack": "personal"}
_NEEDS_LANGUAGE = {"language", "dialect"}
_NEEDS_NAME = {"fantasy_name", "false_name"}


# --- the engine ----------------------------------------------------------------------------


class Moderator:
    """Applies one policy to batches of comments."""

    def __init__(self, policy: Any) -> None:
        self.policy = policy
        checks = {c.check for c in policy.clauses}
        self._language = _module("language") if checks & _NEEDS_LANGUAGE else None
        self._names = _module("names") if checks & _NEEDS_NAME else None
        self.model_versions = self._versions()

    def _versions(self) -> dict[str, str]:
        versions = {
            "checks": CHECKS_VERSION,
            "embedding": embedder().version,
            "heads": heads().version,
        }
        if any(c.check == "relevance" for c in self.policy.clauses):
            versions["relevance_bands"] = thread_calibration().version
        if self._language is not None:
            versions["language"] = str(self._language.LANGUAGE_MODEL_VERSION)
        if self._names is not None:
            versions["names"] = str(self._names.NAMES_MODEL_VERSION)
        return versions

    def prepare(
        self,
        comments: Sequence[CommentInput],
        topics: Sequence[Topic | None] | None = None,
        vectors: Vectors | None = None,
    ) -> list[Features]:
        """Embed all texts in one batch (with the sentences that name a group, which the
        heads also score alone: ``candidate_sentences``); run the language, name and lexicon
        checks once each, then the clauses an embedding head scores (``_check_head_clauses``).

        The embedding runs in the background (ONNX Runtime releases the GIL) while the
        language and name models run here, so they cost no extra wall-clock time.
        """
        wanted = any(c.check in _SPAN_HEADS for c in self.policy.clauses)
        sentences = [candidate_sentences(c.text) if wanted else [] for c in comments]
        extra = [c.text[a:b] for c, spans in zip(comments, sentences, strict=True)
                 for a, b in spans]  # fmt: skip
        texts = [c.text for c in comments] if vectors is None else []
        # the candidate sentences ride in the comments' batch (``candidate_sentences``)
        pending = embedder().embed_async(texts + extra) if texts or extra else None
        topics = topics if topics is not None else [None] * len(comments)
        if any(t is not None for t in topics):
            reaction_bank()  # embedded once per process, here: decide() runs in the write lock
        out = []
        for c, t, spans in zip(comments, topics, sentences, strict=True):
            f = Features(comment=c, vector=np.zeros(0, dtype=np.float32), topic=t)
            f.sentences = spans
            if self._language is not None:
                f.language = self._language.detect(c.text)
                f.foreign_sentences = _foreign_in_english(c.text, f.language)
            if self._names is not None:
                f.name = self._names.assess(c.author_name)
            # here, not in decide(): the service decides inside the store's write transaction
            f.lexicon = lexicon_findings(c.text)
            out.append(f)
        done = pending.result() if pending is not None else np.zeros((0, DIM), np.float32)
        vectors = done[: len(texts)] if vectors is None else vectors
        at = len(texts)
        for f, v in zip(out, vectors, strict=True):
            f.vector = v
            n = len(f.sentences or ())
            f.sentence_vectors = done[at : at + n]
            at += n
        self._check_head_clauses(out)
        return out

    def _check_head_clauses(self, features: Sequence[Features]) -> None:
        """Check the clauses an embedding head scores (racist, personal) now.

        They need neither the topic nor the store, but a fired one embeds the comment's
        sentences for its evidence span: here that happens before the service's write
        transaction, not inside it (``decide`` runs there). The sentences of every comment
        whose head clause fired without a lexicon span are embedded in one call, once a
        comment however many clauses fired (``embed_spans``).
        """
        heads_at = [i for i, c in enumerate(self.policy.clauses) if c.check in _SPAN_HEADS]
        scored = [
            {i: self._score_clause(f, self.policy.clauses[i]) for i in heads_at} for f in features
        ]
        embed_spans(
            [f for f, results in zip(features, scored, strict=True)
             if any(_wants_span(r) for r in results.values())]
        )  # fmt: skip
        for f, results in zip(features, scored, strict=True):
            f.checked_for = self.policy
            f.checked = {i: self._with_span(f, r) for i, r in results.items()}

    def check(
        self,
        comments: Sequence[CommentInput],
        topics: Sequence[Topic | None] | None = None,
    ) -> list[Decision]:
        """Decisions for a batch of comments, in order."""
        return [self.decide(f) for f in self.prepare(comments, topics)]

    def decide(self, f: Features) -> Decision:
        """Run every clause on one prepared comment and apply the policy."""
        checked = f.checked if f.checked_for is self.policy else {}
        results = []
        decisive: list[tuple[int, str]] = []
        for i, clause in enumerate(self.policy.clauses):
            result = checked.get(i) or self._check_clause(f, clause)
            results.append(result)
            if result.fired:
                action = result.evidence["action"]
                decisive.append((SEVERITY_OF[action], clause.reason_for(action)))
        decision, reason = _verdict(decisive)
        return Decision(
            id=f.comment.id,
            decision=decision,
            clauses=tuple(results),
            reason=reason,
            policy_version=self.policy.version,
            model_versions=self.model_versions,
            embedding=f.vector,
        )

    @classmethod
    def _check_clause(cls, f: Features, clause: Any) -> ClauseResult:
        """One clause's score, threshold, outcome and evidence (with its action)."""
        result = cls._score_clause(f, clause)
        if _wants_span(result):
            embed_spans([f])
        return cls._with_span(f, result)

    @staticmethod
    def _score_clause(f: Features, clause: Any) -> tuple[Any, ClauseResult]:
        """One clause and its result, without the evidence span a fired head clause still
        wants (``_wants_span``)."""
        raw, evidence = CHECKS[clause.check](f)
        score = _round(raw)
        fired, threshold, action = clause.outcome(score)
        evidence = dict(evidence)
        evidence["action"] = action
        return clause, ClauseResult(clause.clause, score, threshold, fired, evidence)

    @staticmethod
    def _with_span(f: Features, scored: tuple[Any, ClauseResult]) -> ClauseResult:
        """The result, with the sentence its head scores highest as the evidence span when it
        wants one (``evidence_span``; ``f.span_vectors`` embedded by then)."""
        clause, result = scored
        if _wants_span(scored):
            # no lexicon span: the sentence the head scores highest is the evidence
            head = _SPAN_HEADS[clause.check]
            result.evidence["span"] = evidence_span(head, f.comment.text, f.span_vectors)
        return result


def _wants_span(scored: tuple[Any, ClauseResult]) -> bool:
    """Whether a clause fired on an embedding head with no lexicon span: its evidence span is
    then the sentence the head scores highest (``head_spans``)."""
    clause, result = scored
    return result.fired and clause.check in _SPAN_HEADS and "span" not in result.evidence


SEVERITY_OF = {"publish": 0, "hold": 1, "reject": 2}
_DECISION_OF = {0: "publish", 1: "hold", 2: "reject"}


def _verdict(fired: list[tuple[int, str]]) -> tuple[str, str]:
    """The most severe action among fired clauses, and their reasons (policy order)."""
    if not fired:
        return "publish", "The comment meets the terms."
    top = max(level for level, _ in fired)
    reasons = list(dict.fromkeys(r for level, r in fired if level == top))
    if top == 0:
        return "publish", "The comment meets the terms."
    return _DECISION_OF[top], _joined(reasons)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _joined(reasons: list[str]) -> str:
    """Reasons as one text, a sentence that several share said once, at the end: two held
    clauses each promising "A moderator will check it before it is published." say so once."""
    if len(reasons) < 2:
        return " ".join(reasons)
    split = [_SENTENCE_END.split(r) for r in reasons]
    seen = Counter(s for sentences in split for s in dict.fromkeys(sentences))
    shared = [s for s in dict.fromkeys(s for ss in split for s in ss) if seen[s] > 1]
    own = [s for ss in split for s in ss if seen[s] == 1]
    return " ".join(own + shared)
