"""The toxicity heads: the racism and personal-attack checks, each the larger of its embedding
head and the lexicon, with the sentences that name a group also scored alone
(``candidate_sentences``)."""

from __future__ import annotations

import bisect
import re
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.moderate._features import DIM, Features, _round, _span
from mutewatch.moderate._lexicon import (
    _IDENTITY_RE,
    LexiconFindings,
    _may_match,
    bare_mention,
    identity_mentions,
    lexicon,
    lexicon_findings,
    person_names,
    personal_score,
    racist_score,
    text_words,
)
from mutewatch.moderate._spans import sentence_spans
from mutewatch.moderate._textview import text_view
from mutewatch.moderate.models import embedder, heads

# --- sentences scored alone: an attack padded with neutral sentences ----------------------------
#
# A head scores the mean of the comment's token vectors, so neutral sentences around an attack
# dilute it: "Islam is a religion of hate and its followers are savages." scores racist 0.957
# alone and 0.369 after three neutral placeholder sentences, and was published. So the
# sentences of a comment of two or more that name an identity group (the racist clause's
# subject; at most MAX_CANDIDATE_SENTENCES) are also embedded alone, in the same batch as
# the comments, and both heads score them. The best sentence counts discounted by
# SENTENCE_DISCOUNT (logit units: a sentence read without its comment is less sure) when that
# beats the whole comment, and it is the evidence span. Out-of-fold on the non-evaluation
# Fox News, SFU and ETHOS rows (scripts/padding_report.py): 6 of 2,186 non-hateful comments
# (6 of 336 that mention a group) are newly held and 14 of 743 hateful ones newly caught;
# every sentence with no discount would hold 61 and 56, and embed about six times the text.
# checks-5: a sentence that names no group but refers back to the one before ("Many people
# here follow X. They are ...", the padding around both) was missed; a group-naming sentence
# is now also scored with the next one when that one refers back (they, them, their, these,
# those, such, its: FOLLOW_BACK_REFERENCES). Out of fold as above (scripts/padding_report_s8.py,
# 2,186 non-hateful and 743 hateful non-evaluation comments): 0 non-hateful and 0 hateful newly
# held (the real comments' attacks were already caught by their sentences or the lexicon), 95
# more pieces embedded than checks-4's 823. Cutting run-on sentences of more than RUN_ON_WORDS
# words into clauses (SPLIT_RUN_ONS) newly held 4 non-hateful for 3 hateful (3 and 2 at a 0.75
# discount), fragments such as "To all the white people that might read this": off.
# checks-6: an attack run into one long sentence with the padding ("The meeting started at
# nine ..., and <attack>, and the weather stayed mild ...") was scored only as a whole, and
# published. A sentence of more than RUN_ON_WINDOW_WORDS words is now also read in windows of
# RUN_ON_WINDOW clauses (run_on_windows: cut at commas, dashes and conjunctions as
# clause_spans does); those that name a group are scored alone, discounted by RUN_ON_DISCOUNT
# (stricter than a sentence's), at most MAX_RUN_ON_WINDOWS a comment. Out of fold on the same
# 2,186 non-hateful and 743 hateful comments (scripts/runon_report_s9.py; newly held against
# the sentences alone; windows of 1/2/3 clauses, sentences over 25/30/35/40/50 words,
# discounts 0.25-1.0): windows of 1 clause over 30 words at 0.5 newly hold 0 non-hateful and
# 2 hateful, 166 more pieces embedded (over 25 words at 0.5: 3 and 3, session 8's cut at
# 0.25: 4 and 3; over 40: 0 and 1; windows of 2 or 3 clauses catch none); with the shipped
# heads (--per-dataset) Fox News 2 of 1,239 newly held (both labelled hateful), SFU, ETHOS,
# Davidson, Jigsaw and the English Leipzig sentences none. The figures are thin: real
# comments seldom run an attack into one long sentence, and the choice among the variants
# was made on these rows. Still not covered: a personal attack without a group word in such
# a sentence (the lexicon reads plain insults anywhere), and a run-on sentence of 30 words
# or fewer.

SENTENCE_DISCOUNT = 0.25
"""Logit units taken off a sentence's head score (0.837 alone still reaches 0.8, the hold)."""
MAX_CANDIDATE_SENTENCES = 8
"""At most this many sentences of one comment are embedded alone (the first that qualify)."""


RUN_ON_WORDS = 25
"""A sentence of more words is cut into clauses (``clause_spans``) for ``candidate_sentences``."""
CLAUSE_MIN_WORDS = 6
"""A clause of fewer words stays joined to the next ("I am white and I go to ..."): a short
fragment that names a group reads as an attack to the heads more often than a sentence does."""
_CLAUSE_CUT_RE = re.compile(
    r"(?:\s*[,;:\u2013\u2014]\s+|\s+-\s+|\s+)(?:and|but|while|whereas|because|so)\s+|"
    r"\s*[,;:\u2013\u2014]\s+|\s+-\s+",
    re.IGNORECASE,
)
_BACK_REF_RE = re.compile(r"\b(?:they|them|their|theirs|these|those|such|its)\b", re.IGNORECASE)
"""A word that refers back to a group the sentence before named ("They are ...")."""
FOLLOW_BACK_REFERENCES = True
"""Score a group-naming piece together with the next when that one refers back to the group."""
SPLIT_RUN_ONS = False
"""Cut sentences of more than ``RUN_ON_WORDS`` words into clauses first, instead of reading
them whole (off: see above; ``RUN_ON_WINDOWS`` reads long ones in clauses besides)."""


def clause_spans(
    text: str, spans: list[tuple[int, int]], longer_than: int | None = None
) -> list[tuple[int, int]]:
    """``spans`` (sentences) with each of more than ``longer_than`` words (default
    ``RUN_ON_WORDS``) cut into its clauses at commas, semicolons, dashes and conjunctions
    ("and", "but", "because" ...)."""
    limit = RUN_ON_WORDS if longer_than is None else longer_than
    out: list[tuple[int, int]] = []
    for a, b in spans:
        piece = text[a:b]
        if len(piece.split()) <= limit:
            out.append((a, b))
            continue
        start = a
        for m in _CLAUSE_CUT_RE.finditer(piece):
            if len(text[start : a + m.start()].split()) >= CLAUSE_MIN_WORDS:
                out.append((start, a + m.start()))
                start = a + m.end()
        if len(text[start:b].split()) >= CLAUSE_MIN_WORDS or start == a:
            out.append((start, b))
        else:  # a short last clause joins the one before
            out[-1] = (out[-1][0], b)
    return out


RUN_ON_WINDOWS = True
"""Also score windows of ``RUN_ON_WINDOW`` clauses of a sentence of more than
``RUN_ON_WINDOW_WORDS`` words that name a group (``run_on_windows``), at ``RUN_ON_DISCOUNT``."""
RUN_ON_WINDOW = 1
"""Clauses per window of a run-on sentence (one clause alone is the session-8 cut)."""
RUN_ON_WINDOW_WORDS = 30
"""A sentence of more words is a run-on sentence, read in windows (``run_on_windows``)."""
RUN_ON_DISCOUNT = 0.5
"""Logit units taken off a run-on window's head score (a sentence's is ``SENTENCE_DISCOUNT``)."""
MAX_RUN_ON_WINDOWS = 4
"""At most this many run-on windows of one comment are embedded (the first that qualify)."""


def run_on_windows(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows of ``RUN_ON_WINDOW`` neighbouring clauses (``clause_spans``, cut at commas,
    dashes and conjunctions) of each sentence in ``spans`` of more than
    ``RUN_ON_WINDOW_WORDS`` words: an attack run into one long sentence with padding, read
    with the clause next to it. A sentence of no more clauses than that gives none."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if len(text[a:b].split()) <= RUN_ON_WINDOW_WORDS:
            continue
        clauses = clause_spans(text, [(a, b)], longer_than=0)
        k = RUN_ON_WINDOW
        if len(clauses) > k:  # else the window would be the whole sentence
            out += [(clauses[i][0], clauses[i + k - 1][1]) for i in range(len(clauses) - k + 1)]
    return out


def _group_positions(text: str) -> list[int]:
    """Where ``text`` names an identity group (in the comment's view: "Mus1ims" reads
    "Muslims"), as offsets into ``text``; none when no group word stands in it at all."""
    view = text_view(text)
    lx = lexicon()
    if not _may_match(text_words(view.text), lx.group_or_identity_words):
        return []  # no group word at all (most comments): the patterns need not run
    return sorted(
        view.span(m.start(), m.end())[0]
        for rx in (_IDENTITY_RE, lx.rx["group_any"])
        for m in rx.finditer(view.text)
    )


def candidate_sentences(text: str) -> list[tuple[int, int]]:
    """The pieces of ``text`` (two or more) that name an identity group, as spans, each
    followed by itself and the next piece when that one names no group but refers back to
    one ("Muslims moved here. They are ..."): the same words scored without the padding.
    With ``RUN_ON_WINDOWS``, then the windows of run-on sentences that name a group
    (``run_on_windows``; a window is never a whole sentence, so ``piece_discount`` tells).
    A piece that only names groups (``bare_mention``: "Muslims?") is left out.

    The pieces are the sentences, a sentence of more than ``RUN_ON_WORDS`` words cut into its
    clauses with ``SPLIT_RUN_ONS`` (``clause_spans``). Group words are found in the comment's
    view (``text_view``), so a spelling trick does not hide the sentence either.
    """
    spans = sentence_spans(text)
    if SPLIT_RUN_ONS:
        spans = clause_spans(text, spans)
    windows = run_on_windows(text, spans) if RUN_ON_WINDOWS else []
    if len(spans) < 2 and not windows:
        return []
    hits = _group_positions(text)
    if not hits:
        return []
    chosen = _group_pieces(text, spans, hits) if len(spans) >= 2 else []
    named = [(a, b) for a, b in windows if any(a <= h < b for h in hits)]
    # a piece that only names groups ("Muslims?") says nothing of them: not scored alone
    # (its pair with a next piece referring back stays)
    chosen = [(a, b) for a, b in chosen if not bare_mention(text[a:b])]
    named = [(a, b) for a, b in named if not bare_mention(text[a:b])]
    return chosen[:MAX_CANDIDATE_SENTENCES] + named[:MAX_RUN_ON_WINDOWS]


def _group_pieces(
    text: str, spans: list[tuple[int, int]], hits: list[int]
) -> list[tuple[int, int]]:
    """The pieces among ``spans`` holding a group word (``hits``), each followed by itself
    and the next when that one refers back (``FOLLOW_BACK_REFERENCES``)."""
    starts = [a for a, _ in spans]
    found: dict[int, None] = {}
    for at in hits:
        i = bisect.bisect_right(starts, at) - 1
        if i >= 0 and at < spans[i][1]:
            found.setdefault(i, None)
    chosen: list[tuple[int, int]] = []
    for i in sorted(found):
        chosen.append(spans[i])
        if FOLLOW_BACK_REFERENCES and i + 1 < len(spans) and i + 1 not in found:
            a, b = spans[i + 1]
            if _BACK_REF_RE.search(text_view(text[a:b]).text):
                chosen.append((spans[i][0], b))
    return chosen


def piece_discount(text: str, span: tuple[int, int]) -> float:
    """The discount of a candidate piece: ``RUN_ON_DISCOUNT`` for a run-on window (it does
    not run from a sentence's start to a sentence's end), else ``SENTENCE_DISCOUNT``."""
    if not RUN_ON_WINDOWS:
        return SENTENCE_DISCOUNT
    sentences = sentence_spans(text)
    whole = span[0] in {a for a, _ in sentences} and span[1] in {b for _, b in sentences}
    return SENTENCE_DISCOUNT if whole else RUN_ON_DISCOUNT


def _sentence_vectors(f: Features) -> npt.NDArray[np.float32]:
    """The embeddings of ``f``'s candidate sentences (embedded now if ``prepare`` did not)."""
    if f.sentences is None:
        f.sentences = candidate_sentences(f.comment.text)
    if f.sentence_vectors is None or len(f.sentence_vectors) != len(f.sentences):
        texts = [f.comment.text[a:b] for a, b in f.sentences]
        f.sentence_vectors = (
            embedder().embed(texts) if texts else np.zeros((0, DIM), dtype=np.float32)
        )
    return f.sentence_vectors


def _with_sentences(f: Features, head: str, score: float, evidence: dict[str, Any]) -> float:
    """The larger of the comment's head score and its best candidate sentence's, discounted
    (``SENTENCE_DISCOUNT``); the sentence goes into the evidence, and is the span when it
    counts."""
    vectors = _sentence_vectors(f)
    if not len(vectors):
        return score
    h = heads().get(head)
    spans = f.sentences or []
    cut = np.array([piece_discount(f.comment.text, s) for s in spans] or [SENTENCE_DISCOUNT])
    z = vectors.astype(np.float64) @ h.weights + h.bias
    i = int(np.argmax(z - cut))
    a, b = spans[i] if spans else (0, 0)
    counted = 1.0 / (1.0 + float(np.exp(-(float(z[i]) - float(cut[i])))))
    raw = 1.0 / (1.0 + float(np.exp(-float(z[i]))))
    decisive = counted > score
    evidence["sentence"] = {**_span(f.comment.text, a, b), "score": _round(raw),
                            "counted": _round(counted), "decisive": decisive}  # fmt: skip
    if not decisive:
        return score
    evidence["span"] = _span(f.comment.text, a, b)
    return counted


def check_racism(f: Features) -> tuple[float, dict[str, Any]]:
    """Identity attacks on race, ethnicity, national origin or religion.

    The larger of the embedding head and the lexicon (a group term with a dehumanising,
    collective-guilt or stereotype predicate, a control conspiracy, a call for expulsion or
    violence); see ``racist_score``.
    """
    head = float(heads().score("racist", f.vector[None, :])[0])
    groups = identity_mentions(f.comment.text)
    evidence: dict[str, Any] = {"model": "racist", "head": _round(head), "groups_mentioned": groups}
    head = _with_sentences(f, "racist", head, evidence)
    bare = bare_mention(f.comment.text)
    return racist_score(head, _findings(f), groups, evidence, bare), evidence


def check_personal(f: Features) -> tuple[float, dict[str, Any]]:
    """Insults and attacks on people: the larger of the embedding head and the lexicon
    (an insult predicated of someone, addressed to "you", or naming someone)."""
    head = float(heads().score("personal", f.vector[None, :])[0])
    text = text_view(f.comment.text).text
    targets = []
    if re.search(r"\b(you|your|you're|u)\b", text, re.IGNORECASE):
        targets.append("addressee")
    if re.search(r"\b(author|writer|reporter|journalist)\b", text, re.IGNORECASE):
        targets.append("author")
    if person_names(text):
        targets.append("named person")
    evidence: dict[str, Any] = {"model": "personal", "head": _round(head), "targets": targets}
    head = _with_sentences(f, "personal", head, evidence)
    return personal_score(head, _findings(f), evidence, bare_mention(f.comment.text)), evidence


def _findings(f: Features) -> LexiconFindings:
    if f.lexicon is None:
        f.lexicon = lexicon_findings(f.comment.text)
    findings: LexiconFindings = f.lexicon
    return findings
