"""``moderate evaluate``: every check on the evaluation rows, beside an anchor baseline.

Only evaluation rows (sha1(text) % 5 == 0) are scored; the models and thresholds were fitted
on the other rows. The report holds, per clause and dataset, precision, recall, F1 (at the
policy's firing threshold, hold band included) and ROC-AUC, the targets of issue 5 with
pass/fail, the alt-profanity-check baseline on the same rows, and the false-positive rate on
non-hateful comments that mention identity groups.

Library use::

    from mutewatch.moderate.evaluate import evaluate
    report = evaluate()                       # reads ../shared/data
    print(report["targets"])
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

from mutewatch.moderate import datasets as ds
from mutewatch.moderate.checks import (
    CHECKS,
    CommentInput,
    Features,
    Moderator,
    Topic,
    identity_mentions,
)
from mutewatch.moderate.models import EMBEDDING_TAG, Vectors, embedder
from mutewatch.moderate.policy import Clause, Policy, load_policy

CACHE_DIR = Path("/tmp/mutewatch-embeddings") / EMBEDDING_TAG
DAVIDSON_SAMPLE = 1500
SEED = 20261129


_MEMORY: dict[str, Vectors] = {}


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _load_cache(cache: Path) -> None:
    for path in sorted(cache.glob("chunk-*.npz")):
        if path.name in _MEMORY:
            continue
        with np.load(path) as data:
            for key, vec in zip(data["keys"], data["vectors"], strict=True):
                _MEMORY[str(key)] = vec
        _MEMORY[path.name] = np.zeros(0, dtype=np.float32)  # marks the chunk as loaded


def embed_cached(texts: list[str], cache: Path | None = CACHE_DIR) -> Vectors:
    """Embeddings of texts, cached per text under ``cache`` (/tmp by default, never the repo)."""
    if cache is None:
        return embedder().embed(texts)
    cache.mkdir(parents=True, exist_ok=True)
    _load_cache(cache)
    keys = [_text_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in _MEMORY}.items())
    if missing:
        vectors = embedder().embed([t for _, t in missing])
        new_keys = np.array([k for k, _ in missing])
        name = f"chunk-{_text_key(''.join(new_keys))[:16]}.npz"
        np.savez(cache / name, keys=new_keys, vectors=vectors)
        _MEMORY[name] = np.zeros(0, dtype=np.float32)
        for k, v in zip(new_keys, vectors, strict=True):
            _MEMORY[str(k)] = v
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_MEMORY[k] for k in keys]).astype(np.float32)


def binary_metrics(labels: list[int], scores: list[float], fired: list[bool]) -> dict[str, Any]:
    """Precision, recall, F1 (of ``fired``) and ROC-AUC (of ``scores``)."""
    y = np.asarray(labels)
    p, r, f, _ = precision_recall_fscore_support(
        y, np.asarray(fired, dtype=int), average="binary", zero_division=0
    )
    auc = float(roc_auc_score(y, scores)) if 0 < y.sum() < len(y) else None
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "precision": round(float(p), 4),
        "recall": round(float(r), 4),
        "f1": round(float(f), 4),
        "roc_auc": None if auc is None else round(auc, 4),
    }


def _baseline() -> Callable[[list[str]], list[float]] | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None

    def score(texts: list[str]) -> list[float]:
        return [float(x) for x in predict_prob(texts)]

    return score


def _clause(policy: Policy, name: str) -> Clause:
    return next(c for c in policy.clauses if c.clause == name)


def _fires(clause: Clause, score: float) -> bool:
    return clause.outcome(round(score, 4))[0]


class _Scorer:
    """Scores texts with the text checks of a policy, embedding each list once."""

    def __init__(self, policy: Policy, cache: Path | None) -> None:
        self.policy = policy
        self.cache = cache

    def features(self, texts: list[str]) -> list[Features]:
        vectors = embed_cached(texts, self.cache)
        return [
            Features(CommentInput(id=str(i), text=t, author_name=""), v, None)
            for i, (t, v) in enumerate(zip(texts, vectors, strict=True))
        ]

    def scores(self, clause: str, feats: list[Features]) -> list[float]:
        check = CHECKS[_clause(self.policy, clause).check]
        return [float(check(f)[0]) for f in feats]


def _toxicity(scorer: _Scorer, data: Path, baseline: Any) -> dict[str, Any]:
    policy = scorer.policy
    racist_c, personal_c = _clause(policy, "racist"), _clause(policy, "personal")
    out: dict[str, Any] = {}

    def report(name: str, texts: list[str], labels: list[int], clauses: list[str]) -> None:
        feats = scorer.features(texts)
        per = {c: scorer.scores(c, feats) for c in clauses}
        combined = [max(vals) for vals in zip(*per.values(), strict=True)]
        fired = [
            any(_fires(_clause(policy, c), per[c][i]) for c in clauses) for i in range(len(texts))
        ]
        entry = {"clauses": "+".join(clauses), **binary_metrics(labels, combined, fired)}
        if baseline is not None:
            entry["baseline_roc_auc"] = round(float(roc_auc_score(labels, baseline(texts))), 4)
        out[name] = entry

    ethos = ds.split(ds.ethos(data), True)
    race = [r for r in ethos if r.labels["racist"] or not r.labels["hate"]]
    report(
        "ethos_racist",
        [r.text for r in race],
        [int(r.labels["racist"]) for r in race],
        ["racist"],
    )
    report("ethos_hate", [r.text for r in ethos], [int(r.labels["hate"]) for r in ethos],
           ["racist", "personal"])  # fmt: skip
    fox = ds.split(ds.fox_news(data), True)
    report("fox_hateful", [r.text for r in fox], [int(r.labels["hateful"]) for r in fox],
           ["racist", "personal"])  # fmt: skip
    sfu = ds.split(ds.sfu(data), True)
    report("sfu_toxic", [r.text for r in sfu], [int(r.labels["toxic"]) for r in sfu],
           ["racist", "personal"])  # fmt: skip
    david = ds.split(ds.davidson(data), True)
    random.Random(SEED).shuffle(david)
    david = david[:DAVIDSON_SAMPLE]
    report("davidson_hate_vs_rest", [r.text for r in david],
           [int(r.labels["hate"]) for r in david], ["racist"])  # fmt: skip
    offensive = [r for r in david if not r.labels["hate"]]
    feats = scorer.features([r.text for r in offensive])
    scores = scorer.scores("racist", feats)
    off = [s for s, r in zip(scores, offensive, strict=True) if r.labels["offensive"]]
    out["davidson_offensive_called_racist"] = {
        "n": len(off),
        "rate": round(float(np.mean([_fires(racist_c, s) for s in off])), 4) if off else None,
    }
    jig = ds.split(ds.jigsaw(data), True)
    report("jigsaw_toxic", [r.text for r in jig], [int(r.labels["toxic"]) for r in jig],
           ["racist", "personal"])  # fmt: skip
    del personal_c
    return out


def _identity_fpr(scorer: _Scorer, data: Path) -> dict[str, Any]:
    """False positives on non-hateful evaluation comments that mention identity groups."""
    rows = (
        [r for r in ds.split(ds.ethos(data), True) if not r.labels["hate"]]
        + [r for r in ds.split(ds.fox_news(data), True) if not r.labels["hateful"]]
        + [r for r in ds.split(ds.sfu(data), True) if not r.labels["toxic"]]
    )
    rows = [r for r in rows if identity_mentions(r.text)]
    if not rows:
        return {"n": 0}
    feats = scorer.features([r.text for r in rows])
    racist = scorer.scores("racist", feats)
    personal = scorer.scores("personal", feats)
    rc, pc = _clause(scorer.policy, "racist"), _clause(scorer.policy, "personal")
    fired_r = [_fires(rc, s) for s in racist]
    fired_any = [_fires(rc, a) or _fires(pc, b) for a, b in zip(racist, personal, strict=True)]
    return {
        "n": len(rows),
        "racist_fired_rate": round(float(np.mean(fired_r)), 4),
        "racist_or_personal_fired_rate": round(float(np.mean(fired_any)), 4),
        "racist_rejected_rate": round(float(np.mean([s >= rc.threshold for s in racist])), 4),
    }


def _relevance(scorer: _Scorer, data: Path) -> dict[str, Any]:
    """Own article vs another article's comments, per corpus (Fox News, SFU).

    The article is its title (and lead, for Fox News); the thread is the article's
    non-evaluation comments, standing for comments already published: all of them (51-208 on
    Fox News), as the calibration's, where the service has its latest 50. The ranking is
    measured on the longest thread (an SFU article with fewer than 50 is judged with the
    shorter thread's calibration, checks-11); the held rates per length are the policy's table.
    """
    out: dict[str, Any] = {}
    check = CHECKS[_clause(scorer.policy, "irrelevant").check]
    for name, rows in (("fox_news", ds.fox_news(data)), ("sfu", ds.sfu(data))):
        evals = ds.split(rows, True)
        train = ds.split(rows, False)
        titles = sorted({r.group for r in rows})
        lead = {r.group: f"{r.group}. {r.context}".strip(". ") for r in rows}
        art = dict(zip(titles, embed_cached([lead[t] for t in titles], scorer.cache), strict=True))
        tvec = embed_cached([r.text for r in train], scorer.cache)
        threads = {t: tvec[[i for i, r in enumerate(train) if r.group == t]] for t in titles}
        feats = scorer.features([r.text for r in evals])
        labels, with_thread, article_only = [], [], []
        for title in titles:
            topic = Topic(title, art[title], threads[title])
            bare = Topic(title, art[title])
            for f, r in zip(feats, evals, strict=True):
                labels.append(int(r.group != title))
                with_thread.append(float(check(Features(f.comment, f.vector, topic))[0]))
                article_only.append(float(check(Features(f.comment, f.vector, bare))[0]))
        clause = _clause(scorer.policy, "irrelevant")
        fired = [_fires(clause, s) for s in with_thread]
        entry = binary_metrics(labels, with_thread, fired)
        entry["roc_auc_article_only"] = round(float(roc_auc_score(labels, article_only)), 4)
        out[name] = entry
    return out


def _language(data: Path, policy: Policy) -> dict[str, Any]:
    moderator = Moderator(_only(policy, {"language", "dialect"}))
    out: dict[str, Any] = {}
    for kind in ("sentences", "word-pairs"):
        rows = ds.split(ds.langid(data, kind), True)
        published = _published(moderator, [r.text for r in rows])
        correct = [p == (r.group == "en") for p, r in zip(published, rows, strict=True)]
        en = [c for c, r in zip(correct, rows, strict=True) if r.group == "en"]
        out[kind] = {
            "n": len(rows),
            "accuracy_english_vs_other": round(float(np.mean(correct)), 4),
            "english_published": round(float(np.mean(en)), 4) if en else None,
        }
    swiss = ds.split(ds.swiss_german(data), True)
    decisions = moderator.check(
        [CommentInput(id=str(i), text=r.text, author_name="") for i, r in enumerate(swiss)]
    )
    dialect = [
        any(c.clause == "dialect" and c.fired and c.evidence["action"] == "reject"
            for c in d.clauses)
        for d in decisions
    ]  # fmt: skip
    out["swiss_german"] = {
        "n": len(swiss),
        "not_published": round(float(np.mean([d.decision != "publish" for d in decisions])), 4),
        "rejected_as_dialect": round(float(np.mean(dialect)), 4),
    }
    return out


def _only(policy: Policy, clauses: set[str]) -> Policy:
    from dataclasses import replace

    return replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in clauses))


def _published(moderator: Moderator, texts: list[str]) -> list[bool]:
    zero = np.zeros((len(texts), 384), dtype=np.float32)  # the language checks need no vector
    comments = [CommentInput(id=str(i), text=t, author_name="") for i, t in enumerate(texts)]
    feats = moderator.prepare(comments, vectors=zero)
    return [moderator.decide(f).decision == "publish" for f in feats]


def _names(data: Path, policy: Policy) -> dict[str, Any]:
    moderator = Moderator(_only(policy, {"fantasy_name", "false_name"}))
    rows = ds.split(ds.names(data), True)
    zero = np.zeros((len(rows), 384), dtype=np.float32)
    comments = [CommentInput(id=str(i), text="", author_name=r.text) for i, r in enumerate(rows)]
    decisions = [moderator.decide(f) for f in moderator.prepare(comments, vectors=zero)]
    real = [d.decision == "publish" for d, r in zip(decisions, rows, strict=True)
            if not r.labels["fictional"]]  # fmt: skip
    fake = [d.decision != "publish" for d, r in zip(decisions, rows, strict=True)
            if r.labels["fictional"]]  # fmt: skip
    missed = [r.text for d, r in zip(decisions, rows, strict=True)
              if r.labels["fictional"] and d.decision == "publish"]  # fmt: skip
    blocked = [r.text for d, r in zip(decisions, rows, strict=True)
               if not r.labels["fictional"] and d.decision != "publish"]  # fmt: skip
    return {
        "n_real": len(real),
        "n_fictional": len(fake),
        "real_published": round(float(np.mean(real)), 4) if real else None,
        "fictional_not_published": round(float(np.mean(fake)), 4) if fake else None,
        "fictional_published_examples": missed[:10],
        "real_not_published_examples": blocked[:10],
    }


def _targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    tox, lang, rel, nm = (report.get(k, {}) for k in ("toxicity", "language", "relevance", "names"))

    def get(d: dict[str, Any], *path: str) -> Any:
        for p in path:
            if not isinstance(d, dict) or p not in d:
                return None
            d = d[p]
        return d

    fox_auc = get(tox, "fox_hateful", "roc_auc")
    fox_base = get(tox, "fox_hateful", "baseline_roc_auc")
    rows = [
        ("language sentences accuracy", get(lang, "sentences", "accuracy_english_vs_other"), 0.99),
        ("language word-pairs accuracy", get(lang, "word-pairs", "accuracy_english_vs_other"),
         0.95),
        ("Swiss German not published", get(lang, "swiss_german", "not_published"), 0.95),
        ("Swiss German rejected as dialect", get(lang, "swiss_german", "rejected_as_dialect"),
         0.90),
        ("racist ETHOS ROC-AUC", get(tox, "ethos_racist", "roc_auc"), 0.85),
        ("racist+personal Fox News ROC-AUC", fox_auc, 0.75),
        ("Fox News margin over baseline",
         None if fox_auc is None or fox_base is None else round(fox_auc - fox_base, 4), 0.10),
        ("irrelevant Fox News ROC-AUC", get(rel, "fox_news", "roc_auc"), 0.85),
        ("irrelevant SFU ROC-AUC", get(rel, "sfu", "roc_auc"), 0.85),
        ("real names published", get(nm, "real_published"), 0.97),
        ("fictional names not published", get(nm, "fictional_not_published"), 0.90),
    ]  # fmt: skip
    return [
        {"target": t, "value": v, "goal": g, "met": None if v is None else bool(v >= g)}
        for t, v, g in rows
    ]


def evaluate(
    data: Path | None = None,
    policy: Policy | None = None,
    cache: Path | None = CACHE_DIR,
    parts: tuple[str, ...] = ("toxicity", "relevance", "language", "names"),
) -> dict[str, Any]:
    """Run the checks on the evaluation rows; returns the report as plain data."""
    data = data or ds.default_data_dir()
    policy = policy or load_policy()
    started = time.time()
    scorer = _Scorer(policy, cache)
    baseline = _baseline()
    report: dict[str, Any] = {"policy_version": policy.version, "data": str(data)}
    try:
        report["model_versions"] = Moderator(policy).model_versions
    except Exception as exc:  # noqa: BLE001 - a missing companion module is reported below
        report["model_versions"] = {"error": str(exc)}
    if "toxicity" in parts:
        report["toxicity"] = _toxicity(scorer, data, baseline)
        report["identity_mentions_fpr"] = _identity_fpr(scorer, data)
        report["baseline"] = "alt-profanity-check" if baseline else "unavailable (not installed)"
    if "relevance" in parts:
        report["relevance"] = _relevance(scorer, data)
    for part, fn in (("language", _language), ("names", _names)):
        if part in parts:
            try:
                report[part] = fn(data, policy)
            except Exception as exc:  # a missing companion module must not hide the rest
                report[part] = {"error": str(exc)}
    report["targets"] = _targets(report)
    report["seconds"] = round(time.time() - started, 1)
    return report
