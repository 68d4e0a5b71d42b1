"""Measure whether population name statistics could catch the fictional names the check misses.

Usage (no network at run time; the archive comes from PyPI once)::

    pip download --no-deps -d /tmp/names-src names-dataset==3.3.1
    python scripts/names_attestation_experiment.py --sources /tmp/names-src [--json]

The question: the name check publishes 2 of 3 Star Wars names of the *training* rows, because
their words are known name words of some culture ("Owen Lars", "Mace Windu", "Lama Su"). Would
a stricter notion of "known" separate them from real names? ``names-dataset`` ranks first and
last names by how many people bear them in each of 105 countries, so a word it ranks is
*attested* in a population, where the check's own lists (the World Gender Name Dictionary's
4.1M given names above all) also hold one-off spellings.

Each variant adds one rule in front of the check: hold a Latin-script name of two or more words
that lacks attestation. A word is attested as a given name when names-dataset ranks it as a
first name in some country or it is a US Census name (100 bearers or more); as a surname when
names-dataset ranks it as a last name or the check's US surname lists know it.

- ``given``: hold unless the first or the last word is an attested given name;
- ``given_or_surname``: also accept an attested surname as the last word;
- ``any_word``: hold only when no word is attested at all;
- ``every_word``: hold unless every word is attested.

It reports, for each variant, the share *published* of the training Star Wars and legislator
rows (the variant would be chosen on these), of the hand-written held-out real names, and of
``Faker(locale).name()`` for every person locale (fairness across naming traditions), and the
figures on the evaluation rows. Nothing is written: this is an experiment, not a build step.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import pickle  # noqa: S403 - names-dataset ships its tables as pickles; read from a wheel we chose
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mutewatch.moderate import names as nm

ROOT = Path(__file__).resolve().parents[1]
WHEEL = "names_dataset-3.3.1-py3-none-any.whl"
MEMBERS = {
    "first": "names_dataset/v3/first_names.pkl.gz",
    "last": "names_dataset/v3/last_names.pkl.gz",
}

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests" / "moderate_names"))


def ranked_words(wheel: Path, member: str) -> set[str]:
    """Folded words of every name names-dataset ranks in at least one country."""
    with zipfile.ZipFile(wheel) as zf, zf.open(member) as raw, gzip.open(raw) as fh:
        table: dict[str, dict[str, Any]] = pickle.load(fh)  # noqa: S301 - see the import
    return {w for name, info in table.items() if info.get("rank") for w in nm.fold(name).split()}


def variants(first: set[str], last: set[str]) -> dict[str, Callable[[list[str]], bool]]:
    """Each variant's test: True when a name's words are attested enough to publish."""
    known = nm._known()

    def given(w: str) -> bool:
        return w in first or known.is_common(w)

    def surname(w: str) -> bool:
        return w in last or known.is_surname(w) or known.is_common(w)

    return {
        "given": lambda t: given(t[0]) or given(t[-1]),
        "given_or_surname": lambda t: given(t[0]) or given(t[-1]) or surname(t[-1]),
        "any_word": lambda t: any(given(w) or surname(w) for w in t),
        "every_word": lambda t: all(given(w) or surname(w) for w in t),
    }


def published(name: str, attested: Callable[[list[str]], bool] | None) -> bool:
    """True when the check, with the variant's rule in front, publishes ``name``."""
    r = nm.assess(name)
    if max(r.fantasy, r.false) >= nm.HOLD:
        return False
    tokens = [t for t in nm.content_tokens(nm._name_order(name)) if t.isascii()]
    return attested is None or len(tokens) < 2 or attested(tokens)


def share(ns: list[str], attested: Callable[[list[str]], bool] | None) -> float:
    return round(sum(published(n, attested) for n in ns) / max(len(ns), 1), 4)


def name_sets(data: Path, faker_per_locale: int) -> dict[str, list[str]]:
    """The sets measured: training and evaluation rows, held-out real names, Faker names."""
    from build_names_report import faker_names
    from names_heldout import REAL

    def rows(file: str, column: str) -> list[str]:
        with open(data / "moderation" / "names" / file, encoding="utf-8", newline="") as fh:
            return [r[column] for r in csv.DictReader(fh) if r[column].strip()]

    sw = rows("fictional_names_starwars.csv", "name")
    leg = rows("real_names_us_legislators.csv", "full")
    fk = faker_names(faker_per_locale) or {}
    return {
        "train_star_wars": [n for n in sw if not nm._is_eval(n)],
        "train_legislators": [n for n in leg if not nm._is_eval(n)],
        "held_out_real": list(REAL),
        "faker": [n for ns in fk.values() for n in ns],
        "eval_star_wars": [n for n in sw if nm._is_eval(n)],
        "eval_legislators": [n for n in leg if nm._is_eval(n)],
    }


def run(sources: Path, data: Path, faker_per_locale: int) -> dict[str, Any]:
    """Published shares per variant and set (Star Wars: lower is better)."""
    wheel = sources / WHEEL
    first, last = ranked_words(wheel, MEMBERS["first"]), ranked_words(wheel, MEMBERS["last"])
    sets = name_sets(data, faker_per_locale)
    tests: dict[str, Callable[[list[str]], bool] | None] = {"check_today": None}
    tests.update(variants(first, last))
    return {
        "attested_words": {"first": len(first), "last": len(last)},
        "n": {k: len(v) for k, v in sets.items()},
        "published": {v: {k: share(ns, t) for k, ns in sets.items()} for v, t in tests.items()},
    }


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sources", type=Path, required=True, help=f"folder holding {WHEEL}")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--faker-per-locale", type=int, default=40)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    report = run(args.sources, args.data, args.faker_per_locale)
    if args.json:
        print(json.dumps(report))
        return
    print("published share (Star Wars rows: lower is better)")
    for variant, row in report["published"].items():
        print(f"{variant:18s} " + "  ".join(f"{k}={v:.3f}" for k, v in row.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
