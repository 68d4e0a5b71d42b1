"""Issue 5: would an identity-term counterfactual tell a friendly group mention from an attack?

Usage::

    MUTEWATCH_DATA=../shared/data python scripts/identity_counterfactual_report_s25.py

Tried in session 25 (not shipped). The rule: a comment whose words include an identity term
(``checks.IDENTITY_TERMS``; none of the slurs ``PEJORATIVE_TERMS``) is scored again with each
term replaced by a neutral word ("people" for a plural term, "local" for the rest: "Muslims
are welcome here." -> "people are welcome here."); when that counterfactual reads as harmless
to both heads (max(racist, personal) < L), the group word alone made the comment look like an
attack, and the racist and personal heads are capped at 0.6, under the hold band (as
checks-8 caps a bare mention; the lexicon still scores what it finds).

Out of fold, as scripts/train_moderation.py's operating_point_report computes it (the same
non-evaluation rows, folds and C; each counterfactual is scored by the fold model that
scored its comment; Fox News hateful rows, which the racist head is not fitted on, by the
final head), at the policy (racist >= 0.8 or personal >= 0.75). Bar set before measuring:
recall on Fox hateful, ETHOS hate and ETHOS racist down at most 2 points each, harmless
group-mentioning comments held down at least 2 points; variants L = 0.3, 0.4, 0.5 only.

    L      harmless held   Fox hateful   ETHOS hate    ETHOS racist  Fox non-hateful held
    off    33/336 9.8%     72/363 19.8%  188/343 54.8% 105/174 60.3% 44/883 5.0%
    0.3    33/336 9.8%     72/363 19.8%  188/343 54.8% 105/174 60.3% 44/883 5.0%
    0.4    31/336 9.2%     72/363 19.8%  186/343 54.2% 103/174 59.2% 43/883 4.9%
    0.5    25/336 7.4%     70/363 19.3%  182/343 53.1%  99/174 56.9% 41/883 4.6%

No variant passes (0.4 moves harmless 0.6 points; 0.5 costs ETHOS racist 3.4 points), so the
checks do not use it. The counterfactual cannot tell "Muslims are the problem" or "blacks
love being victims" (attacks that read harmless with "people") from "Muslims are welcome
here": the group word carries the attack. Most harmless comments held are no plain mention
either (sarcasm, arguments about a religion), as the template augmentation found
(scripts/train_moderation.py's docstring). Takes about 10 s with the embedding cache warm.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).parent))
import train_moderation as tm  # noqa: E402

from mutewatch.moderate import checks  # noqa: E402
from mutewatch.moderate import datasets as ds  # noqa: E402
from mutewatch.moderate._lexicon import _IDENTITY_RE, IDENTITY_TERMS, PEJORATIVE_TERMS  # noqa: E402
from mutewatch.moderate.evaluate import embed_cached  # noqa: E402
from mutewatch.moderate.models import heads  # noqa: E402

PLURAL_TERMS = frozenset(t for t in IDENTITY_TERMS if t.endswith("s"))
"""Identity terms that name people in the plural: replaced by "people"."""
CAP = 0.6
"""The head cap when the counterfactual reads harmless (the lexicon's *_head_when_explained)."""
LEVELS = (0.3, 0.4, 0.5)
HEADS = ("racist", "personal")


def counterfactual(text: str) -> str | None:
    """``text`` with each identity term replaced by a neutral word; None when it names no
    group or uses a slur (``PEJORATIVE_TERMS``: no neutral mention to compare with)."""
    terms = {m.group(0).lower() for m in _IDENTITY_RE.finditer(text)}
    if not terms or terms & PEJORATIVE_TERMS:
        return None
    return _IDENTITY_RE.sub(
        lambda m: "people" if m.group(0).lower() in PLURAL_TERMS else "local", text
    )


def out_of_fold(
    data: Path,
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]], dict[str, str]]:
    """Out-of-fold head scores of every non-evaluation text and of its counterfactual."""
    rows = tm.training_rows(data)
    sets = tm.label_sets(rows, tm._ethos_violence(data), (), 0.0)
    report = sorted({r.text for key in ("fox", "sfu", "ethos") for r in rows[key]})
    cf_of = {t: c for t in report if (c := counterfactual(t))}
    texts = sorted({t for name in HEADS for t, *_ in sets[name]} | set(report))
    vec = dict(zip(texts, embed_cached(texts), strict=True))
    cfs = sorted(set(cf_of.values()))
    cf_vec = dict(zip(cfs, embed_cached(cfs), strict=True))
    oof: dict[str, dict[str, float]] = {}
    oof_cf: dict[str, dict[str, float]] = {}
    for name in HEADS:
        items = sets[name]
        x = np.stack([vec[t] for t, *_ in items])
        y = np.array([label for _, label, _, _ in items])
        w = np.array([weight for _, _, weight, _ in items], dtype=float)
        w = np.where(y == 1, w * (w[y == 0].sum() / w[y == 1].sum()), w)
        c = float(heads().get(name).meta["C"])
        models = []
        for train, test in tm._folds(y, np.ones(len(y), dtype=bool)):
            model = LogisticRegression(C=c, max_iter=2000).fit(x[train], y[train], w[train])
            models.append(model)
            for i, score in zip(test, model.predict_proba(x[test])[:, 1], strict=True):
                text = items[i][0]
                oof.setdefault(text, {})[name] = float(score)
                if text in cf_of:
                    p = model.predict_proba(cf_vec[cf_of[text]][None, :])[0, 1]
                    oof_cf.setdefault(text, {})[name] = float(p)
        final = LogisticRegression(C=c, max_iter=2000).fit(x, y, w)
        for text in report:  # a text this head is not fitted on takes its final score
            if name not in oof.get(text, {}):
                oof.setdefault(text, {})[name] = float(final.predict_proba(vec[text][None])[0, 1])
                if text in cf_of:
                    p = final.predict_proba(cf_vec[cf_of[text]][None, :])[0, 1]
                    oof_cf.setdefault(text, {})[name] = float(p)
    return oof, oof_cf, cf_of


def report_groups(data: Path) -> dict[str, list[str]]:
    """The non-evaluation texts the report's columns count, by column."""
    ethos = ds.split(ds.ethos(data), evaluation=False)
    fox = ds.split(ds.fox_news(data), evaluation=False)
    sfu = ds.split(ds.sfu(data), evaluation=False)
    harmless = (
        [r.text for r in fox if not r.labels["hateful"]]
        + [r.text for r in sfu if not r.labels["toxic"]]
        + [r.text for r in ethos if not r.labels["hate"]]
    )
    return {
        "harmless held": [t for t in harmless if checks.identity_mentions(t)],
        "Fox hateful": [r.text for r in fox if r.labels["hateful"]],
        "ETHOS hate": [r.text for r in ethos if r.labels["hate"]],
        "ETHOS racist": [r.text for r in ethos if r.labels["racist"]],
        "Fox non-hateful held": [r.text for r in fox if not r.labels["hateful"]],
    }


def main() -> None:
    data = ds.default_data_dir()
    oof, oof_cf, cf_of = out_of_fold(data)

    def held(texts: list[str], level: float | None) -> str:
        fired = 0
        for t in texts:
            r, p = oof[t]["racist"], oof[t]["personal"]
            if level is not None and t in cf_of and max(oof_cf[t].values()) < level:
                r, p = min(r, CAP), min(p, CAP)
            racist, personal = checks.clause_scores(t, r, p)
            fired += racist >= tm.POLICY_RACIST_HOLD or personal >= tm.POLICY_PERSONAL_HOLD
        return f"{fired}/{len(texts)} {fired / len(texts):.1%}"

    groups = report_groups(data)
    for level in (None, *LEVELS):
        cells = "; ".join(f"{k} {held(v, level)}" for k, v in groups.items())
        print(f"L = {level or 'off'}: {cells}")


if __name__ == "__main__":
    main()
