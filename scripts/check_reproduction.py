"""Run every script that writes a shipped moderation file into a temporary folder and compare.

Usage::

    python scripts/check_reproduction.py [--data ../shared/data] [--only NAME ...] [--keep DIR]
        [--dict /usr/share/dict]

Names: ``truecase`` (build_truecase.py), ``lexicon`` (train_language.py --lexicon-only),
``language`` (train_language.py: n-gram models, stackers and lexicon), ``heads``
(train_moderation.py), ``english`` (build_english_words.py: english_words.npz from Debian's
word lists, ``apt-get install -y wamerican wbritish``; skipped, saying so, when ``--dict``
lacks them; needs no research data). ``names_known.npz`` needs three PyPI archives (see
build_names.py) and is compared only with ``--names-sources DIR``. ``relevance_bands``
(fit_relevance_bands.py: the irrelevant clause's intercepts per thread length, fitted against
the shipped heads.json; about 5 s). Nothing under src/ is written.

Each file is compared bit for bit; where it differs, array by array. Logistic regressions fitted
by LBFGS or liblinear stop at a tolerance, so their last digits follow the floating-point
reduction order of the BLAS in use: such a file passes when every value is within the stated
tolerance and every decision is the same (for the heads: which side of each policy threshold
every training text falls on; for the stackers: the values agree to 1e-8). Exit status 1 when
a file neither matches nor passes. Measured on 2 shared cores (load 3-6): 135 s in all with
the embedding cache warm (truecase 2 s, language 52 s, heads 30 s, names 49 s); a cold cache
adds the embedding of 7,150 texts to the heads (about a minute of CPU).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
DATA = ROOT / "src" / "mutewatch" / "moderate" / "data"
HEADS = ROOT / "src" / "mutewatch" / "moderate" / "weights" / "heads.json"
BANDS = HEADS.with_name("relevance_bands.json")
HEAD_TOLERANCE = 1e-3
"""Largest difference accepted in a head weight or bias (measured: 6.8e-4, offensive)."""
STACK_TOLERANCE = 1e-8
"""Largest difference accepted in a stacker coefficient (measured 4e-15 to 5.8e-11: the
stackers differ from run to run in their last bits even on one machine)."""
POLICY_THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.9)
WORD_LISTS = ("american-english", "british-english")  # build_english_words.DICTS
ENGLISH = "english_words.npz"


def english_skip(folder: Path) -> str | None:
    """Why ``english`` cannot be rebuilt from ``folder`` (None: it can): the word lists
    build_english_words.py reads are not installed there."""
    missing = [n for n in WORD_LISTS if not (folder / n).is_file()]
    if not missing:
        return None
    return (
        f"english: skipped: no {' / '.join(missing)} in {folder}"
        " (apt-get install -y wamerican wbritish, or pass --dict DIR)"
    )


def _run(args: list[str]) -> float:
    started = time.time()
    subprocess.run([sys.executable, *args], check=True, cwd=ROOT)
    return time.time() - started


def compare_npz(new: Path, old: Path, tolerance: dict[str, float]) -> tuple[bool, list[str]]:
    """(acceptable, lines): bit-identical, or every array equal or within its tolerance."""
    if new.read_bytes() == old.read_bytes():
        return True, [f"{old.name}: identical"]
    ok, lines = True, []
    with np.load(new) as a, np.load(old) as b:
        if sorted(a.files) != sorted(b.files):
            return False, [f"{old.name}: arrays {sorted(a.files)} vs {sorted(b.files)}"]
        for key in b.files:
            x, y = a[key], b[key]
            if np.array_equal(x, y):
                continue
            if x.dtype.kind not in "fiu" or x.shape != y.shape:
                ok = False
                lines.append(f"{old.name}:{key}: {x!r} vs {y!r}")
                continue
            diff = float(np.abs(x.astype(np.float64) - y.astype(np.float64)).max())
            within = diff <= tolerance.get(key, 0.0)
            ok &= within
            lines.append(f"{old.name}:{key}: max difference {diff:.3g}" + ("" if within else " !"))
    return ok, lines


def compare_heads(new: Path, old: Path, data: Path) -> tuple[bool, list[str]]:
    """Heads within HEAD_TOLERANCE and the same side of every threshold on training texts."""
    if new.read_bytes() == old.read_bytes():
        return True, ["heads.json: identical"]
    sys.path.insert(0, str(SCRIPTS))
    import train_moderation as tm

    from mutewatch.moderate.evaluate import embed_cached

    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (new, old))
    ok, lines = True, []
    rows = tm.training_rows(data)
    texts = sorted({r.text for rows_of in rows.values() for r in rows_of})
    x = embed_cached(texts).astype(np.float64)
    for name, head in b["heads"].items():
        fresh = a["heads"][name]
        w_new, w_old = np.array(fresh["weights"]), np.array(head["weights"])
        diff = max(float(np.abs(w_new - w_old).max()), abs(fresh["bias"] - head["bias"]))
        p_new = 1 / (1 + np.exp(-(x @ w_new + fresh["bias"])))
        p_old = 1 / (1 + np.exp(-(x @ w_old + head["bias"])))
        flips = sum(int(((p_new >= t) != (p_old >= t)).sum()) for t in POLICY_THRESHOLDS)
        same_meta = fresh["meta"] == head["meta"]
        ok &= diff <= HEAD_TOLERANCE and flips == 0 and same_meta
        lines.append(
            f"heads.json:{name}: max weight difference {diff:.3g}, largest probability"
            f" difference {float(np.abs(p_new - p_old).max()):.3g} on {len(texts)} training"
            f" texts, {flips} threshold crossings, meta {'same' if same_meta else 'DIFFERS'}"
        )
    rel_a, rel_b = a["meta"]["relevance"], b["meta"]["relevance"]
    center = float(np.abs(np.array(rel_a["center"]) - np.array(rel_b["center"])).max())
    scalars = {k: (rel_a[k], rel_b[k]) for k in rel_b if k != "center"}
    # the centre is written rounded to 6 decimals: one step of that rounding is accepted
    same = all(x == y for x, y in scalars.values()) and center <= 1.5e-6
    ok &= same
    lines.append(f"heads.json:relevance: centre max difference {center:.3g}, {scalars}")
    return ok, lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument(
        "--only",
        nargs="*",
        default=["truecase", "lexicon", "language", "heads", "english", "relevance_bands"],
    )
    ap.add_argument("--dict", type=Path, default=Path("/usr/share/dict"), help="word lists' folder")
    ap.add_argument("--names-sources", type=Path, help="folder of build_names.py's archives")
    ap.add_argument("--keep", type=Path, help="write the rebuilt files here (default: a temp dir)")
    args = ap.parse_args(argv)
    needs_data = set(args.only) - {"english"} or args.names_sources
    if needs_data and not (args.data / "moderation").is_dir():
        print(f"no data at {args.data / 'moderation'}: pass --data", file=sys.stderr)
        return 2
    failed = False
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = args.keep or Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        data = ["--data", str(args.data)]
        jobs: list[tuple[str, list[str], str]] = []
        if "truecase" in args.only:
            out = tmp / "truecase_words.npz"
            jobs.append(("truecase", ["scripts/build_truecase.py", *data, "--out", str(out)], ""))
        if "lexicon" in args.only and "language" not in args.only:
            cmd = ["scripts/train_language.py", *data, "--lexicon-only", "--out", str(tmp)]
            jobs.append(("lexicon", cmd, ""))
        if "language" in args.only:
            jobs.append(("language", ["scripts/train_language.py", *data, "--out", str(tmp)], ""))
        if "heads" in args.only:
            out = tmp / "heads.json"
            jobs.append(("heads", ["scripts/train_moderation.py", *data, "--out", str(out)], ""))
        if "relevance_bands" in args.only:
            out = tmp / BANDS.name
            cmd = ["scripts/fit_relevance_bands.py", *data, "--out", str(out)]
            jobs.append(("relevance_bands", cmd, ""))
        if "english" in args.only:
            skip = english_skip(args.dict)
            if skip is not None:
                print(skip)
            else:
                cmd = [
                    "scripts/build_english_words.py",
                    "--dict",
                    str(args.dict),
                    "--out",
                    str(tmp),
                ]
                jobs.append(("english", cmd, ""))
        if args.names_sources:
            out = tmp / "names_known.npz"
            cmd = [
                "scripts/build_names.py",
                "--sources",
                str(args.names_sources),
                "--out",
                str(out),
            ]
            jobs.append(("names", cmd, ""))
        for name, cmd, _ in jobs:
            seconds = _run(cmd)
            print(f"{name}: {' '.join(cmd)} took {seconds:.0f} s")
            results: list[tuple[bool, list[str]]] = []
            if name == "truecase":
                results.append(
                    compare_npz(tmp / "truecase_words.npz", DATA / "truecase_words.npz", {})
                )
            if name in ("lexicon", "language"):
                lex = "language_lexicon.npz"
                results.append(compare_npz(tmp / lex, DATA / lex, {}))
            if name == "language":
                tol = {
                    k: STACK_TOLERANCE
                    for k in ("stack_w", "stack_b", "dialect_stack_w", "dialect_stack_b")
                }
                model = "language_ngrams.npz"
                results.append(compare_npz(tmp / model, DATA / model, tol))
            if name == "heads":
                results.append(compare_heads(tmp / "heads.json", HEADS, args.data))
            if name == "english":
                results.append(compare_npz(tmp / ENGLISH, DATA / ENGLISH, {}))
            if name == "relevance_bands":
                same = (tmp / BANDS.name).read_bytes() == BANDS.read_bytes()
                results.append((same, [f"{BANDS.name}: {'identical' if same else 'DIFFERS'}"]))
            if name == "names":
                results.append(compare_npz(tmp / "names_known.npz", DATA / "names_known.npz", {}))
            for ok, lines in results:
                failed |= not ok
                for line in lines:
                    print(f"  {line}")
                print(f"  -> {'reproduced' if ok else 'NOT REPRODUCED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
