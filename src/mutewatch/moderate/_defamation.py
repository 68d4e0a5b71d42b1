"""Defamation: allegations of crimes or misconduct against a named person
(``check_defamation``), names read without capitals (``caseless_person_names``) among them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.errors import EngineError
from mutewatch.moderate._features import Features, _module, _span
from mutewatch.moderate._lexicon import _CAP, _HONORIFIC, _NOT_NAMES, _STARTERS, person_names
from mutewatch.moderate._spans import _SENTENCE_RE, _trimmed
from mutewatch.moderate._textview import text_view

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


_SURNAME_AFTER_VERB = re.compile(rf"\b({_CAP})\s+(?:is|was|has|had)\s+(?:a|an|the)?\s*$")


# --- names in a comment typed without capitals ---------------------------------------------
#
# person_names needs capitals, so "john smith stole money from the charity" (or the same in
# capitals) named nobody and was published. In a sentence without case (every letter small
# after its first word, "I" aside, or every letter a capital) two neighbouring words are read
# as a person's name when neither is a common lower-case word and the first is a known given
# name and the second a known surname (the name lists of moderate.names, or a word English
# writers capitalise mid-sentence), or a title ("mr", "senator") precedes a word that is not a
# common lower-case word; which words writers keep in lower case, and which they capitalise,
# comes from data/truecase_words.npz (scripts/build_truecase.py, non-evaluation rows). Such a
# name scores CASELESS_NAME_SCORE with an allegation: held for a human, as a capitalised name
# is. Measured by `python scripts/build_truecase.py --dev` (sets built on three non-evaluation
# fifths, the check run on the fourth, 5,986 English comments and sentences): as written, 13
# held before and after (none newly); the same texts all in lower case, 0 -> 7 held (6 of them
# among the 13 held as written: the same allegations found again), all in capitals 0 -> 6.
# checks-5: a first word writers keep in lower case ("will", "maria") is read as a given name
# when the allegation follows the pair at once ("will smith stole ...", "maria lopez has
# embezzled ..."; CASELESS_COMMON_FIRST, not a function word, the second word surname-like).
# `python scripts/caseless_report_s8.py` (same folds as --dev): as written 13 -> 13 held, all
# in lower case 7 -> 8 (the new one names "lil ricky" before "stole"), all in capitals 6 -> 6.
# Not covered: such a pair not directly before its allegation ("will smith, who stole"; checks-6
# reads "will smith is a thief" as a predicate, below), or both words common ("rich young").

TRUECASE_FILE = Path(__file__).parent / "data" / "truecase_words.npz"
CASELESS_NAME_SCORE = 0.75
"""An allegation next to a name read without capitals (a capitalised one scores 0.85)."""
_truecase_path: list[Path | None] = [TRUECASE_FILE]
_CASELESS_WORD_RE = re.compile(r"(?<![\w@#/.:=&'’-])[a-z][a-z'’-]*(?![\w@/])")
"""A word of running text, lower-cased: not part of a @mention, #tag, link or handle."""
_CASELESS_TITLES = frozenset((
    "mr", "mrs", "ms", "dr", "sen", "senator", "rep", "representative", "governor", "gov",
    "mayor", "judge", "minister", "secretary", "chancellor", "sheriff", "officer", "professor",
    "prof", "councillor", "councilman", "councilwoman", "president",
))  # fmt: skip


def use_truecase(path: Path | None) -> None:
    """Read the word sets from ``path`` (None: capitals only, as before checks-4)."""
    _truecase_path[0] = path
    _truecase.cache_clear()


@cache
def _truecase() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]] | None:
    """(lower-case words, proper words) as sorted CRC32 hashes; None when switched off."""
    path = _truecase_path[0]
    if path is None:
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return np.asarray(z["lower"], np.uint32), np.asarray(z["proper"], np.uint32)
    except (OSError, KeyError, ValueError) as exc:
        raise EngineError(
            f"the word-case sets {path} cannot be read: {exc}",
            hint="reinstall mutewatch, or rebuild them with `python scripts/build_truecase.py`",
        ) from exc


def is_caseless(sentence: str) -> bool:
    """True when a sentence carries no case: every letter a capital, or every word after the
    first in lower case ("I" aside)."""
    letters = [c for c in sentence if c.isalpha()]
    if len(letters) < 2:
        return False
    if all(c.isupper() for c in letters):
        return True
    words = re.findall(r"[^\W\d_][\w'’]*", sentence)[1:]
    return not any(w[0].isupper() and w.lower() not in _I_FORMS for w in words)


_I_FORMS = frozenset(("i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll"))


CASELESS_COMMON_FIRST = True
"""Read a common word as a given name ("will smith", "maria lopez") right before an
allegation (``caseless_person_names``)."""
_FUNCTION_TEXT = """
a an the and or nor but so yet then now also too can could did does do has have had is are
was were be been being am they them their theirs our ours his her hers its we us you your
yours he him she it i me my mine all every each some any no not never only just even still
that this these those why how what when where who whom whose which to of in on at by for
with from as if than because since after before while about into onto over under again
yes lol omg ok okay oh well said says say think thinks know knows like likes see saw guess
maybe perhaps probably surely really very much many more most less least same other another
such own here there out up down off away back ever already always often sometimes
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
"""Words never read as a given name by ``CASELESS_COMMON_FIRST`` (the name lists hold many)."""
_BEFORE_ALLEGATION_RE = re.compile(
    r"\s+(?:(?:has|had|have|was|is|been|allegedly|reportedly|just|also|actually|clearly|"
    r"obviously|definitely|openly|once|then)\s+)*"
)


def caseless_person_names(sentence: str, allegation_at: int | None = None) -> list[dict[str, Any]]:
    """Names of people in a sentence without case (see above), with their spans.

    With ``allegation_at`` (where an allegation starts in ``sentence``), a pair whose first
    word is a common word ("will", "maria") is a name too when that word is a known given name
    (not a function word), the second a surname-like word no writer keeps in lower case, and
    the allegation follows the pair at once ("will smith stole", "maria lopez has embezzled"):
    a modal "will" is followed by a verb, which is a common word.
    """
    sets = _truecase()
    if sets is None or not is_caseless(sentence):
        return []
    lower, proper = sets
    names = _module("names")
    lists, _in = names.name_word_kinds, names.hashed_in

    def kinds(word: str) -> tuple[bool, bool]:
        given, surname = lists(word)
        seen = _in(proper, word)  # capitalised mid-sentence by English writers
        return given or seen, surname or seen

    words = [(m.start(), m.end(), m.group(0).replace("'", "").replace("’", ""))
             for m in _CASELESS_WORD_RE.finditer(sentence.lower())
             if m.group(0) not in _I_FORMS]  # fmt: skip

    def name_like(word: str) -> bool:
        return len(word) > 2 and not _in(lower, word)

    found = []
    for (a, e, w1), (a2, b, w2) in zip(words, words[1:], strict=False):
        if sentence[e:a2] not in (" ", "  ") or not name_like(w2):
            continue  # only neighbours, a space apart
        if w1 in _CASELESS_TITLES or (name_like(w1) and kinds(w1)[0] and kinds(w2)[1]):
            found.append({"name": sentence[a:b], "start": a, "end": b, "rule": "caseless"})
        elif _common_first(w1, w2, kinds, sentence[b:allegation_at] if allegation_at else None):
            found.append({"name": sentence[a:b], "start": a, "end": b,
                          "rule": "caseless, common first word before an allegation"})  # fmt: skip
    return found


def _common_first(
    w1: str, w2: str, kinds: Callable[[str], tuple[bool, bool]], gap: str | None
) -> bool:
    """``CASELESS_COMMON_FIRST``: whether ``w1 w2`` (``w2`` name-like) is a name because the
    allegation follows it at once (``gap``: the text between them)."""
    if not CASELESS_COMMON_FIRST or gap is None or not _BEFORE_ALLEGATION_RE.fullmatch(gap):
        return False
    return len(w1) > 2 and w1 not in _FUNCTION_WORDS and kinds(w1)[0] and kinds(w2)[1]


# --- plain allegations: "<name> is a <crime noun>" (checks-6) ---------------------------------
#
# _ALLEGATION_RE knows verbs and a few nouns ("stole", "thief", "fraud"), read anywhere in a
# sentence that names someone. A plain allegation that calls a named person a criminal with a
# noun it did not know ("John Smith is a swindler", "... a drug dealer") was published, and so
# were caseless ones whose name stands before "is a" ("will smith is a thief", "maria lopez is
# a child abuser": CASELESS_COMMON_FIRST needs the allegation right after the name). A
# *predicate* now counts too: the name, then a copula and an article ("is a", "was an", "has
# been a", "is nothing but a"), at most two words ("convicted", "child"), and a noun of
# CRIME_NOUNS, a list of nouns for people who commit crimes or serious misconduct written from
# general knowledge. The name must be the subject (it ends where the copula starts), so "the
# report says the man is a burglar" next to a name, "John Smith is a teacher" and "politicians
# are thieves" (no name) are not held; nor is a noun used as a modifier ("a gangster rapper"):
# a word after the noun must be a function word (_AFTER_NOUN) or capitalised. Every
# allegation, old and new, is skipped when negated in its clause ("is not a thief", "never
# stole"; "not only", "no better than" still count), when a conditional stands right before
# the name ("if John Smith were a thief"), or when the sentence speaks of fiction ("in the
# novel", "plays a thief", "fictional"). Insults with no crime in them ("John is an idiot")
# stay with the personal clause.
# Non-evaluation rows (scripts/defamation_report_s9.py): see data/README.md, session 9.

CRIME_NOUNS = (
    "thief", "crook", "fraud", "fraudster", "con artist", "con man", "conman", "swindler",
    "grifter", "scammer", "scam artist", "embezzler", "criminal", "career criminal", "felon",
    "convict", "murderer", "killer", "assassin", "hitman", "hit man", "rapist", "sex offender",
    "sexual predator", "child predator", "predator", "pedophile", "paedophile", "pedo",
    "child molester", "molester", "child abuser", "abuser", "wife beater", "groomer",
    "stalker", "kidnapper", "abductor", "arsonist", "burglar", "robber", "bank robber",
    "mugger", "shoplifter", "pickpocket", "looter", "drug dealer", "drug lord",
    "drug trafficker", "drug smuggler", "arms dealer", "gun runner", "trafficker",
    "human trafficker", "people smuggler", "smuggler", "money launderer", "launderer",
    "racketeer", "gangster", "mobster", "mafioso", "crime boss", "loan shark", "extortionist",
    "blackmailer", "forger", "counterfeiter", "perjurer", "liar", "cheat", "cheater",
    "tax cheat", "tax evader", "tax dodger", "briber", "bribe taker", "insider trader",
    "terrorist", "war criminal", "traitor", "pimp", "poacher", "vandal", "thug", "torturer",
    "poisoner", "bigamist", "plagiarist", "bootlegger",
)  # fmt: skip
"""Nouns for a person who commits a crime or serious misconduct (general knowledge, not data)."""
_NOUN_ALT = "|".join(
    n.replace(" ", r"\s+") + "s?" for n in sorted(CRIME_NOUNS, key=len, reverse=True)
)
_PREDICATE_RE = re.compile(
    r"(?P<cop>\b(?:is|was|are|were|['’]s|has\s+(?:always\s+|long\s+)?been|remains|becomes|"
    r"became|be)\s+(?:(?:also|just|still|clearly|obviously|really|actually|definitely|"
    r"certainly|simply|basically|nothing\s+but|no\s+better\s+than|no\s+more\s+than|"
    r"not\s+only|not\s+just|known\s+to\s+be|such)\s+)*(?:a|an)\s+(?:[\w'’-]+\s+){0,2}?)"
    rf"(?P<noun>{_NOUN_ALT})(?![\w'’-])(?:\s+(?P<next>[^\W\d_][\w'’]*))?",
    re.IGNORECASE,
)
"""A copula, an article, at most two words and a crime noun: "is a thief", "was a convicted
fraudster", "is nothing but a crook"; and the word after it (``next``)."""
_AFTER_NOUN = _FUNCTION_WORDS | frozenset((
    "through", "himself", "herself", "themselves", "plain", "pure", "period", "including",
    "indeed", "anyway", "lol", "imo", "imho", "everyone", "everybody", "too", "whose",
))  # fmt: skip
"""Lower-case words that may follow a predicate's crime noun ("a thief and a liar", "a crook
through and through"); any other ("a fraud investigator") makes the noun a modifier."""
PLAIN_ALLEGATIONS = True
"""Read predicates ("<name> is a <crime noun>") as allegations (checks-6)."""
ALLEGATION_FRAMES = True
"""Skip negated, conditional and fictional allegations (checks-6; checks-5 held them)."""
_CLAUSE_START_RE = re.compile(r".*[,;:()\u2013\u2014]|.*\s-\s", re.DOTALL)
_NEGATION_RE = re.compile(
    r"\b(?:not|never|no|nor|neither|hardly|nobody|(?:is|was|are|were|do|does|did|has|have|had|"
    r"could|would|should|ca|wo|ai|need|must)n['’]?t)\b(?!\s+(?:only|just|merely|simply|better|"
    r"more|less|different|like|likes|liked|love|loves|want|wants|trust|care|mind|know|think|"
    r"believe|say|said|see|understand|doubt|doubts|forget|wonder|question|surprise|secret)\b)",
    re.IGNORECASE,
)
"""A negator of the allegation after it; "not only", "no better than", "don't like" are not."""
_CONDITIONAL_RE = re.compile(
    r"\b(?:if|suppose|supposing|imagine|pretend|pretending|whether|unless|hypothetically)"
    r"(?:\s+[\w'’]+)?\s*$",
    re.IGNORECASE,
)
_FICTION_RE = re.compile(
    r"\bfiction(?:al)?\b|\bplay(?:s|ed|ing)\s+(?:a|an|the)\b|\b(?:role|character)\s+of\b|"
    r"\b(?:in|from|of)\s+(?:the|a|an|this|that|his|her|their|my)\s+(?:new\s+|latest\s+|"
    r"upcoming\s+|(?:tv|television)\s+)?(?:novel|film|movie|play|sitcom|series|show|episode|"
    r"musical|cartoon|comic|video\s+game|game|screenplay|script|fairy\s+tale|fable)s?\b",
    re.IGNORECASE,
)


_AGAINST_RE = re.compile(r"\b(?:anti|counter|non)-$", re.IGNORECASE)
"""A prefix that turns an allegation word into its opposite ("anti-fraud")."""


@dataclass(frozen=True)
class Allegation:
    """One allegation in a sentence: where it is, its words, and (for a predicate) where its
    subject ends, the name having to end there."""

    start: int
    end: int
    words: str
    subject_end: int | None = None


def allegations(sentence: str) -> list[Allegation]:
    """The allegations of a sentence in reading order: the words of ``_ALLEGATION_RE`` and,
    with ``PLAIN_ALLEGATIONS``, predicates ("is a swindler") whose subject precedes them."""
    found = [
        Allegation(m.start(), m.end(), m.group(0))
        for m in _ALLEGATION_RE.finditer(sentence)
        if not (ALLEGATION_FRAMES and _AGAINST_RE.search(sentence, 0, m.start()))
    ]
    if PLAIN_ALLEGATIONS:
        for m in _PREDICATE_RE.finditer(sentence):
            after = m.group("next")
            if after and not after.istitle() and after.lower() not in _AFTER_NOUN:
                continue  # "a fraud investigator", "a killer guitarist": not a predicate noun
            cop = m.start("cop")
            words = " ".join(sentence[cop : m.end("noun")].split())
            found.append(Allegation(cop, m.end("noun"), words, cop))
    return sorted(found, key=lambda a: (a.start, a.end))


def negated(sentence: str, end: int) -> bool:
    """True when the allegation ending at ``end`` is negated in its clause, among its last
    five words ("is not a thief", "never stole"); "not only", "no better than", "no wonder"
    do not negate, nor does a negation before the name ("nobody doubts X is a crook")."""
    head = sentence[:end]
    clause = _CLAUSE_START_RE.match(head)
    head = head[clause.end() :] if clause else head
    near = " ".join(head.split()[-5:])
    return bool(_NEGATION_RE.search(near))


def framed(sentence: str, allegation: Allegation, name_start: int | None) -> bool:
    """``ALLEGATION_FRAMES``: True when the allegation is not asserted: negated, governed by a
    conditional right before the name ("if John Smith were"), or about fiction."""
    if not ALLEGATION_FRAMES:
        return False
    if negated(sentence, allegation.end) or _FICTION_RE.search(sentence):
        return True
    return name_start is not None and bool(_CONDITIONAL_RE.search(sentence[:name_start]))


def _subject(people: list[dict[str, Any]], sentence: str, end: int) -> dict[str, Any] | None:
    """The name among ``people`` that ends where a predicate's subject ends."""
    for p in people:
        if p["end"] <= end and not sentence[p["end"] : end].strip():
            return p
    return None


def _single_subject(sentence: str, end: int) -> dict[str, Any] | None:
    """A lone capitalised word right before a predicate ("Smith is a thief") that reads as a
    name: not a sentence word such as "He" or "Everyone" (a word writers keep in lower case)."""
    return _single(re.search(rf"(?:^|(?<=\s))({_CAP})\s*$", sentence[:end]))


def accused(sentence: str, allegation: Allegation) -> tuple[float, dict[str, Any] | None]:
    """(score, the person) of one allegation: a capitalised name 0.85, one read without
    capitals ``CASELESS_NAME_SCORE``, a lone surname 0.7, nobody 0.25; (0, None) when the
    allegation is negated, conditional or fictional (``framed``)."""
    at, end = allegation.start, allegation.subject_end
    people = person_names(sentence)
    if end is None:
        single = _SURNAME_AFTER_VERB.search(sentence[:at])
        caseless = [] if people or single else caseless_person_names(sentence, at)
        found = [
            (0.85, people[0] if people else None),
            (CASELESS_NAME_SCORE, caseless[0] if caseless else None),
            (0.7, _single(single)),
        ]
    else:
        found = [
            (0.85, _subject(people, sentence, end)),
            (CASELESS_NAME_SCORE, _subject(caseless_person_names(sentence, end), sentence, end)),
            (0.7, _single_subject(sentence, end)),
        ]
    for score, person in found:
        if person is not None:
            return (0.0, None) if framed(sentence, allegation, person["start"]) else (score, person)
    if end is not None or framed(sentence, allegation, None):
        return 0.0, None  # a predicate of nobody named ("politicians are thieves")
    return 0.25, None


def _single(m: re.Match[str] | None) -> dict[str, Any] | None:
    """The lone capitalised word ``m`` found before an allegation ("Smith is a thief") as a
    name, unless it is a sentence word ("He"; with ``ALLEGATION_FRAMES`` also "Everyone", a
    word writers keep in lower case)."""
    if m is None or m.group(1) in _NOT_NAMES:
        return None
    sets = _truecase()
    word = m.group(1).lower()
    if ALLEGATION_FRAMES and (word in _STARTERS or (sets and _in_words(sets[0], word))):
        return None
    return {"name": m.group(1), "start": m.start(1), "end": m.end(1)}


def _in_words(table: npt.NDArray[np.uint32], word: str) -> bool:
    """Whether ``word`` is in a word-case set (``names.hashed_in``)."""
    return bool(_module("names").hashed_in(table, word))


# --- follow-ups: "He took bribes." after a sentence naming someone (session 21) --------------
#
# An allegation was only held when its own sentence named someone, so "I know John Smith from
# the council. He took bribes for years." and "John Smith? Took bribes." were published: the
# name and the allegation stand in neighbouring sentences. With FOLLOW_UPS an allegation whose
# sentence names nobody is made against a person named before it when its subject is
#   - "he" or "she" opening the sentence ("And she stole ...", "He's a crook"; not "they", so
#     often a group), the antecedent being the last person's name in the one or two sentences
#     before it (the nearer one first); or
#   - missing ("Took bribes.", "- took bribes from the council", "Was convicted of fraud."),
#     the previous sentence ending with the name ("John Smith?", "Remember John Smith?", a
#     name alone on its line).
# Between the subject and the allegation stand at most four words of _FOLLOW_LEAD (adverbs,
# auxiliaries and verbs taking a crime as their object: "also took", "has been taking", "got
# caught"), so "He fought corruption" or "She was the victim of fraud" allege nothing; a
# missing subject needs such a word first or an allegation verb ending in -ed ("Embezzled the
# fund"), so a noun ("Criminal justice reform ...") is no allegation. A name is a person's when
# its first and last words are not words writers keep in lower case ("New York", "City
# Council", "Toronto Star" are not); a pronoun refers to no name when the name is possessive
# ("John Smith's brother. He ...") or a person is named by a noun after it ("John Smith hired
# an accountant. He stole ..."). Gender is not read. The negations, conditionals and fiction
# that ``framed`` skips are skipped here too, in the allegation's sentence and the name's
# ("John Smith runs the shelter. She never stole anything."). Score FOLLOW_UP_SCORE; the
# evidence names the person as written, with ``person_span`` (where the name is) and
# ``pronoun`` (null for a missing subject), the span being the allegation's sentence.
# Non-evaluation rows: scripts/defamation_report_s21.py (data/README.md, session 21).

FOLLOW_UPS = True
"""Read "he"/"she" or a missing subject as the person named just before (``follow_up``)."""
FOLLOW_UP_SCORE = 0.7
"""An allegation made against a person named in an earlier sentence (a lone surname's)."""
_FOLLOW_LEAD = frozenset((
    "allegedly", "reportedly", "apparently", "also", "just", "clearly", "obviously", "openly",
    "secretly", "repeatedly", "actually", "literally", "basically", "definitely", "certainly",
    "probably", "once", "then", "even", "still", "always", "routinely", "knowingly",
    "blatantly", "shamelessly", "really", "has", "had", "have", "'s", "’s", "was", "is",
    "been", "being", "got", "gets", "did", "does", "took", "takes", "taking", "taken",
    "accepted", "accepts", "accepting", "pocketed", "committed", "commits", "caught",
))  # fmt: skip
"""Words that may stand between a follow-up's subject and its allegation."""
_FOLLOW_START_RE = re.compile(
    r"[\s\-\u2013\u2014*\u2022>]*(?:(?:and|but|so|yet|plus|oh|yes|yeah|well|also)\b[\s,]*)?"
    r"(?:(?P<pronoun>he|she)\b)?",
    re.IGNORECASE,
)
"""A follow-up's start: a bullet or dash, a conjunction, and "he"/"she" if any."""
_FOLLOW_VERB = frozenset(("stole", "steals", "lied"))
"""Allegation verbs that may open a sentence without a subject (with those ending in -ed)."""
_PERSON_NOUN_RE = re.compile(
    r"\b(?:a|an|the|his|her|their|my|our|your|this|that|whose|its)\s+(?:[\w'’-]+\s+)?"
    r"(?:man|woman|guy|lady|gentleman|boy|girl|kid|child|person|husband|wife|son|daughter|"
    r"brother|sister|father|mother|dad|mom|mum|uncle|aunt|cousin|nephew|niece|friend|"
    r"boyfriend|girlfriend|partner|colleague|neighbou?r|boss|manager|director|accountant|"
    r"lawyer|attorney|officer|cop|judge|mayor|councill?or|chair(?:man|woman)?|ceo|owner|"
    r"employee|worker|staffer|aide|assistant|deputy|treasurer|secretary|president|minister|"
    r"candidate|politician|official|priest|pastor|teacher|doctor|driver|guard|landlord|"
    r"contractor|developer|member|successor|predecessor|replacement)\b",
    re.IGNORECASE,
)
"""A person named by a noun ("his brother", "the new accountant"): nearer to a pronoun after
it than a name before it."""


@dataclass(frozen=True)
class FollowUp:
    """The person an allegation of a follow-up is made against: the name at ``[start, end)``
    of the sentence starting at ``at`` (text offsets); ``pronoun`` its (start, end) in the
    allegation's sentence, None for a missing subject."""

    at: int
    start: int
    end: int
    pronoun: tuple[int, int] | None


def follow_up(
    earlier: list[tuple[int, str]], sentence: str, allegation: Allegation
) -> FollowUp | None:
    """``FOLLOW_UPS``: the person named in ``earlier`` (the one or two sentences before, as
    (offset, text), nearest last) that ``allegation`` of ``sentence`` is made against, when
    its subject is "he"/"she" or missing (see above); None when there is none or the
    allegation is negated, conditional or fictional."""
    start = _FOLLOW_START_RE.match(sentence)
    if start is None or not earlier:
        return None
    pronoun = start.span("pronoun") if start.group("pronoun") else None
    subject_end = allegation.subject_end
    lead = sentence[start.end() : allegation.start if subject_end is None else subject_end]
    words = lead.lower().split()
    if subject_end is not None:
        if lead.strip() or pronoun is None:
            return None  # "He is a thief"; a predicate with no subject is not read
    elif not re.fullmatch(r"[\s\w'’]*", lead) or not _leads(words):
        return None
    elif pronoun is None and not words and not _allegation_verb(allegation.words):
        return None  # "Criminal justice reform ...": no verb, so a subject may be to come
    if ALLEGATION_FRAMES and (negated(sentence, allegation.end) or _FICTION_RE.search(sentence)):
        return None
    if pronoun is None:
        at, prev = earlier[-1]
        names = person_names(prev)
        if not names or prev[names[-1]["end"] :].strip(" \t\n.!?:;-\u2013\u2014"):
            return None  # the name must end the previous sentence ("John Smith?")
        found = [(at, prev, names[-1])]
    else:
        found = [(at, prev, p) for at, prev in reversed(earlier) for p in person_names(prev)[::-1]]
    for at, prev, named in found:
        person = _as_person(named)
        if person is None:
            continue
        between = prev[person["end"] :] + " ".join(t for a, t in earlier if a > at)
        if re.match(r"['’]", between) or _PERSON_NOUN_RE.search(between):
            return None  # "John Smith's brother", "hired an accountant": someone else
        if ALLEGATION_FRAMES and (
            _FICTION_RE.search(prev) or _CONDITIONAL_RE.search(prev[: person["start"]])
        ):
            return None
        return FollowUp(at, person["start"], person["end"], pronoun)
    return None


def _leads(words: list[str]) -> bool:
    """Whether the words between a follow-up's subject and its allegation are at most four
    of ``_FOLLOW_LEAD`` ("also took", "has been taking")."""
    return len(words) <= 4 and all(w in _FOLLOW_LEAD for w in words)


def _allegation_verb(words: str) -> bool:
    """Whether an allegation's words open with a verb: "stole", "embezzled", "lied"."""
    first = words.split()[0].lower()
    return first in _FOLLOW_VERB or first.endswith("ed")


def _as_person(named: dict[str, Any]) -> dict[str, Any] | None:
    """A name of ``person_names`` as a person's, without a sentence's first word before it
    ("Remember John Smith" is "John Smith") or its possessive ending; None when it reads as a
    place or a paper ("New York", "City Council", "Toronto Star": a first or last word that
    writers keep in lower case). A title makes it a person's ("Mayor Smith")."""
    name, start = named["name"], named["start"]
    if name.endswith(("'s", "’s")):
        name = name[:-2]
    if _HONORIFIC_START_RE.match(name):
        return {"name": name, "start": start, "end": start + len(name)}
    words = list(re.finditer(r"[^\W\d_][\w'’-]*", name))
    if len(words) > 2 and _kept_lower(words[0].group(0)):
        words = words[1:]  # "Remember John Smith", "Ask Mary Jones"
    if not words or _kept_lower(words[0].group(0)) or _kept_lower(words[-1].group(0)):
        return None
    a, b = words[0].start(), words[-1].end()
    return {"name": name[a:b], "start": start + a, "end": start + b}


_HONORIFIC_START_RE = re.compile(rf"{_HONORIFIC}\s")


def _kept_lower(word: str) -> bool:
    """Whether writers keep ``word`` in lower case mid-sentence (``truecase_words.npz``)."""
    sets = _truecase()
    return sets is not None and _in_words(sets[0], word.lower())


def _pronoun_as_written(view: Any, at: int, pronoun: tuple[int, int] | None) -> str | None:
    """The follow-up's pronoun as the comment writes it; None for a missing subject."""
    if pronoun is None:
        return None
    a, b = view.span(at + pronoun[0], at + pronoun[1])
    return str(view.original[a:b])


def check_defamation(f: Features) -> tuple[float, dict[str, Any]]:
    """Allegations of crimes or misconduct against a named person, per sentence: the words of
    ``_ALLEGATION_RE`` near a name, or a crime noun predicated of one ("is a swindler"); with
    ``FOLLOW_UPS``, also one whose subject is "he"/"she" or missing, made against the person
    named just before (``follow_up``)."""
    view = text_view(f.comment.text)
    text = view.text
    best: tuple[float, dict[str, Any]] = (0.0, {"allegation": None, "person": None})
    sents = [m for m in _SENTENCE_RE.finditer(text) if m.group(0).strip()]
    for i, sent in enumerate(sents):
        sentence = sent.group(0)
        for allegation in allegations(sentence):
            score, person = accused(sentence, allegation)
            at, extra = sent.start(), {}
            if person is None and FOLLOW_UPS:
                earlier = [(m.start(), m.group(0)) for m in sents[max(0, i - 2) : i]]
                follow = follow_up(earlier, sentence, allegation)
                if follow is not None:
                    score, at = FOLLOW_UP_SCORE, follow.at
                    person = {"start": follow.start, "end": follow.end}
                    extra = {
                        "person_span": _span(
                            view.original, *view.span(at + follow.start, at + follow.end)
                        ),
                        "pronoun": _pronoun_as_written(view, sent.start(), follow.pronoun),
                    }
            if score > best[0]:
                best = (
                    score,
                    {
                        "allegation": allegation.words,
                        "person": _as_written(view, at, person),
                        "span": _span(view.original, *view.span(*_trimmed(sent))),
                        **extra,
                    },
                )
    return best


def _as_written(view: Any, at: int, person: dict[str, Any] | None) -> str | None:
    """The person's name as the comment writes it ("José García", "Ólafur"), where the view
    the patterns read has it without accents or lookalike letters ("Jose Garcia"): the
    evidence a moderator reads quotes the comment. ``at``: where its sentence starts."""
    if person is None:
        return None
    a, b = view.span(at + person["start"], at + person["end"])
    return str(view.original[a:b])
