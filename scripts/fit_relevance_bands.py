"""Fit the irrelevant clause's calibration per thread length (``weights/relevance_bands.json``)
from the non-evaluation Fox News and SFU comments.

Why: the off-topic probability (``heads.json`` meta.relevance: one slope and intercept on the
best of the article similarity and the mean of the top 3 thread similarities) was fitted
against each article's whole thread, and the thread similarity falls with the thread's length.
The service judges a comment against its latest ``THREAD_SIZE`` (50) published comments, a new
article against its title and lead alone, so the same on-topic comment was held 16% of the time
on a full Fox News thread, 48% on a 10-comment one and 61% on an article with no comment yet
(session 25, ``scripts/relevance_thread_report_s25.py``): a hold meant something different at
every thread length, and a young article flooded the queue.

What: the shipped slope with an intercept per thread length, fitted at the ``ANCHORS`` (0, 1,
3, 5, 10, 20, 35 published comments) and linear in log(1 + length) between them, up to the
shipped intercept at ``THREAD_SIZE`` (50): each anchor's intercept is the largest at which, in
each corpus, the articles' own comments are held no more often than on the service's full
thread (the latest 50, the shipped calibration, which stays as it is, so the benchmark's figures
hold). The probability so reads "as off-topic as a comment the full thread's calibration gives
this probability": the same false-hold rate at any length; the price is that a short thread
catches fewer off-topic comments (reported per band of lengths).

How a thread is simulated, as the service sees it: comments in file order; a comment's thread
of length N on its own article is the N comments before it (cyclically, when fewer come
before it: the later ones stand in); on another article, the N of that article ending at the
same position. A length is used only where the article has enough comments. A band's held
rate is pooled over its lengths. Held is as ``check_relevance`` decides it at the policy's
hold threshold (spam signals and the generic reactions' scale included; no parent). Figures
are out-of-fold: group 5-fold by article (sklearn GroupKFold over the 23 articles; each fold's
intercepts fitted on the other articles' comments and threads). The shipped intercepts are
then fitted on all rows.

Pre-registered bar (written before any fit): out of fold, per corpus, in every band of lengths
under 50 (0, 1-4, 5-19, 20-49), the own-article held rate is at most the full thread's (latest
50) + 1 point; the latest-50 behaviour is unchanged (the shipped calibration); the
other-article held rate is reported per band, not constrained. The first fit had one intercept
per band; it passed, but within a band the rate ran from 23% (5 comments) to 6% (19) on Fox
News, so the anchors replaced the bands and a second check was added then: the highest own
held rate of any single length under 50 is at most the full thread's + 3 points. Both on
non-evaluation rows only. Result (Fox News, SFU): own held at a new article 61% -> 13%, 34% ->
4.8% (full thread 13%, 6.3%), other articles' comments held 94% -> 38%, 95% -> 42%; highest of
one length 13.6% (43), 7.0% (8).

    python scripts/fit_relevance_bands.py [--data DIR] [--out FILE] [--sizes]

Deterministic: two runs write the same bytes (no randomness; bisection, rounded).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import GroupKFold

from mutewatch.moderate import datasets as ds
from mutewatch.moderate._relevance import (
    REACTION_SCALE,
    SIMILARITY_CEILING,
    _centred,
    reaction,
    spam_signals,
)
from mutewatch.moderate.evaluate import embed_cached
from mutewatch.moderate.models import HEADS_FILE, heads
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import THREAD_SIZE

OUT = HEADS_FILE.with_name("relevance_bands.json")
ANCHORS = (0, 1, 3, 5, 10, 20, 35)
"""Thread lengths (published comments) whose intercept is fitted, each at that length; in
between, linear in log(1 + length), up to the shipped intercept at ``THREAD_SIZE`` (50)."""
REPORT_BANDS = ((0, 0), (1, 4), (5, 19), (20, 49), (THREAD_SIZE, THREAD_SIZE))
"""The bands of lengths the bar and the report pool (a band's lengths pooled)."""
FOLDS = 5
TOLERANCE = 0.01
"""The bar's allowance over the full thread's own held rate (sampling noise of the folds)."""
SIZE_TOLERANCE = 0.03
"""The allowance for the highest own held rate of any single length under 50."""


@dataclass
class Corpus:
    """One corpus's non-evaluation comments, prepared once."""

    name: str
    article_of: npt.NDArray[np.int_]  # the comment's article (index into titles)
    position: npt.NDArray[np.int_]  # its place among its article's comments
    members: list[npt.NDArray[np.int_]]  # each article's comments, in file order
    article_sim: npt.NDArray[np.float64]  # comment x article (centred cosine)
    comment_sim: npt.NDArray[np.float64]  # comment x comment
    spam: npt.NDArray[np.float64]
    reacts: npt.NDArray[np.bool_]


def prepare(name: str, rows: list[ds.Row]) -> Corpus:
    titles = sorted({r.group for r in rows})
    lead = {r.group: f"{r.group}. {r.context}".strip(". ") for r in rows}
    raw = embed_cached([r.text for r in rows])
    vecs = _centred(raw).astype(np.float64)
    arts = _centred(embed_cached([lead[t] for t in titles])).astype(np.float64)
    article_of = np.array([titles.index(r.group) for r in rows])
    members = [np.flatnonzero(article_of == a) for a in range(len(titles))]
    position = np.zeros(len(rows), dtype=np.int_)
    for m in members:
        position[m] = np.arange(len(m))
    return Corpus(
        name=name,
        article_of=article_of,
        position=position,
        members=members,
        article_sim=vecs @ arts.T,
        comment_sim=vecs @ vecs.T,
        spam=np.array([spam_signals(r.text)[0] for r in rows]),
        reacts=np.array([reaction(r.text, v) is not None for r, v in zip(rows, raw, strict=True)]),
    )


def best_similarity(
    c: Corpus, comments: npt.NDArray[np.int_], article: int, size: int
) -> npt.NDArray[np.float64]:
    """The best of article and thread similarity of ``comments`` judged on ``article`` with a
    thread of ``size`` comments (see the module doc); NaN where the article has too few."""
    art = c.article_sim[comments, article]
    if size == 0:
        return art
    mine = c.members[article]
    own = c.article_of[comments] == article
    length = len(mine)
    if length - 1 < size:
        return np.where(own, np.nan, art if length >= size else np.nan)
    pos = c.position[comments] % length
    steps = np.arange(size)
    # own: the size comments before it; another article's: the size ending at its position
    window = np.where(own[:, None], pos[:, None] - 1 - steps, pos[:, None] - steps) % length
    sims = c.comment_sim[comments[:, None], mine[window]]
    top = -np.sort(-sims, axis=1)[:, :3].mean(axis=1)
    return np.maximum(art, top)


def held(c: Corpus, comments: npt.NDArray[np.int_], best: npt.NDArray[np.float64],
         slope: float, intercept: float, hold: float) -> npt.NDArray[np.bool_]:  # fmt: skip
    """Held under ``irrelevant`` as ``check_relevance`` decides it (no copy, no parent)."""
    p = 1.0 / (1.0 + np.exp(-(slope * best + intercept)))
    scale = np.where(c.reacts[comments], REACTION_SCALE, 1.0)
    score = np.maximum(c.spam[comments], SIMILARITY_CEILING * p * scale)
    result: npt.NDArray[np.bool_] = score >= hold
    return result


def own_pairs(c: Corpus, articles: list[int], sizes: tuple[int, ...]) -> list[Any]:
    """(comments, best similarity) of each article's own comments at each size."""
    out = []
    for size in sizes:
        for a in articles:
            mine = c.members[a]
            best = best_similarity(c, mine, a, size)
            ok = ~np.isnan(best)
            if ok.any():
                out.append((mine[ok], best[ok]))
    return out


def other_pairs(c: Corpus, articles: list[int], sizes: tuple[int, ...]) -> list[Any]:
    """(comments, best similarity) of the comments of ``articles`` on every other article."""
    out = []
    comments = np.concatenate([c.members[a] for a in articles])
    for size in sizes:
        for t in range(len(c.members)):
            mine = comments[c.article_of[comments] != t]
            best = best_similarity(c, mine, t, size)
            ok = ~np.isnan(best)
            if ok.any():
                out.append((mine[ok], best[ok]))
    return out


def pooled(pairs: list[Any]) -> Any:
    """The pairs of every size as one (comments, best similarity)."""
    if not pairs:
        return None
    return np.concatenate([m for m, _ in pairs]), np.concatenate([b for _, b in pairs])


def rate(c: Corpus, pairs: list[Any], slope: float, intercept: float, hold: float) -> float:
    """The held share of the pairs, pooled over their sizes."""
    both = pooled(pairs)
    if both is None:
        return float("nan")
    return float(held(c, both[0], both[1], slope, intercept, hold).mean())


def fit_intercept(
    corpora: list[tuple[Corpus, list[Any], float]], slope: float, hold: float
) -> float:
    """The largest intercept (most off-topic comments caught) at which every corpus's own
    held rate is at most its target: (corpus, own pairs, target) each."""
    ready = [(c, pooled(p), t) for c, p, t in corpora if p]
    lo, hi = -40.0, 40.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if all(held(c, m, b, slope, mid, hold).mean() <= t for c, (m, b), t in ready):
            lo = mid
        else:
            hi = mid
    return round(lo, 4)


def _articles(corpora: list[Corpus]) -> list[tuple[int, int]]:
    return [(k, a) for k, c in enumerate(corpora) for a in range(len(c.members))]


def fit(corpora: list[Corpus], chosen: list[tuple[int, int]], slope: float, intercept: float,
        hold: float) -> dict[int, float]:  # fmt: skip
    """Each anchor length's intercept from the articles ``chosen`` ((corpus, article) pairs);
    the full thread's is the shipped one."""
    per = [[a for k, a in chosen if k == i] for i in range(len(corpora))]
    targets = [
        rate(c, own_pairs(c, arts, (THREAD_SIZE,)), slope, intercept, hold)
        for c, arts in zip(corpora, per, strict=True)
    ]
    fitted = {
        n: fit_intercept(
            [
                (c, own_pairs(c, arts, (n,)), t)
                for c, arts, t in zip(corpora, per, targets, strict=True)
            ],
            slope,
            hold,
        )  # fmt: skip
        for n in ANCHORS
    }
    return {**fitted, THREAD_SIZE: intercept}


def intercept_at(length: int, anchors: dict[int, float]) -> float:
    """The intercept at a thread length: linear in log(1 + length) between anchors."""
    lengths = sorted(anchors)
    xs = np.log1p(np.array(lengths, dtype=np.float64))
    return float(np.interp(math.log1p(length), xs, [anchors[n] for n in lengths]))


def cross_validate(
    corpora: list[Corpus], slope: float, intercept: float, hold: float
) -> dict[str, Any]:
    """Out-of-fold own and other held rates per corpus and band of lengths (group k-fold by
    article), with the shipped calibration's own rate beside them, and the highest own rate
    of any single length."""
    articles = _articles(corpora)
    groups = np.arange(len(articles))
    fold_of: dict[tuple[int, int], dict[int, float]] = {}
    for train, test in GroupKFold(n_splits=FOLDS).split(groups, groups=groups):
        fitted = fit(corpora, [articles[i] for i in train], slope, intercept, hold)
        for i in test:
            fold_of[articles[i]] = fitted
    out: dict[str, Any] = {}
    for k, c in enumerate(corpora):
        per_size: dict[int, list[float]] = defaultdict(lambda: [0.0] * 6)
        for a in range(len(c.members)):
            fitted = fold_of[(k, a)]
            for size in range(THREAD_SIZE + 1):
                icpt = intercept_at(size, fitted)
                row = per_size[size]
                for m, b in own_pairs(c, [a], (size,)):
                    row[0] += float(held(c, m, b, slope, icpt, hold).sum())
                    row[1] += len(m)
                    row[4] += float(held(c, m, b, slope, intercept, hold).sum())
                for m, b in other_pairs(c, [a], (size,)):
                    row[2] += float(held(c, m, b, slope, icpt, hold).sum())
                    row[3] += len(m)
                    row[5] += float(held(c, m, b, slope, intercept, hold).sum())
        entry: dict[str, Any] = {}
        for band in REPORT_BANDS:
            r = np.sum([per_size[n] for n in range(band[0], band[1] + 1)], axis=0)
            entry[_label(band)] = {
                "own_held": round(r[0] / r[1], 4),
                "own_held_shipped": round(r[4] / r[1], 4),
                "other_held": round(r[2] / r[3], 4),
                "other_held_shipped": round(r[5] / r[3], 4),
                "own_n": int(r[1]),
                "other_n": int(r[3]),
            }
        worst = max(range(THREAD_SIZE), key=lambda n: per_size[n][0] / per_size[n][1])
        entry["highest_own_held"] = {
            "length": worst,
            "own_held": round(per_size[worst][0] / per_size[worst][1], 4),
        }
        out[c.name] = entry
    return out


def _label(band: tuple[int, int]) -> str:
    lo, hi = band
    return f"{lo}" if lo == hi else f"{lo}-{hi}"


def size_report(corpora: list[Corpus], slope: float, intercept: float, hold: float) -> None:
    """Own held rate per single thread size, shipped calibration (exploration, stderr)."""
    for c in corpora:
        arts = list(range(len(c.members)))
        for size in (0, 1, 2, 3, 4, 5, 7, 10, 14, 19, 20, 30, 40, 49, 50):
            own = rate(c, own_pairs(c, arts, (size,)), slope, intercept, hold)
            print(f"  {c.name} size {size:2d}: own held {own:.1%}", file=sys.stderr)


def bar(cv: dict[str, Any]) -> tuple[bool, list[str]]:
    """The pre-registered bar on the out-of-fold figures."""
    ok, lines = True, []
    for name, bands in cv.items():
        full = bands[_label((THREAD_SIZE, THREAD_SIZE))]["own_held"]
        for band in REPORT_BANDS:
            r = bands[_label(band)]
            passed = bool(r["own_held"] <= full + TOLERANCE)
            ok = ok and passed
            lines.append(
                f"{name} thread {_label(band):5s}: own held {r['own_held_shipped']:.1%} ->"
                f" {r['own_held']:.1%} (full thread {full:.1%}), other held"
                f" {r['other_held_shipped']:.1%} -> {r['other_held']:.1%}"
                f" {'ok' if passed else 'FAILS'}"
            )
        worst = bands["highest_own_held"]
        passed = bool(worst["own_held"] <= full + SIZE_TOLERANCE)
        ok = ok and passed
        lines.append(
            f"{name} highest own held of one length: {worst['own_held']:.1%} at"
            f" {worst['length']} {'ok' if passed else 'FAILS'}"
        )
    return ok, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--sizes", action="store_true", help="print held rates per size")
    args = parser.parse_args()
    cal = heads().meta["relevance"]
    slope, intercept = float(cal["slope"]), float(cal["intercept"])
    clause = next(c for c in load_policy().clauses if c.clause == "irrelevant")
    hold = float(clause.hold_threshold)
    corpora = [
        prepare(name, [r for r in ds.split(rows, False) if r.text.strip()])
        for name, rows in (("fox_news", ds.fox_news(args.data)), ("sfu", ds.sfu(args.data)))
    ]
    if args.sizes:
        size_report(corpora, slope, intercept, hold)
    cv = cross_validate(corpora, slope, intercept, hold)
    ok, lines = bar(cv)
    for line in lines:
        print(line, file=sys.stderr)
    print(f"bar {'passed' if ok else 'FAILED'}", file=sys.stderr)
    fitted = fit(corpora, _articles(corpora), slope, intercept, hold)
    doc = {
        "about": "Intercepts of the irrelevant clause's off-topic probability per thread length"
        " (published comments the comment is judged against), each holding no more of an"
        " article's own comments than the latest-50 thread with meta.relevance of heads.json;"
        " from 50 on, heads.json's. Written by scripts/fit_relevance_bands.py.",
        "heads_relevance": {"slope": slope, "intercept": intercept},
        "hold_threshold": hold,
        "slope": slope,
        "anchors": [{"length": n, "intercept": fitted[n]} for n in sorted(fitted)],
        "cross_validated": cv,
        "bar_passed": ok,
    }
    text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    if not math.isfinite(sum(b["intercept"] for b in doc["anchors"])):
        raise SystemExit("an intercept is not finite")


if __name__ == "__main__":
    main()
