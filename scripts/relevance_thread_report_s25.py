"""How many of an article's own comments the irrelevant clause holds, by the thread they are
judged against (session 25). Non-evaluation rows of the Fox News and SFU comments only.

The policy's figure until session 25 (about 4-6% of own comments held, 34-62% of other
articles' comments; the benchmark held 16%) was measured as ``scripts/train_moderation.py``
calibrates and ``moderate evaluate`` scores: against the article's whole thread, every other
non-evaluation comment of the article (50-207 on Fox News, 2-103 on SFU; the comments written
after it too). The service judges a comment against its latest ``THREAD_SIZE`` (50)
published comments, and a new article against its title and lead alone. The thread
similarity is the mean of the top 3: the more comments, the nearer the top 3 come, so the
same comment scores more off-topic on a shorter thread.

Threads measured, per article, the article's other comments in file order:

- ``whole``: all of them (the calibration's and the evaluation's thread);
- ``service``: the latest ``THREAD_SIZE`` (the benchmark's seeds are the article's last 50);
- ``young``: the latest 10;
- ``none``: no thread (the article, title and lead, alone).

From checks-11 a thread shorter than 50 has its own calibration (scripts/fit_relevance_bands.py,
which simulates each comment's thread as the comments before it and reports out of fold); the
threads here are the same for every comment of an article.

Each comment is scored by ``check_relevance`` (reactions and spam included) and counted held
at the shipped policy's hold threshold; other-article rates pair every comment with every
other article of its corpus. For the Fox News replies (``prev``, the comment answered), the
``service`` rate is also given with the parent, when the parent is not an evaluation text.

    python scripts/relevance_thread_report_s25.py [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.moderate import datasets as ds
from mutewatch.moderate.checks import CommentInput, Features, Topic, check_relevance
from mutewatch.moderate.evaluate import embed_cached
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import THREAD_SIZE

THREADS: dict[str, int | None] = {"whole": None, "service": THREAD_SIZE, "young": 10, "none": 0}
"""Each thread: how many of the article's latest other comments it holds (None: all)."""


def _hold_threshold() -> float:
    clause = next(c for c in load_policy().clauses if c.clause == "irrelevant")
    return float(clause.hold_threshold)


def _score(text: str, vector: npt.NDArray[np.float32], topic: Topic) -> float:
    features = Features(CommentInput("c", text, "Ana Silva"), vector, topic)
    return float(check_relevance(features)[0])


def _thread(others: list[int], size: int | None) -> list[int]:
    """The latest ``size`` of an article's other comments (file order), all for None."""
    return others if size is None else others[len(others) - size :] if size else []


def held_rates(rows: list[ds.Row], parents: list[str] | None = None) -> dict[str, Any]:
    """Held rates of own and other articles' comments per thread of ``THREADS``; with
    ``parents`` (the text each row answers, "" for none), the replies' rates on the
    ``service`` thread with and without their parent."""
    hold = _hold_threshold()
    titles = sorted({r.group for r in rows})
    lead = {r.group: f"{r.group}. {r.context}".strip(". ") for r in rows}
    article = dict(zip(titles, embed_cached([lead[t] for t in titles]), strict=True))
    vectors = embed_cached([r.text for r in rows])
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_article[r.group].append(i)
    out: dict[str, Any] = {"comments": len(rows), "articles": len(titles)}
    for name, size in THREADS.items():
        own: list[bool] = []
        other: list[bool] = []
        for title in titles:
            mine = by_article[title]
            for i, r in enumerate(rows):
                others = [j for j in mine if j != i]
                topic = Topic(title, article[title], vectors[_thread(others, size)])
                (own if r.group == title else other).append(
                    _score(r.text, vectors[i], topic) >= hold
                )
        out[name] = {
            "own_held": round(float(np.mean(own)), 4),
            "own_n": len(own),
            "other_held": round(float(np.mean(other)), 4),
            "other_n": len(other),
        }
    if parents is not None:
        out["replies"] = _replies(rows, parents, article, vectors, by_article, hold)
    return out


def _replies(
    rows: list[ds.Row],
    parents: list[str],
    article: dict[str, npt.NDArray[np.float32]],
    vectors: npt.NDArray[np.float32],
    by_article: dict[str, list[int]],
    hold: float,
) -> dict[str, Any]:
    """Own-article held rates on the ``service`` thread: top-level comments, and replies
    without and with their parent (an evaluation text is no parent: left out)."""
    usable = [bool(p.strip()) and not ds.is_evaluation(p) for p in parents]
    parent_vectors = embed_cached([p if ok else "" for p, ok in zip(parents, usable, strict=True)])
    held: dict[str, list[bool]] = defaultdict(list)
    for i, r in enumerate(rows):
        others = [j for j in by_article[r.group] if j != i]
        thread = vectors[_thread(others, THREAD_SIZE)]
        bare = _score(r.text, vectors[i], Topic(r.group, article[r.group], thread))
        if not parents[i].strip():
            held["top_level"].append(bare >= hold)
            continue
        held["replies"].append(bare >= hold)
        parent = parent_vectors[i] if usable[i] else None
        with_parent = _score(r.text, vectors[i], Topic(r.group, article[r.group], thread, parent))
        held["replies_with_parent"].append(with_parent >= hold)
    return {k: {"held": round(float(np.mean(v)), 4), "n": len(v)} for k, v in held.items()}


def fox_news_parents(data: Path, rows: list[ds.Row]) -> list[str]:
    """The comment each of ``rows`` (Fox News, in file order) answers: the file's ``prev``."""
    path = data / "moderation" / "fox_news_comments.json"
    prev: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            prev.setdefault(rec["text"], rec.get("prev", "") or "")
    return [prev.get(r.text, "") for r in rows]


def report(data: Path) -> dict[str, Any]:
    """``held_rates`` of the non-evaluation Fox News and SFU comments (non-empty texts)."""
    fox = [r for r in ds.split(ds.fox_news(data), False) if r.text.strip()]
    sfu = [r for r in ds.split(ds.sfu(data), False) if r.text.strip()]
    return {
        "hold_threshold": _hold_threshold(),
        "thread_size": THREAD_SIZE,
        "fox_news": held_rates(fox, fox_news_parents(data, fox)),
        "sfu": held_rates(sfu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    out = report(args.data)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for corpus in ("fox_news", "sfu"):
        rates = out[corpus]
        print(f"{corpus}: {rates['comments']} comments on {rates['articles']} articles")
        for name in THREADS:
            r = rates[name]
            print(f"  thread {name:8s} own held {r['own_held']:.1%} ({r['own_n']}),"
                  f" other held {r['other_held']:.1%} ({r['other_n']})")  # fmt: skip
        for name, r in rates.get("replies", {}).items():
            print(f"  service thread, {name}: held {r['held']:.1%} ({r['n']})")


if __name__ == "__main__":
    main()
