"""The checks behind the policy clauses, and the engine that turns scores into decisions.

Each check scores one prepared comment in 0..1 and returns evidence. The engine prepares a
batch once (one embedding call for all texts, language and name assessments), runs every
clause of the policy, and applies thresholds and actions. Scores are rounded to 4 decimals,
so the same input and policy always give the same decision.

Library use::

    from mutewatch.moderate.checks import CommentInput, Moderator
    from mutewatch.moderate.policy import load_policy
    moderator = Moderator(load_policy())
    [decision] = moderator.check([CommentInput(id="c1", text="Thanks, a clear report.",
                                               author_name="Ana Silva")])
    print(decision.decision, decision.reason)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.errors import EngineError
from mutewatch.moderate.models import Vectors, embedder, heads

CHECKS_VERSION = "checks-1"
SCORE_DIGITS = 4

IDENTITY_TERMS = (
    "black", "blacks", "white", "whites", "african", "africans", "asian", "asians", "arab",
    "arabs", "jew", "jews", "jewish", "muslim", "muslims", "islam", "islamic", "christian",
    "christians", "hindu", "hindus", "sikh", "sikhs", "buddhist", "catholic", "catholics",
    "mexican", "mexicans", "latino", "latinos", "latina", "hispanic", "hispanics", "immigrant",
    "immigrants", "migrant", "migrants", "refugee", "refugees", "chinese", "indian", "indians",
    "native", "natives", "roma", "gypsy", "gypsies", "negro", "negroes", "foreigner",
    "foreigners", "race", "racial", "ethnic", "minority", "minorities",
)  # fmt: skip
_IDENTITY_RE = re.compile(r"\b(" + "|".join(IDENTITY_TERMS) + r")\b", re.IGNORECASE)

_ALLEGATION_RE = re.compile(
    r"\b(stole|steal(?:s|ing)?|thie(?:f|ves)|fraud\w*|embezzl\w*|brib\w*|corrupt\w*|"
    r"criminal\w*|crook\w*|liar|lied|lying|rapist\w*|raped?|molest\w*|p(?:a)?edophile\w*|"
    r"murder\w*|killer|launder\w*|perjur\w*|treason\w*|traitor\w*|cheat\w*|scam\w*|"
    r"extort\w*|blackmail\w*|smuggl\w*|traffick\w*|felon\w*|convicted|indicted|"
    r"abus(?:e|ed|er|es|ing)|assault(?:ed)?|harass\w*|kickbacks?|racketeer\w*|"
    r"paid off|on the take|belongs? in (?:jail|prison)|should be (?:in jail|in prison|"
    r"arrested|locked up)|lock (?:him|her|them) up)\b",
    re.IGNORECASE,
)
_HONORIFIC = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Senator|Rep|Representative|President|Governor|Gov|Mayor|Judge|"
    r"Minister|Secretary|Chancellor|Prime Minister|Sheriff|Chief|Officer|Professor|Prof)\.?"
)
_CAP = r"[A-Z][a-z'’-]+"
_HONORIFIC_RE = re.compile(rf"\b{_HONORIFIC}\s+{_CAP}(?:\s+{_CAP})?")
_RUN_RE = re.compile(rf"\b{_CAP}(?:\s+{_CAP})+")
_STARTERS = {
    "yesterday", "today", "now", "also", "maybe", "perhaps", "clearly", "obviously",
    "honestly", "sadly", "again", "even", "only", "still", "because", "since", "after",
    "before", "while", "although", "meanwhile", "however", "mr", "mrs", "ms", "dear", "hey",
    "hi", "hello", "thanks", "thank", "please", "sorry", "lol", "wow", "ok", "okay",
}  # fmt: skip
_NOT_NAMES = {
    "The", "This", "That", "These", "Those", "They", "There", "Then", "When", "What", "Why",
    "How", "Who", "Where", "And", "But", "Or", "If", "So", "Yes", "No", "Not", "Just", "Well",
    "Oh", "He", "She", "It", "We", "You", "I", "My", "Our", "Your", "His", "Her", "Their",
    "God", "America", "American", "Americans", "United", "States", "Supreme", "Court",
    "Congress", "Senate", "House", "White", "Black", "Lives", "Matter", "News", "Fox",
    "Democrats", "Republicans", "Liberals", "Conservatives", "Muslims", "Christians",
}  # fmt: skip
_SURNAME_AFTER_VERB = re.compile(rf"\b({_CAP})\s+(?:is|was|has|had)\s+(?:a|an|the)?\s*$")

_URL_RE = re.compile(
    r"https?://\S+|www\.\S+|\b[\w-]+\.(?:com|net|org|ru|info|biz|xyz|top|io|shop|online)\b",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s().-]{8,}\d|\b(?:whatsapp|telegram|dm me)\b",
    re.IGNORECASE,
)
_AD_RE = re.compile(
    r"\b(buy now|click here|order now|limited offer|free trial|discount|promo code|"
    r"coupon|earn \$?\d+|make money|work from home|per hour|per week|crypto|bitcoin|"
    r"casino|viagra|cialis|loans?|followers|subscribe|check out my|visit my|my channel|"
    r"best price|cheap|100% free|sign up|giveaway|weight loss)\b",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


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
        default_factory=lambda: np.zeros((0, 384), dtype=np.float32)
    )
    parent: npt.NDArray[np.float32] | None = None


@dataclass
class Features:
    """A comment prepared once for all checks."""

    comment: CommentInput
    vector: npt.NDArray[np.float32]
    topic: Topic | None
    language: Any = None
    name: Any = None


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


# --- the checks ----------------------------------------------------------------------------


def identity_mentions(text: str) -> list[str]:
    """Identity-group terms a text mentions (lower case, in order, unique)."""
    seen: dict[str, None] = {}
    for match in _IDENTITY_RE.finditer(text):
        seen.setdefault(match.group(0).lower(), None)
    return list(seen)


def check_racism(f: Features) -> tuple[float, dict[str, Any]]:
    """Identity attacks on race, ethnicity, national origin or religion (embedding head)."""
    score = float(heads().score("racist", f.vector[None, :])[0])
    return score, {"model": "racist", "groups_mentioned": identity_mentions(f.comment.text)}


def check_personal(f: Features) -> tuple[float, dict[str, Any]]:
    """Insults and attacks on people (embedding head)."""
    score = float(heads().score("personal", f.vector[None, :])[0])
    text = f.comment.text
    targets = []
    if re.search(r"\b(you|your|you're|u)\b", text, re.IGNORECASE):
        targets.append("addressee")
    if re.search(r"\b(author|writer|reporter|journalist)\b", text, re.IGNORECASE):
        targets.append("author")
    if person_names(text):
        targets.append("named person")
    return score, {"model": "personal", "targets": targets}


def person_names(text: str) -> list[dict[str, Any]]:
    """Spans that look like a person's name: an honorific and a name, or a run of 2-3 capitals.

    Leading sentence words ("The", "Yesterday") and group words ("Muslims") are dropped.
    """
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for m in _HONORIFIC_RE.finditer(text):
        found.append({"name": m.group(0), "start": m.start(), "end": m.end()})
        taken.append((m.start(), m.end()))
    for m in _RUN_RE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        words = m.group(0).split()
        while words and (words[0] in _NOT_NAMES or words[0].lower() in _STARTERS):
            words = words[1:]
        while words and words[-1] in _NOT_NAMES:
            words = words[:-1]
        if not 2 <= len(words) <= 3:
            continue
        start = m.start() + m.group(0).index(words[0])
        name = " ".join(words)
        found.append({"name": name, "start": start, "end": start + len(name)})
    return sorted(found, key=lambda p: p["start"])


def check_defamation(f: Features) -> tuple[float, dict[str, Any]]:
    """Allegations of crimes or misconduct against a named person, per sentence."""
    text = f.comment.text
    best: tuple[float, dict[str, Any]] = (0.0, {"allegation": None, "person": None})
    for sent in _SENTENCE_RE.finditer(text):
        allegation = _ALLEGATION_RE.search(sent.group(0))
        if not allegation:
            continue
        people = person_names(sent.group(0))
        single = _SURNAME_AFTER_VERB.search(sent.group(0)[: allegation.start()])
        if people:
            score = 0.85
            person = people[0]["name"]
        elif single and single.group(1) not in _NOT_NAMES:
            score, person = 0.7, single.group(1)
        else:
            score, person = 0.25, None
        if score > best[0]:
            best = (
                score,
                {
                    "allegation": allegation.group(0),
                    "person": person,
                    "span": {"start": sent.start(), "end": sent.end(), "text": sent.group(0)},
                },
            )
    return best


def spam_signals(text: str) -> tuple[float, dict[str, Any]]:
    """Advertising and spam: links, contact details, sales phrases."""
    urls = _URL_RE.findall(text)
    contacts = _CONTACT_RE.findall(text)
    ads = sorted({m.lower() for m in _AD_RE.findall(text)})
    parts = [0.35 * min(len(urls), 2), 0.4 * bool(contacts), 0.35 * min(len(ads), 3)]
    score = 1.0
    for p in parts:
        score *= 1.0 - min(p, 0.95)
    return 1.0 - score, {"links": urls[:5], "contacts": contacts[:3], "ad_phrases": ads[:5]}


@cache
def _center() -> npt.NDArray[np.float32]:
    """The mean comment vector of the relevance calibration (zeros if absent)."""
    cal = heads().meta.get("relevance", {})
    return np.asarray(cal.get("center", np.zeros(384)), dtype=np.float32)


def _centred(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out = vectors - _center()
    norms = np.linalg.norm(out, axis=-1, keepdims=True)
    result: npt.NDArray[np.float32] = out / np.maximum(norms, 1e-12)
    return result


def topic_similarity(f: Features) -> dict[str, float] | None:
    """Similarity of the comment to its article, thread (mean of top 3) and parent.

    Vectors are centred on the mean comment vector first: what every comment shares says
    nothing about the topic.
    """
    if f.topic is None:
        return None
    t = f.topic
    v = _centred(f.vector)
    out = {"article": float(_centred(t.article) @ v)}
    if len(t.thread):
        sims = np.sort(_centred(t.thread) @ v)[::-1][:3]
        out["thread"] = float(sims.mean())
    if t.parent is not None:
        out["parent"] = float(_centred(t.parent) @ v)
    return {k: round(v, SCORE_DIGITS) for k, v in out.items()}


def offtopic_probability(similarity: float) -> float:
    """P(off-topic | best similarity), a logistic calibration fitted on non-evaluation rows."""
    cal = heads().meta.get("relevance", {"slope": -12.0, "intercept": 2.4})
    z = float(cal["slope"]) * similarity + float(cal["intercept"])
    return 1.0 / (1.0 + float(np.exp(-z)))


# Similarity alone maps into the doubtful band and never reaches the default reject threshold
# (0.95): a short comment such as "Good piece." shares nothing an embedding can tie to the
# article, so a human decides. Only spam signals (links plus sales phrases) reject. The
# scaling is monotone, so the ranking (ROC-AUC) of off-topic comments is unchanged.
SIMILARITY_CEILING = 0.94


def check_relevance(f: Features) -> tuple[float, dict[str, Any]]:
    """Off-topic for the article and thread (semantic similarity), or spam/advertising."""
    spam, evidence = spam_signals(f.comment.text)
    sims = topic_similarity(f)
    offtopic = 0.0
    if sims is not None:
        best = max(sims.values())
        offtopic = offtopic_probability(best)
        evidence["similarity"] = sims
        evidence["article_id"] = f.topic.article_id if f.topic else None
    else:
        evidence["similarity"] = None
        evidence["note"] = "no article given: only spam signals were checked"
    evidence["offtopic"] = _round(offtopic)
    evidence["spam"] = _round(spam)
    return max(spam, SIMILARITY_CEILING * offtopic), evidence


def _language_evidence(f: Features) -> dict[str, Any]:
    lang = f.language
    return {
        "language": lang.language,
        "confidence": _round(lang.confidence),
        "english": _round(lang.english),
        "dialect": _round(lang.dialect),
        "detail": lang.evidence,
    }


def check_language(f: Features) -> tuple[float, dict[str, Any]]:
    """Not English. Dialect writing is left to the dialect clause, so it is not double-called."""
    lang = f.language
    evidence = _language_evidence(f)
    if isinstance(lang.evidence, dict) and lang.evidence.get("no_letters"):
        evidence["note"] = "no letters (emoji, digits or punctuation only): no language to judge"
        return 0.0, evidence
    score = max(0.0, 1.0 - lang.english - lang.dialect)
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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (at least one span for non-empty text)."""
    spans = [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(text) if m.group(0).strip()]
    return spans or [(0, len(text))]


def head_spans(head: str, text: str) -> list[dict[str, Any]]:
    """Each sentence's score under one head: the offending span(s) of a fired clause."""
    spans = sentence_spans(text)
    vectors = embedder().embed([text[a:b] for a, b in spans])
    scores = heads().score(head, vectors)
    return [
        {"start": a, "end": b, "text": text[a:b].strip(), "score": _round(s)}
        for (a, b), s in zip(spans, scores, strict=True)
    ]


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
        """Embed all texts in one batch and run the language and name models once each.

        The embedding runs in the background (ONNX Runtime releases the GIL) while the
        language and name models run here, so they cost no extra wall-clock time.
        """
        pending = (
            None if vectors is not None else embedder().embed_async([c.text for c in comments])
        )
        topics = topics if topics is not None else [None] * len(comments)
        out = []
        for c, t in zip(comments, topics, strict=True):
            f = Features(comment=c, vector=np.zeros(0, dtype=np.float32), topic=t)
            if self._language is not None:
                f.language = self._language.detect(c.text)
            if self._names is not None:
                f.name = self._names.assess(c.author_name)
            out.append(f)
        vectors = pending.result() if pending is not None else vectors
        assert vectors is not None
        for f, v in zip(out, vectors, strict=True):
            f.vector = v
        return out

    def check(
        self,
        comments: Sequence[CommentInput],
        topics: Sequence[Topic | None] | None = None,
    ) -> list[Decision]:
        """Decisions for a batch of comments, in order."""
        return [self.decide(f) for f in self.prepare(comments, topics)]

    def decide(self, f: Features) -> Decision:
        """Run every clause on one prepared comment and apply the policy."""
        results = []
        decisive: list[tuple[int, str]] = []
        for clause in self.policy.clauses:
            raw, evidence = CHECKS[clause.check](f)
            score = _round(raw)
            fired, threshold, action = clause.outcome(score)
            evidence = dict(evidence)
            evidence["action"] = action
            if fired and clause.check in _SPAN_HEADS:
                spans = head_spans(_SPAN_HEADS[clause.check], f.comment.text)
                evidence["span"] = max(spans, key=lambda s: s["score"])
            results.append(ClauseResult(clause.clause, score, threshold, fired, evidence))
            if fired:
                decisive.append((SEVERITY_OF[action], clause.reason))
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
    return _DECISION_OF[top], " ".join(reasons)
