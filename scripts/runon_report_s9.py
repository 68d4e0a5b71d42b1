"""What reading run-on sentences in windows of clauses adds, out of fold (checks.run_on_windows).

Usage::

    python scripts/runon_report_s9.py [--data ../shared/data] [--show 8]

A comment of one long sentence (neutral padding joined with commas and "and", an attack in
the middle) is scored as a whole, so the padding dilutes the attack. checks.RUN_ON_WINDOWS
also scores, for a sentence of more than checks.RUN_ON_WINDOW_WORDS words, its windows of
checks.RUN_ON_WINDOW neighbouring clauses that name a group, each discounted by
checks.RUN_ON_DISCOUNT (logit units). With the heads refitted in 5 folds exactly as
scripts/padding_report.py does (every comment scored by a head that did not see it), this
prints for each window size, length and discount how many non-hateful and hateful Fox News,
SFU and ETHOS comments the racist (>= 0.8) or personal (>= 0.75) clause newly holds against
the sentences alone (checks-5's pieces), and how many pieces it embeds; session 8's cut into
single clauses (checks.SPLIT_RUN_ONS) is printed beside it. With ``--per-dataset`` it prints
instead, with the shipped heads and the default policy, how many non-evaluation texts of each
dataset (Fox News, SFU, ETHOS, Davidson, Jigsaw, English Leipzig sentences) the shipped
windows newly hold as racist or personal. Only non-evaluation rows are read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from defamation_report_s9 import datasets  # noqa: E402
from padding_report import Scores, oof_scores  # noqa: E402
from train_moderation import training_rows  # noqa: E402

from mutewatch.moderate import checks  # noqa: E402
from mutewatch.moderate import datasets as ds  # noqa: E402

Pieces = dict[str, list[tuple[int, int]]]
WINDOWS = (1, 2, 3)
WORDS = (25, 30, 35, 40, 50)
DISCOUNTS = (0.25, 0.5, 0.75, 1.0)


def pieces(texts: list[str], split: bool, windows: bool, k: int, words: int) -> Pieces:
    """Each text's candidate pieces with the given settings of checks."""
    names = ("SPLIT_RUN_ONS", "RUN_ON_WINDOWS", "RUN_ON_WINDOW", "RUN_ON_WINDOW_WORDS")
    saved = [getattr(checks, n) for n in names]
    try:
        for n, v in zip(names, (split, windows, k, words), strict=True):
            setattr(checks, n, v)
        return {t: checks.candidate_sentences(t) for t in texts}
    finally:
        for n, v in zip(names, saved, strict=True):
            setattr(checks, n, v)


def held(text: str, scores: Scores, spans: list[int], cut: list[float]) -> bool:
    """Whether racist or personal holds ``text``: the best of the whole comment and each of
    ``spans`` (indices into the union scored) discounted by ``cut``."""

    def head(name: str) -> float:
        whole, each = scores[text][name]
        best = whole
        for i, d in zip(spans, cut, strict=True):
            s = each[i]
            if 0 < s < 1:
                best = max(best, float(1 / (1 + np.exp(-(np.log(s / (1 - s)) - d)))))
        return best

    racist, personal = checks.clause_scores(text, head("racist"), head("personal"))
    return bool(racist >= 0.8 or personal >= 0.75)


def per_dataset(data: Path, show: int) -> None:
    """Newly held texts of each dataset with the shipped heads: only texts whose candidate
    pieces the windows change are decided again, with the windows off and on."""
    from mutewatch.moderate.checks import CommentInput, Moderator
    from mutewatch.moderate.policy import load_policy

    moderator = Moderator(load_policy())

    def flagged(texts: list[str]) -> set[str]:
        out = set()
        for d in moderator.check([CommentInput(str(i), t, "") for i, t in enumerate(texts)]):
            fired = {c.clause for c in d.clauses if c.fired}
            if fired & {"racist", "personal"}:
                out.add(texts[int(d.id)])
        return out

    for name, texts in datasets(data).items():
        k, n = checks.RUN_ON_WINDOW, checks.RUN_ON_WINDOW_WORDS
        on, off = pieces(texts, False, True, k, n), pieces(texts, False, False, k, n)
        changed = [t for t in texts if on[t] != off[t]]
        saved = checks.RUN_ON_WINDOWS
        try:
            checks.RUN_ON_WINDOWS = False
            before = flagged(changed)
            checks.RUN_ON_WINDOWS = True
            after = flagged(changed)
        finally:
            checks.RUN_ON_WINDOWS = saved
        new = sorted(after - before)
        print(f"{name}: {len(texts)} texts, {len(changed)} read in windows, newly held"
              f" {len(new)}, no longer held {len(before - after)}")  # fmt: skip
        for t in new[:show]:
            print("    newly held:", repr(t[:140]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--show", type=int, default=8, help="newly held texts shown per variant")
    parser.add_argument("--per-dataset", action="store_true", help="shipped heads, per dataset")
    args = parser.parse_args()
    if args.per_dataset:
        per_dataset(args.data, args.show)
        return
    rows = training_rows(args.data)
    labelled = [(r.text, r.labels["hateful"]) for r in rows["fox"]]
    labelled += [(r.text, r.labels["toxic"]) for r in rows["sfu"]]
    labelled += [(r.text, r.labels["hate"]) for r in rows["ethos"]]
    texts = sorted({r.text for rows_of in rows.values() for r in rows_of})
    base = pieces(texts, False, False, 2, 25)
    variants = {"session-8 clauses": pieces(texts, True, False, 2, 25)}
    for k in WINDOWS:
        for n in WORDS:
            variants[f"windows of {k}, > {n} words"] = pieces(texts, False, True, k, n)
    union: Pieces = {
        t: sorted({s for v in [base, *variants.values()] for s in v[t]}) for t in texts
    }
    scores, _ = oof_scores(args.data, union)
    neg = [t for t, y in labelled if not y]
    pos = [t for t, y in labelled if y]
    print(f"non-hateful {len(neg)}, hateful {len(pos)} (non-evaluation rows)")
    shipped = {t: held(t, scores, [union[t].index(s) for s in base[t]],
                       [checks.SENTENCE_DISCOUNT] * len(base[t])) for t, _ in labelled}  # fmt: skip
    n_base = sum(len(base[t]) for t, _ in labelled)
    print(f"sentences alone (checks-5): held non-hateful {sum(shipped[t] for t in neg)}, hateful"
          f" {sum(shipped[t] for t in pos)}; {n_base} pieces embedded")  # fmt: skip
    for name, per in variants.items():
        extra = sum(len(set(per[t]) - set(base[t])) for t, _ in labelled)
        for d in DISCOUNTS:
            now = {}
            for t, _ in labelled:
                idx = [union[t].index(s) for s in per[t]]
                cut = [checks.SENTENCE_DISCOUNT if s in base[t] else d for s in per[t]]
                now[t] = held(t, scores, idx, cut)
            fp = [t for t in neg if now[t] and not shipped[t]]
            tp = [t for t in pos if now[t] and not shipped[t]]
            lost = sum(shipped[t] and not now[t] for t, _ in labelled)
            print(f"{name}, discount {d}: newly held non-hateful {len(fp)}, hateful {len(tp)};"
                  f" no longer held {lost}; {extra} more pieces embedded")  # fmt: skip
            shipped_name = (
                f"windows of {checks.RUN_ON_WINDOW}, > {checks.RUN_ON_WINDOW_WORDS} words"
            )
            if name != shipped_name or d != checks.RUN_ON_DISCOUNT:
                continue
            for t in fp[: args.show]:
                print("    non-hateful newly held:", repr(t[:140]))
            for t in tp[: args.show]:
                print("    hateful newly held:", repr(t[:140]))


if __name__ == "__main__":
    main()
