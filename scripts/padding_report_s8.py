"""What checks-5's candidate pieces add to checks-4's, out of fold (checks.candidate_sentences).

Usage::

    python scripts/padding_report_s8.py [--data ../shared/data]

checks-4 scored the sentences that name an identity group alone. checks-5 also scores such a
sentence together with the next one when that one refers back ("They are ...":
checks.FOLLOW_BACK_REFERENCES); checks.SPLIT_RUN_ONS would cut a sentence of more than
checks.RUN_ON_WORDS words into clauses first (shipped off: it costs more than it catches).
With the heads refitted in 5 folds exactly as scripts/padding_report.py does (every comment
scored by a head that did not see it), this prints how many non-hateful and hateful Fox
News, SFU and ETHOS comments the racist (>= 0.8) or personal (>= 0.75) clause holds with each
variant that checks-4 did not, for a few discounts. Only non-evaluation rows are read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from padding_report import Spans, held, oof_scores  # noqa: E402
from train_moderation import training_rows  # noqa: E402

from mutewatch.moderate import checks  # noqa: E402
from mutewatch.moderate import datasets as ds  # noqa: E402

VARIANTS = {
    "checks-4": (False, False),
    "follow": (True, False),
    "run-ons cut": (False, True),
    "follow + run-ons cut": (True, True),
}
"""(checks.FOLLOW_BACK_REFERENCES, checks.SPLIT_RUN_ONS) of each variant."""


def candidates(texts: list[str]) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """Each variant's candidate pieces of each text."""
    out: dict[str, dict[str, list[tuple[int, int]]]] = {}
    saved = checks.FOLLOW_BACK_REFERENCES, checks.SPLIT_RUN_ONS
    try:
        for name, (follow, cut) in VARIANTS.items():
            checks.FOLLOW_BACK_REFERENCES, checks.SPLIT_RUN_ONS = follow, cut
            out[name] = {t: checks.candidate_sentences(t) for t in texts}
    finally:
        checks.FOLLOW_BACK_REFERENCES, checks.SPLIT_RUN_ONS = saved
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    args = parser.parse_args()
    rows = training_rows(args.data)
    labelled = [(r.text, r.labels["hateful"]) for r in rows["fox"]]
    labelled += [(r.text, r.labels["toxic"]) for r in rows["sfu"]]
    labelled += [(r.text, r.labels["hate"]) for r in rows["ethos"]]
    texts = sorted({r.text for rows_of in rows.values() for r in rows_of})
    per = candidates(texts)
    union: Spans = {t: sorted({s for v in per.values() for s in v[t]}) for t in texts}
    for name, spans in per.items():
        pieces = sum(len(spans[t]) for t, _ in labelled)
        print(f"{name}: {pieces} pieces embedded for {len(labelled)} comments")
    scores, _ = oof_scores(args.data, union)
    neg = [t for t, y in labelled if not y]
    pos = [t for t, y in labelled if y]
    print(f"non-hateful {len(neg)}, hateful {len(pos)} (non-evaluation rows)")
    for delta in (0.25, 0.5, 0.75):
        base: dict[str, bool] = {}
        for name, spans in per.items():
            now = {}
            for t, _ in labelled:
                mine = set(spans[t])

                def keep(i: int, t: str = t, mine: set[tuple[int, int]] = mine) -> bool:
                    return union[t][i] in mine

                now[t] = held(t, scores, keep, delta)
            if name == "checks-4":
                base = now
            fp = [t for t in neg if now[t] and not base[t]]
            tp = [t for t in pos if now[t] and not base[t]]
            lost = sum(base[t] and not now[t] for t in neg + pos)
            print(f"discount {delta} {name}: held non-hateful {sum(now[t] for t in neg)},"
                  f" hateful {sum(now[t] for t in pos)}; newly held vs checks-4: non-hateful"
                  f" {len(fp)}, hateful {len(tp)}; no longer held {lost}")  # fmt: skip
            if name != "checks-4" and delta == checks.SENTENCE_DISCOUNT:
                for t in fp:
                    print("    non-hateful newly held:", repr(t[:160]))


if __name__ == "__main__":
    main()
