"""Relevance: off-topic for the article and thread (semantic similarity), or spam and
advertising (``spam_signals``, ``solicitation``)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.errors import EngineError
from mutewatch.moderate._features import DIM, SCORE_DIGITS, Features, _round, _span
from mutewatch.moderate._lexicon import _may_match, _sentence_bounds, text_words
from mutewatch.moderate._textview import TextView, text_view
from mutewatch.moderate.models import RELEVANCE_BANDS_FILE, embedder, heads

# Each pattern starts only where a run of its characters starts (the lookbehinds): a run
# such as "a1a1a1..." or "AbAbAb..." of 10,000 characters was otherwise tried from every
# position, about 2 s per comment.
_URL_RE = re.compile(
    r"https?://\S+|www\.\S+|"
    r"(?<![\w-])[\w-]+\.(?:com|net|org|ru|info|biz|xyz|top|io|shop|online)\b",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+|(?<![\d+])\+?\d[\d\s().-]{8,}\d|"
    r"\b(?:whatsapp|telegram|dm me)\b",
    re.IGNORECASE,
)
_AD_RE = re.compile(
    r"\b(buy now|click here|order now|limited offer|free trial|discount|promo code|"
    r"coupon|earn \$?\d+|make money|work from home|per hour|per week|crypto|bitcoin|"
    r"casino|viagra|cialis|loans?|followers|subscribe|check out my|visit my|my channel|"
    r"best price|cheap|100% free|sign up|giveaway|weight loss)\b",
    re.IGNORECASE,
)


# Commercial solicitation (``solicitation``): the phrases above score a little each, so
# "Buy cheap watches at my shop, visit now!!!" (one of them: "cheap") was published. A sales
# pitch is a call to action aimed at the reader (an imperative opening a clause) together
# with the seller's own shop or site, or with an offer in the same sentence; or a claim of
# easy money (from home, online) or a crypto or trading offer. A news comment that discusses
# buying or selling ("you can buy a Bulova for half that") has no imperative pitch and passes.
_NOW = r"(?:now|today|here|online|asap|below|at|from|via|on|for\s+(?:free|only|just))\b"
_CTA_RE = re.compile(
    r"(?:^|(?<=[.!?,;:()\n\-\u2013\u2014]))\s*(?:(?:please|pls|plz|just|so|now|go|and|then|"
    r"also|simply|hurry)\s*,?\s+)*(?P<cta>buy|grab|get\s+(?:yours|one|it|them)|check\s+out|dm|"
    rf"(?:shop|order|book|apply|register|enroll|sign\s+up|join|download|claim|subscribe)(?=\s+"
    rf"(?:{_NOW}|your|my|our|us|yours|a\s+free|one|to\s+(?:my|our)))|"
    rf"(?:call|text|message|whatsapp|e-?mail|contact|visit|click|invest)(?=\s+(?:{_NOW}|my|our|"
    r"(?:me|us)(?:\s+(?:at|on|now|today|asap)\b|\s*[:-]?\s*\+?\d)|"
    r"the\s+(?:link|site|shop|store|website)|\+?\d|www|https?:|\S+\.com\b)))\b",
    re.IGNORECASE | re.MULTILINE,
)
_OWN_RE = re.compile(
    r"\b(?:my|our)\s+(?:(?:online|new|little|own|web|e-?)\s*)?(?:shop|store|site|website|"
    r"web\s*site|page|channel|business|company|products?|services?|profile|blog|link|bio|"
    r"catalog(?:ue)?|offers?)\b",
    re.IGNORECASE,
)
_OFFER_RE = re.compile(
    r"\b(?:cheap(?:est)?|discount(?:s|ed)?|\d+\s*%\s*off|on\s+sale|for\s+sale|"
    r"(?:big|huge|flash|clearance|holiday|summer|black\s+friday)\s+sale|sale\s+(?:ends|now|today)|"
    r"(?:great|best|amazing|hot|exclusive|daily|unbeatable)\s+deals?|special\s+offers?|"
    r"(?:free|fast|quick|express)\s+(?:shipping|delivery)|shipping\s+(?:from|worldwide|within)|"
    r"best\s+prices?|low(?:est)?\s+prices?|wholesale|promo(?:\s+code)?|coupons?|"
    r"(?:welcome|sign-?up|deposit|free)\s+bonus|bonus\s+code|free\s+trial|"
    r"limited\s+(?:time|offer|stock)|money[-\s]back|in\s+stock|replicas?)\b|"
    r"(?:only|just|from)\s+\$\s?\d[\d,.]*",
    re.IGNORECASE,
)
_MONEY_RE = re.compile(
    r"\b(?:earn|make|making|earning|made|makes|earns)\s+(?:up\s+to\s+|over\s+|an?\s+extra\s+|"
    r"extra\s+)?(?:\$\s?[\d,.]+k?|[\d,.]+\s*(?:dollars|usd|euros?)|(?:real\s+|easy\s+|good\s+)?"
    r"(?:money|cash|income))\b[^.!?\n]{0,60}?(?:\bfrom\s+(?:home|your\s+(?:home|phone|couch|"
    r"laptop))|\bonline\b|\bin\s+(?:my|your)\s+spare\s+time|\bpart[-\s]time\b|"
    r"\bno\s+experience\b|\bask\s+me\s+how\b|\bhere'?s\s+how\b)|"
    r"\b(?:passive\s+income|financial\s+freedom|guaranteed\s+(?:returns?|profits?|income)|"
    r"(?:double|triple)\s+your\s+(?:money|bitcoin|btc|crypto|investment)|trading\s+signals|"
    r"(?:crypto(?:currency)?|bitcoin|forex|binary\s+options?)\s+(?:expert|trader|broker|"
    r"mentor|manager|account\s+manager|investment\s+platform|signals|recovery)|"
    r"recover(?:y\s+of)?\s+(?:your\s+)?(?:lost|stolen|scammed)\s+(?:funds|crypto|bitcoin|money))\b",
    re.IGNORECASE,
)
SOLICITATION_SCORE = 0.85
"""A sales pitch: inside the irrelevant clause's hold band (0.752-0.95), so a human decides."""
SOLICITATION_PUSH_SCORE = 0.96
"""A sales pitch that pushes a link, an address or a phone number: rejected (0.95)."""


def spam_signals(text: str) -> tuple[float, dict[str, Any]]:
    """Advertising and spam: links, contact details, sales phrases and commercial
    solicitation (``solicitation``), read through the view without leetspeak: a zero-width
    space inside "casino" or a link hides nothing."""
    view = text_view(text, leet=False)
    read = view.text
    urls = _URL_RE.findall(read)
    contacts = _CONTACT_RE.findall(read)
    ads = sorted({m.lower() for m in _AD_RE.findall(read)})
    parts = [0.35 * min(len(urls), 2), 0.4 * bool(contacts), 0.35 * min(len(ads), 3)]
    score = 1.0
    for p in parts:
        score *= 1.0 - min(p, 0.95)
    evidence: dict[str, Any] = {"links": urls[:5], "contacts": contacts[:3], "ad_phrases": ads[:5]}
    pitch = solicitation(view, pushed=bool(urls or contacts))
    if pitch is not None:
        evidence["solicitation"] = pitch
        floor = SOLICITATION_PUSH_SCORE if urls or contacts else SOLICITATION_SCORE
        return max(1.0 - score, floor), evidence
    return 1.0 - score, evidence


def solicitation(view: TextView, pushed: bool = False) -> dict[str, Any] | None:
    """The sales pitch in a comment's view, if any: its rule, signals and span (offsets into
    the comment as submitted).

    A pitch is a call to action opening a clause ("Buy", "Visit", "Order", "Check out")
    together with the seller's own shop or site ("my shop") or an offer in the same sentence
    ("cheap", "50% off", "free shipping"), or pushed with a link or phone number (``pushed``);
    the seller's own shop with an offer; or a claim of easy money or a crypto offer alone.
    """
    read = view.text
    words = text_words(read)
    money = _MONEY_RE.search(read) if _may_match(words, _MONEY_WORDS) else None
    if money:
        return _pitch(view, "easy money or crypto offer", [("offer", money)], pushed)
    ctas = list(_CTA_RE.finditer(read))
    own = _OWN_RE.search(read)
    if not ctas and not own:
        return None  # most comments: the offer patterns need not run
    offers = [m for m in _OFFER_RE.finditer(read) if not _NEGATED_RE.search(read, 0, m.start())]
    if own and (ctas or offers):
        found = [("own", own)] + [("call to action", m) for m in ctas[:1]]
        found += [("offer", m) for m in offers[:1]]
        return _pitch(view, "the seller's own shop or site advertised", found, pushed)
    for cta in ctas:
        lo, hi = _sentence_bounds(read, cta.start("cta"), cta.end("cta"))
        same = [m for m in offers if lo <= m.start() < hi]
        if same or (pushed and offers):
            offer = same[0] if same else offers[0]
            found = [("call to action", cta), ("offer", offer)]
            return _pitch(view, "call to action with an offer", found, pushed)
    return None


_MONEY_WORDS = frozenset((
    "earn", "make", "making", "earning", "made", "makes", "earns", "passive", "financial",
    "guaranteed", "double", "triple", "trading", "crypto", "cryptocurrency", "bitcoin",
    "forex", "binary", "recover", "recovery",
))  # fmt: skip
"""The words one of which ``_MONEY_RE`` needs (the first word of each of its phrases)."""
_NEGATED_RE = re.compile(r"\b(?:not|no|never|than|instead\s+of)\s+(?:\w+\s+)?$", re.IGNORECASE)
"""An offer word just after a negation ("Buy American, not cheap imports") offers nothing."""


def _pitch(
    view: TextView, rule: str, found: list[tuple[str, re.Match[str]]], pushed: bool
) -> dict[str, Any]:
    """The evidence of a pitch: each signal's text, and the sentences that hold them (with
    the first link or contact when ``pushed``, in full: its dots end no sentence)."""
    if pushed:
        link = _URL_RE.search(view.text)
        contact = None if link else _CONTACT_RE.search(view.text)
        found = found + ([("link", link)] if link else [("contact", contact)] if contact else [])
    signals = []
    lo, hi = len(view.text), 0
    for kind, m in found:
        a, b = m.span("cta") if "cta" in m.re.groupindex else m.span()
        signals.append({"kind": kind, "text": view.original[slice(*view.span(a, b))]})
        s_lo, s_hi = (a, b) if kind in ("link", "contact") else _sentence_bounds(view.text, a, b)
        lo, hi = min(lo, s_lo), max(hi, s_hi)
    start, end = _trimmed_span(view.text, lo, hi)
    return {"rule": rule, "signals": signals, "span": _span(view.original, *view.span(start, end))}


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the white space at its ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@cache
def _center() -> npt.NDArray[np.float32]:
    """The mean comment vector of the relevance calibration (zeros if absent)."""
    cal = heads().meta.get("relevance", {})
    return np.asarray(cal.get("center", np.zeros(DIM)), dtype=np.float32)


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


FULL_THREAD_CALIBRATION = {"slope": -12.0, "intercept": 2.4}
"""The off-topic calibration when heads.json has none (``meta.relevance``)."""


@dataclass(frozen=True)
class ThreadCalibration:
    """The off-topic calibration of a thread shorter than the service's full one
    (``weights/relevance_bands.json``, scripts/fit_relevance_bands.py): the shipped slope and
    an intercept per anchor length, linear in log(1 + length) between anchors."""

    slope: float
    lengths: tuple[int, ...]
    intercepts: tuple[float, ...]
    fitted_on: dict[str, float]
    """heads.json's ``meta.relevance`` slope and intercept the intercepts were fitted against."""
    version: str

    @property
    def full_length(self) -> int:
        """The length from which heads.json's calibration applies (the last anchor)."""
        return self.lengths[-1]

    def intercept(self, length: int) -> float:
        xs = np.log1p(np.asarray(self.lengths, dtype=np.float64))
        return float(np.interp(np.log1p(length), xs, self.intercepts))


@cache
def thread_calibration() -> ThreadCalibration:
    """The shipped ``relevance_bands.json``, once per process."""
    if not RELEVANCE_BANDS_FILE.exists():
        raise EngineError(
            f"the relevance calibration {RELEVANCE_BANDS_FILE} is missing",
            hint="run scripts/fit_relevance_bands.py, or reinstall mutewatch",
        )
    raw = RELEVANCE_BANDS_FILE.read_bytes()
    data = json.loads(raw)
    anchors = sorted(data["anchors"], key=lambda a: int(a["length"]))
    return ThreadCalibration(
        slope=float(data["slope"]),
        lengths=tuple(int(a["length"]) for a in anchors),
        intercepts=tuple(float(a["intercept"]) for a in anchors),
        fitted_on={k: float(v) for k, v in data["heads_relevance"].items()},
        version=f"relevance_bands@{hashlib.sha256(raw).hexdigest()[:12]}",
    )


def offtopic_probability(similarity: float, thread_length: int | None = None) -> float:
    """P(off-topic | best similarity, thread length), fitted on non-evaluation rows.

    On the service's full thread (``thread_length`` of 50 or more, or None) it is heads.json's
    logistic calibration (fitted against each article's whole thread). The thread similarity
    (the mean of the top 3) falls with the thread's length, so on a shorter thread the same
    on-topic comment reads more off-topic: there the intercept is
    ``thread_calibration()``'s, fitted so that an article's own comments are held no more
    often than on the full thread (a hold means the same at any length; fewer off-topic
    comments are caught on a young article: the policy's table)."""
    cal = heads().meta.get("relevance", FULL_THREAD_CALIBRATION)
    slope, intercept = float(cal["slope"]), float(cal["intercept"])
    if thread_length is not None:
        short = thread_calibration()
        if thread_length < short.full_length:
            slope, intercept = short.slope, short.intercept(thread_length)
    z = slope * similarity + intercept
    return 1.0 / (1.0 + float(np.exp(-z)))


# Similarity alone maps into the doubtful band and never reaches the default reject threshold
# (0.95). Only spam signals (links plus sales phrases) reject. The scaling is monotone, so the
# ranking (ROC-AUC) of off-topic comments is unchanged.
SIMILARITY_CEILING = 0.94


# A short generic reaction to the article or the comment it answers ("Thanks!", "Agreed.",
# "Well said.", "I agree with this decision.", "This is a waste of money.") shares nothing an
# embedding can tie to the article, so similarity alone held it as off-topic (0.78-0.94 on an
# article about a tram line) while "Nice weather today, going fishing." was published (0.51):
# a newsroom's queue would fill with thanks (196 of the 2,139 non-evaluation Fox News and SFU
# comments, 9.2%, have 1-5 words). A comment of at most ``REACTION_MAX_WORDS`` words that is
# close to one of these hand-written reactions (cosine of the embeddings, not centred: at
# least ``REACTION_SIMILARITY``) reacts to what it answers: its off-topic probability is
# scaled by ``REACTION_SCALE``, below the hold band, keeping its order. The bank is embedded
# once per process; the comment's own embedding is the one every check uses. Chosen on the
# non-evaluation rows (own article vs the other 22, the thread the article's other comments):
# ROC-AUC 0.8778 -> 0.8788 on Fox News, 0.9388 -> 0.9397 on SFU; own-article comments of 1-5
# words held 9.4% -> 6.5% and 41% -> 34% (with no thread yet: 93% -> 73% and 69%), the rest
# being short remarks on the topic that no bank knows ("GLOCK", "Feel the bern"); 29 short
# hand-written comments about something else ("Go Lakers!", "Happy birthday Sarah!") come no
# nearer a reaction than 0.50.
GENERIC_REACTIONS = (
    "Thanks!", "Thank you.", "Thank you so much!", "Many thanks.", "Thanks for this article.",
    "Thank you for sharing.", "Thanks for the information.", "Agreed.", "I agree with this.",
    "I agree with this decision.", "I couldn't agree more.", "Totally agree.", "Exactly.",
    "So true.", "Absolutely right.", "You are right.", "Correct.", "Indeed.", "Yes.", "Well said.",
    "Good point.", "Great comment.", "Good question.", "Great article, thanks!", "Good piece.",
    "Great article.", "Well written.", "Excellent reporting.", "Nice article.",
    "Loved this article!", "Interesting article.", "Very interesting.", "Good news.",
    "Great news!", "About time!", "Finally!", "It's about time.", "Good decision.", "Great idea.",
    "Love the idea.", "Well done.", "Bravo!", "Good for them.", "Amen.", "ok", "Okay.", "Sure.",
    "Fair enough.", "Makes sense.", "Right on!", "Yep.", "Wow.", "I disagree.", "I don't agree.",
    "Not true.", "Wrong.", "Nonsense.", "Ridiculous.", "That's ridiculous.", "Bad idea.",
    "Bad decision.", "Terrible idea.", "This is a mistake.", "What a mess.", "Shameful.",
    "Disgraceful.", "Unbelievable.", "Sad.", "Pathetic.", "This is a waste of money.",
    "Waste of money.", "What a waste of taxpayers' money.", "Who cares?", "Why?", "Really?",
    "Source?", "Says who?", "So what?", "Not surprised.", "No way.", "Never.",
    "Don't hold your breath.", "Good luck with that.", "Haha.", "Very nice.", "Nice.", "Great.",
    "True.", "Very true.", "Spot on.", "Perfect.", "Good one.", "Good job.", "Nice work.",
    "Excellent.", "Of course.", "Obviously.", "Me too.", "Me neither.", "Same here.",
    "I don't think so.", "Not really.", "Seriously?", "How so?", "What?", "Oh please.",
    "Give me a break.", "Here we go again.", "What a joke.", "Too little, too late.", "Shocking.",
    "Typical.", "Hmm.", "Great, isn't it?", "Good stuff.", "Great stuff.", "Interesting.",
    "Good read.", "Great writing.", "Cheers!", "Huh?", "What are you talking about?",
    "That's a given.", "Seems so.", "Baloney.", "Hahaha.", "Not me.", "100% correct.",
)  # fmt: skip
"""Short generic reactions to an article or comment (``reaction``)."""
REACTION_MAX_WORDS = 8
"""The most words (``copy_words``) of a comment read as a generic reaction."""
REACTION_SIMILARITY = 0.6
"""The cosine to the nearest of ``GENERIC_REACTIONS`` from which a short comment is one."""
REACTION_SCALE = 0.75
"""The factor on a reaction's off-topic probability: at most 0.75 x 0.94 = 0.705, under the
hold threshold (0.752); monotone, so a reaction nearer the article still ranks lower."""


@cache
def reaction_bank() -> npt.NDArray[np.float32]:
    """The embeddings of ``GENERIC_REACTIONS``, once per process (about 0.5 s the first time:
    ``Moderator.prepare`` asks for them, outside the service's write transaction)."""
    return np.asarray(embedder().embed(list(GENERIC_REACTIONS)), dtype=np.float32)


def reaction(text: str, vector: npt.NDArray[np.float32]) -> dict[str, Any] | None:
    """The generic reaction a short comment (its text and embedding) is close to, if any:
    ``{"like": reaction, "similarity": cosine}``."""
    if copy_words(text) > REACTION_MAX_WORDS:
        return None
    sims = reaction_bank() @ vector.astype(np.float32)
    best = int(np.argmax(sims))
    if float(sims[best]) < REACTION_SIMILARITY:
        return None
    return {"like": GENERIC_REACTIONS[best], "similarity": round(float(sims[best]), SCORE_DIGITS)}


COPY_MIN_WORDS = 6
"""The fewest words of a copy that is held (``Features.copy_of``): the stock replies that
readers repeat on their own ("Agreed.", "Well said", "Source?", "Don't hold your breath.",
"I couldn't agree more.", "Thanks for sharing this article.") have five words or fewer.
Checked on the non-evaluation rows of the Fox News and SFU comments (2,139 comments on 23
articles): of the 13 texts posted twice on one article (the same but for case and spacing),
11 have 6-194 words (reposted opinions) and two have 4 ("So get out, traitor.", "Playing the
race card."); 196 of all comments (9.2%) have 1-5 words (``copy_words``), the short replies
a threshold of 6 leaves alone."""
COPY_SCORE = 0.85
"""A copy of an earlier comment on the article: inside the hold band (0.752-0.95), as a
sales pitch, so a human decides (a reader reposting after an error, or spam)."""
COPY_SIMILARITY = 0.99999
"""The cosine of two comments' embeddings (L2-normalised, not centred) from which one is a
copy of the other (``thread_copies``). Texts the same but for case, runs of white space,
invisible format characters (U+200B) and no-break spaces are the same word pieces to the
uncased MiniLM tokenizer, so the same vector (cosine 1 but for float rounding: at least
0.99999982). Measured on the non-evaluation rows of the Fox News and SFU comments
(``scripts/copies_report_s23.py``): 10,650 such variants of their 2,130 texts all had their
text's word pieces, 1,065 embedded alike to the last bit; the 13 pairs of one text posted
twice on an article scored 0.99999988+; the closest two comments of other word pieces on
one article 0.99976 (the same comment with a straight and a curly apostrophe). Also alike,
as the tokenizer reads them: the spacing around punctuation ("Yu,I" and "Yu, I"), accents,
and whatever follows the first 128 word pieces (``models.MAX_TOKENS``): 10 pairs of those
data's comments on one article, each one comment posted again with a space or apostrophe
changed (4 after punctuation, 6 past the 128th word piece), cosine 0.99999988+."""
_COPY_WORD_RE = re.compile(r"\w+(?:['\u2019]\w+)*")


def copy_words(text: str) -> int:
    """The words of a text, for ``COPY_MIN_WORDS`` ("don't" is one)."""
    return len(_COPY_WORD_RE.findall(text))


def thread_copies(
    vectors: npt.NDArray[np.float32], vector: npt.NDArray[np.float32]
) -> npt.NDArray[np.bool_]:
    """Which rows of ``vectors`` (a thread's embeddings) are copies of the comment embedded
    as ``vector``: cosine at least ``COPY_SIMILARITY``. No store lookup, 50 dot products."""
    if not len(vectors):
        return np.zeros(0, dtype=np.bool_)
    found: npt.NDArray[np.bool_] = (vectors @ vector.astype(np.float32)) >= COPY_SIMILARITY
    return found


def check_relevance(f: Features) -> tuple[float, dict[str, Any]]:
    """Off-topic for the article and thread (semantic similarity), or spam/advertising, or
    a copy of an earlier comment on the article of ``COPY_MIN_WORDS`` words or more (held:
    ``duplicate_of`` names the earlier comment; the service leaves the copies out of the
    thread, whatever the length: ``Features.copy_of``)."""
    spam, evidence = spam_signals(f.comment.text)
    copied = 0.0
    if f.copy_of is not None and copy_words(f.comment.text) >= COPY_MIN_WORDS:
        evidence["duplicate_of"] = f.copy_of
        copied = COPY_SCORE
    sims = topic_similarity(f)
    offtopic = 0.0
    if sims is not None:
        best = max(sims.values())
        offtopic = offtopic_probability(best, len(f.topic.thread) if f.topic else None)
        evidence["similarity"] = sims
        reacts = reaction(f.comment.text, f.vector)
        if reacts is not None:
            evidence["reaction"] = reacts  # a short reaction to the article or its parent
            offtopic *= REACTION_SCALE
        evidence["article_id"] = f.topic.article_id if f.topic else None
    else:
        evidence["similarity"] = None
        evidence["note"] = "no article given: only spam signals were checked"
    evidence["offtopic"] = _round(offtopic)
    evidence["spam"] = _round(spam)
    pitch = evidence.get("solicitation")
    if pitch is not None and spam >= SIMILARITY_CEILING * offtopic:
        evidence["span"] = pitch["span"]  # the sales pitch is the offending span
    return max(spam, SIMILARITY_CEILING * offtopic, copied), evidence
