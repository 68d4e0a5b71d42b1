"""Build ``src/mutewatch/moderate/data/english_words.npz``: the ordinary English words.

Usage::

    python scripts/build_english_words.py [--dict /usr/share/dict] [--out DIR]

Reads Debian's ``wamerican`` and ``wbritish`` word lists (SCOWL size 50, Kevin Atkinson's
Spell Checker Oriented Word Lists: ``apt-get install wamerican wbritish``; their licence
allows copying and redistribution with the copyright notice, which
``src/mutewatch/moderate/data/README.md`` carries). An ordinary English word is an entry of
either list written in lower-case a-z only: no proper nouns ("Geneva"), no possessives; both
spellings ("color", "colour") are kept. Words shorter than
``language.SHORT_RULE["short_dictionary_letters"]`` (3) are dropped too (two-letter entries
are mostly abbreviations that other languages write as words: "es", "la"). The short-text
rule reads entries of ``SHORT_RULE["dictionary_min_letters"]`` (4) letters or more as
dictionary words, and three-letter entries ("cur", "elm") only where no other language's
word counts or hand lists know them (session 24: "con" and "per" do not count).

The proper nouns of either list (an entry of a capital and lower-case a-z letters: "Chelsea",
"Weber", "Geneva"; no possessives, no abbreviations such as "ABC") are written apart, folded to
lower case, at least as long as the ordinary words (session 25): comments write names in lower
case too ("chelsea"), and the short-text rule reads one such word alone as English where it would
otherwise take the word counts of a language whose news mentions the name ("chelsea" in Swahili).

Writes ``english_words.npz`` with ``delta``: the gaps between the sorted unique
``language.word_hash`` values (CRC32 of the word, as the word counts are keyed; gaps pack to
187 kB where the hashes take 249 kB), ``names_delta``: the same for the proper nouns,
``source``, ``words`` and ``names`` (their numbers). No word text is written. Deterministic;
under a second.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from mutewatch.moderate import language as lang

REPO = Path(__file__).resolve().parents[1]
DICTS = ("american-english", "british-english")
SOURCE = (
    "SCOWL size 50 via Debian wamerican + wbritish 2020.12.07: lower-case a-z entries of either, "
    "at least {n} letters; names: capitalised entries (one capital, then a-z), folded"
)
_ORDINARY = re.compile(r"^[a-z]+$")
_PROPER = re.compile(r"^[A-Z][a-z]+$")


def ordinary_words(folder: Path, min_letters: int) -> list[str]:
    """Lower-case a-z entries of either list, at least ``min_letters`` long, sorted."""
    lists = [set((folder / n).read_text(encoding="utf-8").split()) for n in DICTS]
    either = lists[0] | lists[1]
    return sorted(w for w in either if _ORDINARY.match(w) and len(w) >= min_letters)


def proper_nouns(folder: Path, min_letters: int) -> list[str]:
    """Entries of either list written as one capital and lower-case a-z letters, at least
    ``min_letters`` long, folded to lower case, sorted."""
    lists = [set((folder / n).read_text(encoding="utf-8").split()) for n in DICTS]
    either = lists[0] | lists[1]
    return sorted({w.lower() for w in either if _PROPER.match(w) and len(w) >= min_letters})


def _delta(words: list[str]) -> np.ndarray:
    """The gaps between the sorted unique hashes of ``words``."""
    hashes = np.unique(np.array([lang.word_hash(w) for w in words], dtype=np.uint32))
    return np.diff(hashes, prepend=np.uint32(0)).astype(np.uint32)


def write(words: list[str], path: Path, min_letters: int, names: list[str]) -> None:
    """Write the sorted unique hashes of ``words`` and of the proper nouns ``names``."""
    delta = _delta(words)
    np.savez_compressed(
        path,
        delta=delta,
        names_delta=_delta(list(names)),
        source=np.array(SOURCE.format(n=min_letters)),
        words=np.array(len(words)),
        names=np.array(len(names)),
    )
    print(
        f"wrote {path}: {len(words)} words, {len(delta)} hashes, {len(names)} proper nouns,"
        f" {path.stat().st_size} bytes"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict", type=Path, default=Path("/usr/share/dict"))
    parser.add_argument("--out", type=Path, default=REPO / "src/mutewatch/moderate/data")
    args = parser.parse_args(argv)
    if not all((args.dict / n).is_file() for n in DICTS):
        print(f"no {' / '.join(DICTS)} in {args.dict}: apt-get install wamerican wbritish")
        return 2
    rule = lang.SHORT_RULE
    n = int(min(rule["dictionary_min_letters"], rule["short_dictionary_letters"]))
    out = args.out / lang.ENGLISH_WORDS_FILE
    write(ordinary_words(args.dict, n), out, n, proper_nouns(args.dict, n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
