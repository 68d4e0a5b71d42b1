"""How many non-evaluation comments the per-sentence head scores newly hold (checks.py).

Usage::

    python scripts/padding_report.py [--data ../shared/data]

The racist and personal heads are refitted in 5 folds exactly as scripts/train_moderation.py
fits them (same rows, weights, C and seed), so every comment is scored by a head that did not
see it: its whole-comment score and the scores of its ``candidate_sentences`` read alone.
For each discount (logit units; checks.SENTENCE_DISCOUNT is the shipped one) it prints how
many non-hateful and hateful Fox News, SFU and ETHOS comments the racist (>= 0.8) or personal
(>= 0.75) clause holds that it did not hold on the whole comment alone, and the same for
every sentence instead of the candidates. Only non-evaluation rows are read. Sentence
embeddings are cached under /tmp/mutewatch-embeddings (about a minute the first time).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_moderation import SEED, _ethos_violence, label_sets, training_rows  # noqa: E402

from mutewatch.moderate import checks  # noqa: E402
from mutewatch.moderate import datasets as ds  # noqa: E402
from mutewatch.moderate.evaluate import embed_cached  # noqa: E402
from mutewatch.moderate.models import heads  # noqa: E402

Spans = dict[str, list[tuple[int, int]]]
Scores = dict[str, dict[str, tuple[float, list[float]]]]


def oof_scores(data: Path, spans_of: Spans) -> tuple[Scores, dict[str, list[ds.Row]]]:
    """Out-of-fold (whole, per-span) scores of both heads for every training text."""
    rows = training_rows(data)
    for rows_of in rows.values():
        assert not any(ds.is_evaluation(r.text) for r in rows_of), "evaluation row"
    sets = label_sets(rows, _ethos_violence(data))
    texts = sorted({r.text for rows_of in rows.values() for r in rows_of})
    vec = dict(zip(texts, embed_cached(texts), strict=True))
    pieces = sorted({t[a:b] for t in texts for a, b in spans_of.get(t, [])})
    pvec = dict(zip(pieces, embed_cached(pieces), strict=True))
    out: Scores = {}
    for name in ("racist", "personal"):
        c = float(heads().get(name).meta.get("C", 1.0))
        items = sets[name]
        x = np.stack([vec[t] for t, *_ in items])
        y = np.array([lab for _, lab, _, _ in items])
        w = np.array([wt for _, _, wt, _ in items], dtype=float)
        w = np.where(y == 1, w * (w[y == 0].sum() / w[y == 1].sum()), w)

        def score(model: LogisticRegression, text: str) -> tuple[float, list[float]]:
            whole = float(model.predict_proba(vec[text][None, :])[0, 1])
            sp = [text[a:b] for a, b in spans_of.get(text, [])]
            each = model.predict_proba(np.stack([pvec[p] for p in sp]))[:, 1] if sp else []
            return whole, [float(s) for s in each]

        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
        for train, test in folds.split(x, y):
            model = LogisticRegression(C=c, max_iter=2000).fit(x[train], y[train], w[train])
            for i in test:
                out.setdefault(items[i][0], {})[name] = score(model, items[i][0])
        full = LogisticRegression(C=c, max_iter=2000).fit(x, y, w)
        for text in texts:  # rows this head was not fitted on (Fox hateful for racist)
            if name not in out.setdefault(text, {}):
                out[text][name] = score(full, text)
    return out, rows


def held(text: str, scores: Scores, keep: Callable[[int], bool], delta: float | None) -> bool:
    """Whether the racist or personal clause holds ``text`` (head: whole, or best span)."""

    def head(name: str) -> float:
        whole, each = scores[text][name]
        if delta is None:
            return whole
        z = [np.log(s / (1 - s)) - delta for i, s in enumerate(each) if keep(i) and 0 < s < 1]
        return max([whole] + [float(1 / (1 + np.exp(-v))) for v in z])

    racist, personal = checks.clause_scores(text, head("racist"), head("personal"))
    return racist >= 0.8 or personal >= 0.75


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    args = parser.parse_args()
    rows = training_rows(args.data)
    texts = sorted({r.text for rows_of in rows.values() for r in rows_of})
    every: Spans = {}
    for t in texts:
        spans = checks.sentence_spans(t)
        every[t] = spans if len(spans) >= 2 else []
    cands = {t: set(checks.candidate_sentences(t)) for t in texts}
    scores, rows = oof_scores(args.data, every)
    labelled = [(r.text, r.labels["hateful"]) for r in rows["fox"]]
    labelled += [(r.text, r.labels["toxic"]) for r in rows["sfu"]]
    labelled += [(r.text, r.labels["hate"]) for r in rows["ethos"]]
    ident = {t for t, _ in labelled if checks.identity_mentions(t)}
    neg = [t for t, y in labelled if not y]
    pos = [t for t, y in labelled if y]
    base = {t: held(t, scores, lambda i: False, None) for t, _ in labelled}
    print(f"non-hateful {len(neg)} ({len(ident & set(neg))} mention a group), hateful {len(pos)};"
          f" held on the whole comment: {sum(base[t] for t in neg)} and"
          f" {sum(base[t] for t in pos)}")  # fmt: skip
    for label, pick in (("candidate sentences", True), ("every sentence", False)):
        for delta in (0.0, 0.25, 0.5, 1.0):
            new: dict[str, bool] = {}
            for t, _ in labelled:
                spans = every[t]

                def keep(
                    i: int, t: str = t, spans: list[tuple[int, int]] = spans, pick: bool = pick
                ) -> bool:
                    return not pick or spans[i] in cands[t]

                new[t] = held(t, scores, keep, delta) and not base[t]
            fp = [t for t in neg if new[t]]
            mark = " (shipped)" if pick and delta == checks.SENTENCE_DISCOUNT else ""
            print(f"{label}, discount {delta}{mark}: newly held non-hateful {len(fp)}"
                  f" ({len(set(fp) & ident)} mention a group), hateful"
                  f" {sum(new[t] for t in pos)}")  # fmt: skip


if __name__ == "__main__":
    main()
