"""The words the patterns know: identity groups (``identity_mentions``), person names
(``person_names``), and the lexicon of plain insults and identity attacks
(``lexicon_findings``) with the racist and personal clause scores built on it."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from mutewatch.errors import EngineError
from mutewatch.moderate._textview import _RLO, TextView, text_view

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
_IDENTITY_WORDS = frozenset(IDENTITY_TERMS)


_HONORIFIC = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Senator|Rep|Representative|President|Governor|Gov|Mayor|Judge|"
    r"Minister|Secretary|Chancellor|Prime Minister|Sheriff|Chief|Officer|Professor|Prof)\.?"
)
_CAP = r"[A-Z][a-z'’-]+(?:[A-Z][a-z'’-]+)?"
"""A capitalised word, one inner capital allowed ("McDonald", "O'Brien", "MacLeod": they were
cut at it, "Mary Mc")."""
_INITIAL = r"(?<![\w.])[A-Z]\.\s+"
"""One initial before a name ("J. Smith", "John F. Smith"); not a letter of "U.S."."""
_HONORIFIC_RE = re.compile(rf"\b{_HONORIFIC}\s+(?:{_INITIAL})?{_CAP}(?:\s+(?:{_INITIAL})?{_CAP})?")
_RUN_RE = re.compile(rf"(?:{_INITIAL}|\b){_CAP}(?:\s+(?:{_INITIAL})?{_CAP})*")
"""Capitalised words, initials among them; a run of two or three words is a name
(``person_names``), so a lone capitalised word is no name."""
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


def identity_mentions(text: str) -> list[str]:
    """Identity-group terms a text mentions (lower case, in order, unique)."""
    seen: dict[str, None] = {}
    for match in _IDENTITY_RE.finditer(text_view(text).text):
        seen.setdefault(match.group(0).lower(), None)
    return list(seen)


# A comment that only names a group ("Muslims", "Jews?", "Black people", "Jews and Muslims")
# says nothing of it, yet the heads read the group word alone as an attack: racist 0.93 and
# personal 0.82 for "Muslims" (rejected), 0.86/0.86 for "Jews", 0.92/0.86 for "Africans";
# Perspective's IDENTITY_ATTACK and TOXICITY followed (over Coral Talk's 0.8). Its heads are
# capped below the hold band, as when the lexicon explains a comment as the other clause;
# the lexicon still scores what it finds. None of the 22,926 non-evaluation rows of
# ../shared/data/moderation is such a comment (session 24), so no real decision moved.
BARE_MENTION_WORDS = frozenset(
    {"the", "a", "an", "and", "or", "nor", "of", "all", "some", "many", "most", "people",
     "persons", "folk", "folks", "community", "communities", "men", "women"}
)  # fmt: skip
"""Words a comment that only names groups may hold beside the group terms."""
PEJORATIVE_TERMS = frozenset({"negro", "negroes", "gypsy", "gypsies"})
"""Group terms that are slurs in themselves: a comment of them is no bare mention."""
BARE_MENTION_NOTE = "only a group named, nothing said of it"


def bare_mention(text: str) -> bool:
    """True when every word of ``text`` is an identity-group term (``PEJORATIVE_TERMS``
    aside) or one of ``BARE_MENTION_WORDS``, with at least one group term."""
    words = _WORD_RE.findall(text_view(text).text.lower())
    return (
        any(w in _IDENTITY_WORDS for w in words)
        and PEJORATIVE_TERMS.isdisjoint(words)
        and all(w in _IDENTITY_WORDS or w in BARE_MENTION_WORDS for w in words)
    )


# --- the lexicon of plain insults and identity attacks ----------------------------------------
#
# The embedding heads rank comments well (ROC-AUC) but give middling scores to short, plain
# insults ("you are an idiot") and to short attacks on a group, which a newsroom expects to be
# caught. The lexicon (data/toxicity_lexicon.json, hand-composed) finds those patterns and
# names the offending span; each clause's score is the larger of the head and the lexicon.
# A pattern inside a sentence that reports or rejects it ("not all ...", "it is racist to say
# ...", "... is a myth") is counter-speech: it is recorded in the evidence and scores nothing.

LEXICON_FILE = Path(__file__).parent / "data" / "toxicity_lexicon.json"
_WORD_CAP = 10  # words before a hit searched for counter-speech cues
_SELF = {"i", "we", "i'm", "im"}
_NON_PERSON = {
    "it", "this", "that", "which", "what", "there", "here", "article", "story", "piece",
    "idea", "plan", "policy", "law", "bill", "report", "paper", "column", "argument",
    "comment", "headline", "everything", "nothing", "thing", "situation", "system", "show",
    "movie", "film", "book", "game", "title", "site", "website", "page", "news", "whole",
    "point", "claim", "theory", "question", "answer", "statement", "speech", "decision",
}  # fmt: skip
_PREFACES = re.compile(
    r"\b(?:i'?m\s+not\s+(?:a\s+|being\s+)?racist|call\s+me\s+(?:a\s+)?racist|"
    r"not\s+to\s+be\s+racist|no\s+offen[cs]e)\b",
    re.IGNORECASE,
)
_BE = r"(?:\s+(?:is|are|was|were|r)|['’](?:s|re))\s+"
_ADV = (
    r"(?:(?:so|such|really|very|just|truly|completely|totally|utterly|incredibly|clearly|"
    r"obviously|simply|all|basically|nothing\s+but|always|still|also|being|born|only|mostly|"
    r"literally|actually|plain|pure|an\s+absolute)\s+)*"
)
_DET = r"(?:(?:a|an|the|one|some|such\s+an?|quite\s+an?)\s+)?"
_COLL = r"(?:(?:bunch|pack|group|load|lot|band|gang|herd|horde|nation|race|people)\s+of\s+)?"
_FREE_MODS = (
    r"(?:(?!(?:of|who|that|which|with|to|not|no|never|than|like|for|from|by|and|or|but|"
    r"in|on|at|as|if|guinea)\b)(?!(?!lying|fucking|freaking|raving|bumbling|blithering|"
    r"drooling|stinking)[a-z]+ing\b)[a-z'’-]+[\s,]+){0,2}?"
)
_NAME = r"(?-i:[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)?)"
# 'go back to <place>': where the order may start (a clause start, then interjections and a
# vocative: "Yo, go back to ...", "You people go back to ..."), advice to "you", the ones
# told ("send them back ...") and what after the place makes it a trip ("... next year")
_CLAUSE_START = r"(?:^|(?<=[.!?;:,\n\"“”(…–—-]))\s*"
_VOCATIVE = (
    r"(?:(?:just|so|now|then|please|pls|plz|well|ok|okay|oh|and)[\s,]+)*"
    r"(?:(?:hey|yo|oi)[\s,]+(?:[\w'’-]+[\s,]+){0,2}?)?"
    r"(?:(?:you|u|ya|y'all|yall)\s+(?:(?:people|guys|lot|all|folks)\s+)?)?(?:just\s+)?"
)
_TO_YOU = (
    r"\b(?:why\s+(?:don'?t|dont|not)\s+(?:you|u|ya|y'all|yall)\s+|(?:you|u|ya|y'all|yall)\s+"
    r"(?:should|need\s+to|ought\s+to|oughta|can|could|better|had\s+better|gotta|must|"
    r"have\s+to)\s+)(?:(?:just|all|all\s+just)\s+)?"
)
_SENT = (
    r"(?:them|'em|em|him|her|you|u|y'all|yall|these\s+people|those\s+people|the\s+lot|"
    r"them\s+all|all\s+of\s+them|every\s+(?:last\s+)?one\s+of\s+them)\s+"
    r"(?:(?:all|right|straight|the\s+hell|damn)\s+)*"
)
_ORIGIN = (
    r"(?:(?:where|wherever)\s+(?:you|u|ya|y'all|yall|they|he|she|your\s+\w+|their\s+\w+)"
    r"\s+(?:(?:came|come|crawled|crawl)\s+(?:out\s+)?from|belongs?|are\s+from|were\s+born)|"
    r"(?:from\s+)?whence\s+(?:you|they|he|she)\s+came)\b"
)
_WHY_DONT = re.compile(
    r"\bwhy\s+(?:don'?t|dont|not)\s+(?:you|u|ya|y'all|yall|they)(?:\s+just)?\s*$"
)
_CONDITION = re.compile(r"\b(?:if|unless|when|since|because|as\s+long\s+as)\b[^,;:]*[,;:]")
_ORDER_RULES = frozenset(
    {"national origin: 'go back to your country'", "national origin: 'go back to <place>'",
     "national origin: 'send them back to <place>'",
     "national origin: 'go back where you came from'"}
)  # fmt: skip
_TRAVEL_AFTER = (
    r"\s+(?:city|next\b|someday|some\s+day|sometime|one\s+day|again\b|"
    r"on\s+(?:vacation|holiday)|for\s+(?!good\b))"
)


_WORD_RE = re.compile(r"\w+")
# the only non-ASCII characters that re.IGNORECASE matches to ASCII letters (İ ı ſ K)
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")


def _first_words(terms: Sequence[str]) -> frozenset[str]:
    """The first word (``\\w+`` run) of each term, lower case."""
    return frozenset(m.group(0).lower() for t in terms if (m := _WORD_RE.match(t)))


def text_words(text: str) -> frozenset[str] | None:
    """The lower-case words of a text, to rule out patterns whose terms it cannot match.

    None when the text holds a character that re.IGNORECASE matches to an ASCII letter
    though ``lower()`` does not turn it into one ("ſ" matches "s"): then no pattern is
    ruled out.
    """
    if not text.isascii() and not _FOLDS_TO_ASCII.isdisjoint(text):
        return None
    return frozenset(_WORD_RE.findall(text.lower()))


def _may_match(words: frozenset[str] | None, firsts: frozenset[str]) -> bool:
    """False only when no term starting with one of ``firsts`` can match the text.

    Every lexicon term starts and ends with a word character and every pattern puts a word
    boundary or white space around it, so a match starts a word of the text that equals the
    term's first word.
    """
    return words is None or not words.isdisjoint(firsts)


def _alt(words: Sequence[str]) -> str:
    """One regex alternation of phrases, longest first, spaces matching any whitespace."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


@dataclass(frozen=True)
class LexiconHit:
    """One lexicon pattern found in a comment: the clause, its score and its span."""

    clause: str
    score: float
    rule: str
    start: int
    end: int
    text: str
    terms: tuple[tuple[str, str], ...] = ()
    read_as: str | None = None
    """How the patterns read the span, when that differs from its text ("1d10t": idiot)."""
    countered: dict[str, Any] | None = None
    """The counter-speech entry when a cue sets the hit aside (``Lexicon.countered``)."""

    def evidence(self) -> dict[str, Any]:
        """The JSON evidence: rule, the matched terms and the offending span."""
        out: dict[str, Any] = {"rule": self.rule, "score": self.score}
        out.update(dict(self.terms))
        out["span"] = {"start": self.start, "end": self.end, "text": self.text}
        if self.read_as is not None:
            out["span"]["read_as"] = self.read_as
        return out

    def in_comment(self, view: TextView) -> LexiconHit:
        """This hit, found in ``view``, with its span in the comment as submitted."""
        if view.origin is None:
            return self
        start, end = view.span(self.start, self.end)
        text = view.original[start:end]
        read_as = self.text if self.text != text else None
        return replace(self, start=start, end=end, text=text, read_as=read_as)


class Lexicon:
    """The compiled patterns of ``data/toxicity_lexicon.json``."""

    def __init__(self, path: Path = LEXICON_FILE) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EngineError(
                f"the moderation lexicon {path} cannot be read: {exc}",
                hint="reinstall mutewatch, or restore the file from the repository",
            ) from exc
        self.version = str(data["version"])
        self.scores: dict[str, float] = {k: float(v) for k, v in data["scores"].items()}
        self.rx: dict[str, re.Pattern[str]] = {}
        self._compile_personal(data["personal"])
        self._compile_racist(data["racist"])
        self._compile_counter(data["counter"])
        p, r = data["personal"], data["racist"]
        self.group_words = _first_words(r["groups_plural"] + r["groups_singular"])
        self.group_or_identity_words = self.group_words | _IDENTITY_WORDS
        self.insult_words = _first_words(
            p["insult_nouns_strong"] + p["insult_nouns_mild"] + p["insult_adjectives_strong"]
            + p["insult_adjectives_mild"] + p["dehumanising_person"]
        )  # fmt: skip

    def _add(self, sources: dict[str, str]) -> None:
        self.rx.update({k: re.compile(v, re.IGNORECASE) for k, v in sources.items()})

    def _compile_personal(self, p: dict[str, Any]) -> None:
        self.strong_nouns = {w.lower() for w in p["insult_nouns_strong"]}
        self.strong_adjs = {w.lower() for w in p["insult_adjectives_strong"]}
        self.not_names = set(p["not_person_names"]) | _NOT_NAMES
        nouns = _alt(p["insult_nouns_strong"] + p["insult_nouns_mild"])
        thing_like = {"trash", "garbage", "joke", "disgrace", "embarrassment", "hack", "hacks"}
        self.thing_like = thing_like
        self.person_subjects = {
            t.split()[-1].lower() for t in p["person_targets"] if t.split()[0] != "your"
        } - {"they", "them", "people", "everyone", "everybody", "anyone", "anybody", "him", "her"}
        person_nouns = _alt(
            [w for w in p["insult_nouns_strong"] + p["insult_nouns_mild"] if w not in thing_like]
        )
        adjs = _alt(p["insult_adjectives_strong"] + p["insult_adjectives_mild"])
        mods = rf"(?:{_alt(p['modifiers'])}[\s,]+(?:and\s+)?){{0,3}}"
        targets = _alt(p["person_targets"])
        self._add(
            {
                "noun_pred": rf"{_BE}{_ADV}{_DET}{_COLL}{_FREE_MODS}(?P<insult>{nouns})\b",
                "vocative": rf"\byou\s+{_COLL}{mods}(?P<insult>{person_nouns})\b",
                "reference": r"\b(?:this|that|these|those|what\s+an?|what\s+a\s+bunch\s+of|"
                rf"such\s+an?|bunch\s+of|another)\s+{mods}(?P<insult>{person_nouns})\b",
                "adj_pred": rf"(?:\b(?P<target>{targets})|(?P<name>\b{_NAME}))"
                rf"(?:{_BE}|\s+(?:look|looks|sound|sounds|seem|seems)\s+){_ADV}"
                rf"(?:an?\s+)?(?P<insult>{adjs})\b",
                "adj_question": rf"\b(?:are|r)\s+(?:you|u)\s+{_ADV}(?P<insult>{adjs})\b",
                "the_reference": rf"\bthe\s+{mods}(?P<insult>{person_nouns})\s+(?:who|that|in|at|"
                r"on|from|behind|running|writing)\b",
                "dehumanised": rf"\b(?P<target>{targets}){_BE}{_ADV}{_DET}{_COLL}{_FREE_MODS}"
                rf"(?P<insult>{_alt(p['dehumanising_person'])})\b",
            }
        )

    def _compile_racist(self, r: dict[str, Any]) -> None:
        groups = _alt(r["groups_plural"])
        singular = _alt(r["groups_singular"])
        self.dehumanising = {w.lower() for w in r["dehumanising"]}
        self.guilt = {w.lower() for w in r["collective_guilt"]}
        self.stereotype = {w.lower() for w in r["stereotype"]}
        self.violent_should = set(r["violent_predicates"])
        self.invasion = {w.lower() for w in r["invasion_verbs"]}
        preds = _alt(
            r["dehumanising"] + r["collective_guilt"] + r["stereotype"] + sorted(self.strong_nouns)
        )
        quant = (
            r"(?:(?:all|most|these|those|the|many|so\s+many|all\s+the|all\s+of\s+the|"
            r"every\s+one\s+of\s+the|you)\s+)?"
        )
        some = r"(?:(?:all|every\s+one\s+of|all\s+of)\s+)?"
        self._add(
            {
                "group_pred": rf"\b{quant}(?P<group>{groups}){_BE}{_ADV}{_DET}{_COLL}"
                rf"{_FREE_MODS}(?P<pred>{preds})\b",
                "every_pred": rf"\b(?:every|each|any)\s+(?P<group>{singular}){_BE}{_ADV}{_DET}"
                rf"{_FREE_MODS}(?P<pred>{preds})\b",
                "conspiracy": rf"\b(?P<group>{groups})\s+(?:(?:secretly|really|basically|still|"
                rf"already|all|now|completely|totally)\s+)*(?P<pred>"
                rf"{_alt(r['conspiracy_verbs'])})\s+(?:(?:the|all\s+the|our|most\s+of\s+the|"
                rf"all\s+of\s+the|this|every)\s+)?(?:[a-z]+\s+)?"
                rf"(?:{_alt(r['conspiracy_objects'])})\b",
                "expel": rf"\b(?P<pred>{_alt(r['expulsion_verbs'])})\s+{some}"
                rf"(?:(?:the|these|those|this|our)\s+)?(?:[a-z]+\s+)?(?P<group>{groups})\s+"
                r"(?:[a-z]+\s+)?(?:back|out|home)\b",
                "remove": rf"\b(?P<pred>{_alt(r['removal_verbs'])})\s+{some}"
                rf"(?:(?:the|these|those)\s+)?(?P<group>{groups})\b",
                "should": rf"\b(?P<group>{groups})\s+(?:should|must|need\s+to|ought\s+to|"
                rf"have\s+to|deserve\s+to)\s+(?:all\s+)?(?P<pred>"
                rf"{_alt(r['should_predicates'])})\b",
                "invade": rf"\b(?P<group>{groups})\s+(?:are\s+|were\s+)?(?:[a-z]+\s+)?"
                rf"(?P<pred>{_alt(r['invasion_verbs'] + r['harm_verbs'])})\b",
                "anaphoric": rf"\bthey{_BE}{_ADV}{_DET}{_COLL}{_FREE_MODS}"
                rf"(?P<pred>{_alt(r['dehumanising'])})\b",
                "group_any": rf"\b(?:{groups}|{singular})\b",
                "go_back": r"\bgo\s+back\s+to\s+(?:your|their|ur)\s+(?:own\s+)?(?:\w+\s+)?"
                r"(?:country|countries|homeland|land|jungle|desert|village|continent)\b",
            }
        )
        self._compile_go_back(r)

    def _compile_go_back(self, r: dict[str, Any]) -> None:
        """'Go back to Africa', 'go back where you came from', 'send them back to Mexico':
        told to a person or a group, not said of one's own travel ("I want to go back to
        Africa", "we went back to Mexico", "go back to the article" name no one or no place).
        """
        place = rf"(?P<place>{_alt(r['origin_places'])})\b(?!{_TRAVEL_AFTER})"
        back = r"(?:right\s+|straight\s+)?back\s+(?:home\s+)?"
        self._add(
            {
                # an order (a clause starting with the verb, after a vocative or "you"), or
                # advice to "you": the speaker's own plans ("I want to go back") never match
                "go_back_place": rf"(?:{_CLAUSE_START}{_VOCATIVE}|{_TO_YOU})"
                rf"(?P<pred>(?:go|get|fuck\s+off|piss\s+off|swim|crawl)\s+{back}to)\s+{place}",
                "go_back_origin": rf"\b(?P<pred>(?:(?:go|get|fuck\s+off|piss\s+off|swim|crawl)\s+|"
                rf"(?:send|ship|deport|kick|boot)\s+(?:[\w'’]+\s+){{1,3}}?){back}(?:to\s+)?"
                rf"){_ORIGIN}",
                "send_back_place": rf"\b(?P<pred>(?:send|ship|deport|kick|boot|fly)\s+"
                rf"{_SENT}{back}to)\s+{place}",
                "take_back_place": r"\b(?P<pred>(?:take|get|drag|haul|move)\s+(?:your|ur|yo)\s+"
                r"(?:[\w'’-]+\s+){0,3}?(?:ass|asses|butt|butts|behind|self|selves)\s+"
                rf"{back}to)\s+{place}",
            }
        )

    def _compile_counter(self, c: dict[str, Any]) -> None:
        self.counter_before = {w.lower() for w in c["before"]}
        self.counter_multi: list[str] = [str(w).lower() for w in c["before"] if " " in w]
        self.endorsers = {w.lower() for w in c["endorsers"]}
        self.counter_after = re.compile(rf"^[\s,\"'”’]*(?:{_alt(c['after'])})\b", re.IGNORECASE)

    def countered(self, text: str, start: int, end: int, order: bool = False) -> str | None:
        """The cue that makes a hit counter-speech (reported, negated, rejected), if any.

        An ``order`` ("go back to ...") is read without its condition and "why don't you":
        the "don't" of "If you don't like it, go back ..." rejects nothing."""
        lo, hi = _sentence_bounds(text, start, end)
        before = _PREFACES.sub(" ", text[lo:start]).lower()
        if order:
            before = _WHY_DONT.sub(" ", _CONDITION.sub(" ", before))
        words: list[str] = re.findall(r"[a-z'’-]+", before)[-_WORD_CAP:]
        for i, word in enumerate(words):
            w = word.replace("’", "'")
            if w in self.counter_before or w.endswith("n't"):
                previous = words[i - 1] if i else ""
                if previous in self.endorsers:
                    continue
                return word
        tail = " ".join(words)
        for phrase in self.counter_multi:
            if phrase in tail:
                return phrase
        after = self.counter_after.match(text[end:hi])
        return after.group(0).strip(" ,\"'”’") if after else None


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence that holds text[start:end] (sentences end at . ! ? or a line break)."""
    lo = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return lo, min(ends) + 1 if ends else len(text)


@cache
def lexicon() -> Lexicon:
    """The process-wide compiled lexicon."""
    return Lexicon()


@dataclass(frozen=True)
class LexiconFindings:
    """The lexicon hits of one comment, per clause, and the counter-speech it set aside."""

    racist: tuple[LexiconHit, ...]
    personal: tuple[LexiconHit, ...]
    countered: tuple[dict[str, Any], ...]

    @staticmethod
    def best(hits: tuple[LexiconHit, ...]) -> LexiconHit | None:
        """The highest-scoring hit (the first in the text on ties)."""
        return max(hits, key=lambda h: (h.score, -h.start)) if hits else None


def _hit(
    clause: str,
    score: float,
    rule: str,
    m: re.Match[str],
    text: str,
    start: int | None = None,
    **terms: str,
) -> LexiconHit:
    """A hit spanning the match (or from ``start``), leading spaces and punctuation dropped."""
    start, end = m.start() if start is None else start, m.end()
    while start < end and not text[start].isalnum():
        start += 1
    return LexiconHit(
        clause, score, rule, start, end, text[start:end],
        tuple((k, v.lower()) for k, v in terms.items()),
    )  # fmt: skip


def _racist_hits(lx: Lexicon, text: str, words: frozenset[str] | None) -> list[LexiconHit]:
    """The racist patterns' hits; ``words`` (``text_words``) rules out the group patterns."""
    hits: list[LexiconHit] = []
    if _may_match(words, lx.group_words):
        hits += _group_hits(lx, text)
    for m in lx.rx["go_back"].finditer(text):
        hits.append(_hit("racist", lx.scores["go_back"],
                         "national origin: 'go back to your country'", m, text))  # fmt: skip
    if not _may_match(words, frozenset({"back"})):  # every order below says "back"
        return hits
    for key, rule in (
        ("go_back_place", "national origin: 'go back to <place>'"),
        ("send_back_place", "national origin: 'send them back to <place>'"),
        ("take_back_place", "national origin: 'go back to <place>'"),
    ):
        for m in lx.rx[key].finditer(text):
            hits.append(_hit("racist", lx.scores["go_back"], rule, m, text,
                             start=m.start("pred"), place=m["place"]))  # fmt: skip
    for m in lx.rx["go_back_origin"].finditer(text):
        hits.append(_hit("racist", lx.scores["go_back"],
                         "national origin: 'go back where you came from'", m, text,
                         start=m.start("pred")))  # fmt: skip
    return hits


def _group_hits(lx: Lexicon, text: str) -> list[LexiconHit]:
    """The racist patterns that name a group (all but 'go back to your country')."""
    sc = lx.scores
    hits: list[LexiconHit] = []
    for m in list(lx.rx["group_pred"].finditer(text)) + list(lx.rx["every_pred"].finditer(text)):
        pred = re.sub(r"\s+", " ", m.group("pred").lower())
        if pred in lx.dehumanising:
            rule, score = "group + dehumanising predicate", sc["group_dehumanising"]
        elif pred in lx.guilt:
            rule, score = "group + collective-guilt predicate", sc["group_collective_guilt"]
        elif pred in lx.stereotype:
            rule, score = "group + demeaning stereotype", sc["group_stereotype"]
        else:
            rule, score = "group + insult", sc["group_insult"]
        hits.append(_hit("racist", score, rule, m, text, group=m["group"], predicate=pred))
    for m in lx.rx["conspiracy"].finditer(text):
        hits.append(_hit("racist", sc["group_conspiracy"], "group + control conspiracy", m,
                         text, group=m["group"], predicate=m["pred"]))  # fmt: skip
    for m in lx.rx["should"].finditer(text):
        pred = re.sub(r"\s+", " ", m["pred"].lower())
        violent = pred in lx.violent_should
        score = sc["group_violence"] if violent else sc["group_expulsion"]
        rule = "group + call for violence" if violent else "group + call for expulsion"
        hits.append(_hit("racist", score, rule, m, text, group=m["group"], predicate=pred))
    for pattern, key, rule in (
        (lx.rx["expel"], "group_expulsion", "call for expulsion of a group"),
        (lx.rx["remove"], "group_violence", "call for violence against a group"),
    ):
        for m in pattern.finditer(text):
            hits.append(_hit("racist", sc[key], rule, m, text, group=m["group"],
                             predicate=m["pred"]))  # fmt: skip
    for m in lx.rx["invade"].finditer(text):
        pred = re.sub(r"\s+", " ", m["pred"].lower())
        key = "group_invasion" if pred in lx.invasion else "group_harm"
        hits.append(_hit("racist", sc[key], "group + invasion or harm verb", m, text,
                         group=m["group"], predicate=pred))  # fmt: skip
    for m in lx.rx["anaphoric"].finditer(text):
        group = lx.rx["group_any"].search(text, max(0, m.start() - 300), m.start())
        if group:
            hits.append(_hit("racist", sc["group_anaphoric"], "group, then dehumanising 'they'",
                             m, text, group=group.group(0), predicate=m["pred"]))  # fmt: skip
    return hits


def _subject_start(text: str, start: int, words: int = 4) -> int:
    """Where the subject of a predicate ending at ``start`` begins: at most ``words`` words
    back, within the sentence."""
    lo, _ = _sentence_bounds(text, start, start)
    found = [m.start() for m in re.finditer(r"\S+", text[lo:start])]
    return lo + found[-words] if len(found) >= words else lo


def _subject_words(text: str, start: int) -> list[str]:
    lo, _ = _sentence_bounds(text, start, start)
    return re.findall(r"[a-z'’]+", text[lo:start].lower())[-2:]


def _personal_hits(
    lx: Lexicon, text: str, racist: list[LexiconHit], words: frozenset[str] | None
) -> list[LexiconHit]:
    """The insult patterns' hits outside racist hits; ``words`` may rule them all out."""
    if not _may_match(words, lx.insult_words):
        return []
    sc = lx.scores
    hits: list[LexiconHit] = []

    def noun_score(word: str, strong: str, mild: str) -> float:
        return sc[strong] if re.sub(r"\s+", " ", word.lower()) in lx.strong_nouns else sc[mild]

    for m in lx.rx["noun_pred"].finditer(text):
        subject = _subject_words(text, m.start())
        if not subject or subject[-1] in _SELF or subject[-1] in _NON_PERSON:
            continue
        insult = re.sub(r"\s+", " ", m["insult"].lower())
        if insult in lx.thing_like and subject[-1] not in lx.person_subjects:
            continue  # "the program is trash" judges a thing; "you are trash" a person
        score = noun_score(m["insult"], "insult_noun_strong", "insult_noun_mild")
        hits.append(_hit("personal", score, "insult noun predicated of someone", m, text,
                         start=_subject_start(text, m.start()), insult=m["insult"]))  # fmt: skip
    for name, rule, strong, mild in (
        ("vocative", "insult addressed to 'you'", "insult_noun_strong", "insult_noun_mild"),
        ("reference", "insult naming someone", "insult_reference_strong", "insult_reference_mild"),
        (
            "the_reference",
            "insult naming someone",
            "insult_reference_strong",
            "insult_reference_mild",
        ),
        ("dehumanised", "dehumanising a person", "dehumanising_person", "dehumanising_person"),
    ):
        for m in lx.rx[name].finditer(text):
            score = noun_score(m["insult"], strong, mild)
            hits.append(_hit("personal", score, rule, m, text, insult=m["insult"]))
    for m in lx.rx["adj_pred"].finditer(text):
        name = m["name"]
        if name and (name.split()[0] in lx.not_names or name.split()[0].lower() in _STARTERS):
            continue
        if name and lx.rx["group_any"].fullmatch(name):
            continue
        adj = m["insult"].lower()
        if name and adj not in lx.strong_adjs:
            continue  # "Toronto is pathetic": a capitalised word may be a place or a team
        key = "insult_adjective_strong" if adj in lx.strong_adjs else "insult_adjective_mild"
        hits.append(_hit("personal", sc[key], "insulting adjective about a person", m, text,
                         target=m["target"] or name or "", insult=adj))  # fmt: skip
    for m in lx.rx["adj_question"].finditer(text):
        adj = m["insult"].lower()
        key = "insult_adjective_strong" if adj in lx.strong_adjs else "insult_adjective_mild"
        hits.append(_hit("personal", sc[key], "insulting question to 'you'", m, text,
                         target="you", insult=adj))  # fmt: skip
    # "<group> are idiots", "... they are animals" after a group: attacks on the group,
    # which the racist clause holds
    return [h for h in hits if not any(r.start < h.end and h.start < r.end for r in racist)]


def lexicon_findings(text: str) -> LexiconFindings:
    """The lexicon's racist and personal hits in a text, counter-speech set aside.

    The text is read as written and, when it differs, as its view (``text_view``), and
    after a right-to-left override also in display order: a view only adds hits where the
    readings before it have none, so undoing a trick ("1d10t") never changes how a plainly
    written part of the comment is read.
    """
    found = _lexicon_pass(TextView(text, text))
    views = [text_view(text)] + ([text_view(text, display=True)] if _RLO in text else [])
    for view in views:
        if view.origin is not None:
            taken = [(h.start, h.end) for h in found]
            found += [
                h
                for h in _lexicon_pass(view)
                if not any(a < h.end and h.start < b for a, b in taken)
            ]
    kept = {clause: tuple(h for h in found if h.clause == clause and h.countered is None)
            for clause in ("racist", "personal")}  # fmt: skip
    countered = tuple(h.countered for h in found if h.countered is not None)
    return LexiconFindings(kept["racist"], kept["personal"], countered)


def _lexicon_pass(view: TextView) -> list[LexiconHit]:
    """The lexicon's hits in ``view``, with spans in the comment and counter-speech marked."""
    lx = lexicon()
    read = view.text
    words = text_words(read)
    racist = _racist_hits(lx, read, words)
    out: list[LexiconHit] = []
    for hit in racist + _personal_hits(lx, read, racist, words):
        cue = lx.countered(read, hit.start, hit.end, hit.rule in _ORDER_RULES)
        hit = hit.in_comment(view)
        if cue is not None:
            hit = replace(hit, countered={"clause": hit.clause, "rule": hit.rule, "cue": cue,
                                          "span": hit.evidence()["span"]})  # fmt: skip
        out.append(hit)
    return out


def _lexicon_evidence(
    evidence: dict[str, Any], hits: tuple[LexiconHit, ...], findings: LexiconFindings, clause: str
) -> None:
    best = LexiconFindings.best(hits)
    if best is not None:
        evidence["lexicon"] = best.evidence()
        evidence["span"] = best.evidence()["span"]
        if len(hits) > 1:
            evidence["lexicon_spans"] = [h.evidence()["span"] for h in hits[:5]]
    countered = [c for c in findings.countered if c["clause"] == clause]
    if countered:
        evidence["counter_speech"] = countered[:3]


def _countered_head(head: float, findings: LexiconFindings, evidence: dict[str, Any]) -> float:
    """Cap a head score below the hold band when the comment argues against an attack.

    Only when the lexicon set a pattern aside as counter-speech ("it is racist to say ...")
    and kept no hit of either clause: the head reads the quoted words, not the argument.
    """
    if not findings.countered or findings.racist or findings.personal:
        return head
    cap = lexicon().scores["head_when_countered"]
    if head > cap:
        evidence["note"] = "counter-speech: the attack is quoted or rejected, not made"
        return cap
    return head


def racist_score(
    head: float,
    findings: LexiconFindings,
    groups: list[str],
    evidence: dict[str, Any],
    bare: bool = False,
) -> float:
    """The racist clause score from its head and the lexicon; notes go into ``evidence``.

    When the comment mentions no group and the lexicon explains it as a plain insult aimed at
    a person, the head is capped below the hold band: that is ``personal``. So is it when the
    comment only names groups (``bare``: ``bare_mention``).
    """
    explained = not findings.racist and bool(findings.personal) and not groups
    note = "no group mentioned; the insult is aimed at a person (personal)"
    cap = ("racist_head_when_explained", note) if explained else None
    if bare:
        cap = ("racist_head_when_explained", BARE_MENTION_NOTE)
    return _head_with_lexicon(head, findings, evidence, "racist", cap)


def personal_score(
    head: float, findings: LexiconFindings, evidence: dict[str, Any], bare: bool = False
) -> float:
    """The personal clause score from its head and the lexicon; notes go into ``evidence``.

    When the lexicon explains the comment as an attack on a group and finds no insult aimed
    at a person, the head is capped below the hold band: that is ``racist``. So is it when
    the comment only names groups (``bare``: ``bare_mention``). An order to go back to a
    country (``_ORDER_RULES``) is said to a person, so it explains away no insult the head
    reads beside it.
    """
    group_attack = any(h.rule not in _ORDER_RULES for h in findings.racist)
    explained = group_attack and not findings.personal
    note = "an attack on a group, no person insulted (racist)"
    cap = ("personal_head_when_explained", note) if explained else None
    if bare:
        cap = ("personal_head_when_explained", BARE_MENTION_NOTE)
    return _head_with_lexicon(head, findings, evidence, "personal", cap)


def _head_with_lexicon(
    head: float,
    findings: LexiconFindings,
    evidence: dict[str, Any],
    clause: str,
    cap: tuple[str, str] | None,
) -> float:
    """max(head, best lexicon hit) for ``clause``; ``cap`` (score key, note) holds the head
    below the hold band when the lexicon explains the comment as the other clause."""
    if cap is not None:
        limit = lexicon().scores[cap[0]]
        if head > limit:
            evidence["note"] = cap[1]
            head = limit
    head = _countered_head(head, findings, evidence)
    hits = findings.racist if clause == "racist" else findings.personal
    _lexicon_evidence(evidence, hits, findings, clause)
    best = LexiconFindings.best(hits)
    return max(head, best.score if best else 0.0)


def clause_scores(text: str, racist_head: float, personal_head: float) -> tuple[float, float]:
    """(racist, personal) scores of a text given its two head scores (for calibration)."""
    findings = lexicon_findings(text)
    groups = identity_mentions(text)
    bare = bare_mention(text)
    return (
        racist_score(racist_head, findings, groups, {}, bare),
        personal_score(personal_head, findings, {}, bare),
    )


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
        while words and (words[-1] in _NOT_NAMES or words[-1].endswith(".")):
            words = words[:-1]  # a name ends in a name, not an initial ("Plan B. Then")
        if not 2 <= len(words) <= 3:
            continue
        start = m.start() + m.group(0).index(words[0])
        name = " ".join(words)
        found.append({"name": name, "start": start, "end": start + len(name)})
    return sorted(found, key=lambda p: p["start"])
