"""Build ``data/truecase_words.npz``: which words English writers capitalise mid-sentence.

Usage::

    python scripts/build_truecase.py [--data ../shared/data] [--dev]

The defamation check finds a named person by capitals ("John Smith stole ..."). In a comment
typed all in lower case or all in capitals there are none, so it reads name words from two
hashed word sets counted here, in mixed-case sentences of the non-evaluation English rows of
../shared/data/moderation (langid English sentences; Fox News, SFU, ETHOS, Davidson and
Jigsaw comments), the first word of each sentence skipped:

- ``lower``: words written in lower case at least as often as capitalised (and seen in lower
  case at least once): common words ("will", "bill", "money", "white"), never a name alone;
- ``proper``: words capitalised mid-sentence at least twice and at least twice as often as in
  lower case: names of people, places and organisations.

Only CRC32 hashes of lower-case words are shipped (as ``names_known.npz`` stores words), no
text. ``--dev`` builds from three of the four non-evaluation fifths and prints how often the
defamation check holds comments of the fourth (as written and all in lower case) with and
without these sets: the figures quoted in checks.py.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from mutewatch.moderate import datasets as ds

OUT = Path(__file__).resolve().parents[1] / "src" / "mutewatch" / "moderate" / "data"
FILE = OUT / "truecase_words.npz"
LOWER_MIN = 2
"""A word seen in lower case fewer times (a "maria" in a sloppy tweet) stays a name word."""
_SENTENCE = re.compile(r"[^.!?\n]+")
_LINK = re.compile(r"https?://\S+|www\.\S+|&\w+;")
_WORD = re.compile(r"(?<![@#\w/.:=&-])[A-Za-z][A-Za-z'’]*(?![\w@/])")
"""A word of running text: not part of a @mention, #tag, link, e-mail address or code."""


def english_rows(data: Path) -> list[str]:
    """The non-evaluation English texts the sets are counted on."""
    texts = [r.text for r in ds.langid(data, "sentences") if r.group == "en"]
    for rows in (ds.fox_news(data), ds.sfu(data), ds.ethos(data), ds.davidson(data),
                 ds.jigsaw(data)):  # fmt: skip
        texts += [r.text for r in rows]
    return [t for t in dict.fromkeys(texts) if not ds.is_evaluation(t)]


def fifth(text: str) -> int:
    """Which non-evaluation fifth (1-4) a text falls in (sha1 % 5, as the split rule)."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 5


def count(texts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """(lower-case, capitalised mid-sentence) counts of words in mixed-case sentences."""
    lower: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    for text in texts:
        for sent in _SENTENCE.findall(_LINK.sub(" ", text)):
            letters = [c for c in sent if c.isalpha()]
            if not any(c.islower() for c in letters) or not any(c.isupper() for c in letters):
                continue
            for word in _WORD.findall(sent)[1:]:
                key = word.lower().replace("'", "").replace("’", "")
                if word.islower():
                    lower[key] += 1
                elif word[0].isupper() and (len(word) == 1 or word[1:].islower()):
                    cap[key] += 1
    return lower, cap


def sets(lower: Counter[str], cap: Counter[str]) -> tuple[set[str], set[str]]:
    """The ``lower`` and ``proper`` word sets of the module docstring."""
    low = {w for w, n in lower.items() if n >= LOWER_MIN and n >= cap.get(w, 0)}
    proper = {w for w, n in cap.items() if n >= 2 and n >= 2 * lower.get(w, 0)}
    return low, proper


def _hashes(words: set[str]) -> np.ndarray:
    return np.array(sorted({zlib.crc32(w.encode("utf-8")) for w in words}), dtype=np.uint32)


def write(low: set[str], proper: set[str], path: Path = FILE) -> str:
    """Write the hashed sets; returns the version recorded in the file."""
    lo, pr = _hashes(low), _hashes(proper)
    version = "truecase-" + hashlib.sha1(lo.tobytes() + pr.tobytes()).hexdigest()[:8]
    np.savez_compressed(path, lower=lo, proper=pr, version=np.array(version))
    return version


def dev(texts: list[str]) -> None:
    """Build on fifths 1-3, then the defamation check's hold rate on fifth 4."""
    import tempfile

    from mutewatch.moderate import checks

    train = [t for t in texts if fifth(t) != 4]
    test = [t for t in texts if fifth(t) == 4]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "truecase_words.npz"
        write(*sets(*count(train)), path=path)
        for label, use in (("without the sets (capitals only)", None), ("with the sets", path)):
            checks.use_truecase(use)
            for case, form in (("as written", str), ("all lower case", str.lower),
                               ("all capitals", str.upper)):  # fmt: skip
                held = [t for t in test if _holds(checks, form(t))]
                print(f"{label}, {case}: {len(held)} of {len(test)} held"
                      f" ({100 * len(held) / len(test):.2f}%)", file=sys.stderr)  # fmt: skip
        checks.use_truecase(None)
        both = [t for t in test if _holds(checks, t)]
        checks.use_truecase(path)
        same = [t for t in both if _holds(checks, t.lower())]
        print(f"held as written and still held in lower case: {len(same)} of {len(both)}",
              file=sys.stderr)  # fmt: skip
    checks.use_truecase(FILE)


def _holds(checks: object, text: str) -> bool:
    from mutewatch.moderate.checks import CommentInput, Features

    f = Features(CommentInput("t", text, ""), np.zeros(384, np.float32), None)
    return bool(checks.check_defamation(f)[0] >= 0.6)  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--out", type=Path, default=FILE, help=f"output file [default {FILE}]")
    args = parser.parse_args(argv)
    texts = english_rows(args.data)
    if args.dev:
        dev(texts)
        return
    low, proper = sets(*count(texts))
    version = write(low, proper, args.out)
    print(f"wrote {args.out} ({version}): {len(low)} lower-case words, {len(proper)} proper"
          f" words from {len(texts)} texts", file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    main()
