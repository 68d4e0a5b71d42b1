"""Ordinary English dictionary words alone and in 2-3 word comments: how many do not publish?

Usage::

    python scripts/language_short_report_s22.py [--dict /usr/share/dict] [--every 20]
        [--data ../shared/data] [--no-dev] [--show N]

Needs Debian's ``wamerican`` and ``wbritish`` (SCOWL size 50; ``apt-get install wamerican
wbritish``). An ordinary English word is a lower-case a-z entry of either list (no proper
nouns, no possessives); one in ``--every`` of them (by CRC32, so always the same ones) is
written:

- alone, as it is and as "Word?";
- in a 2-3 word comment with common English words ("The word", "Word again", "What word?");
- in pairs of two such words ("word word2").

Every one should publish. Then it prints ``language_short_report_s21.py``'s written sets
(English should publish, foreign and Swiss German should not) and, unless ``--no-dev``, its
dev fifth of the non-evaluation rows, with the one-word foreign set split into words that are
and are not ordinary English words: the first are English too ("actor", "also"), the second
measure foreign one-word comments that publish. Only non-evaluation rows are read.
"""

from __future__ import annotations

import argparse
import re
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import language_short_report_s21 as s21  # noqa: E402

from mutewatch.moderate import datasets as ds  # noqa: E402
from mutewatch.moderate import language as lang  # noqa: E402

TEMPLATES = (
    "The {w}",
    "{W} again",
    "What {w}?",
    "Nice {w}",
    "{W} looks fine",
    "Not {w}",
    "So {w}",
    "{W} is wrong",
)
"""2-3 word comments around a dictionary word; each word gets one, chosen by its CRC32."""

_ORDINARY = re.compile(r"^[a-z]+$")


def dictionary_words(folder: Path) -> list[str]:
    """Lower-case a-z entries of ``american-english`` or ``british-english``, sorted."""
    lists = [set((folder / n).read_text(encoding="utf-8").split()) for n in _DICTS]
    return sorted(w for w in lists[0] | lists[1] if _ORDINARY.match(w))


_DICTS = ("american-english", "british-english")


def sample(words: list[str], every: int) -> list[str]:
    """One word in ``every``, picked by CRC32 (the same ones on every run)."""
    return [w for w in words if zlib.crc32(w.encode()) % every == 0]


def in_comments(words: list[str]) -> list[str]:
    """Each word in one of ``TEMPLATES``."""
    out = []
    for w in words:
        t = TEMPLATES[zlib.crc32(("t:" + w).encode()) % len(TEMPLATES)]
        out.append(t.format(w=w, W=w.capitalize()))
    return out


def pairs(words: list[str]) -> list[str]:
    """Neighbouring sampled words as two-word comments ("word word2")."""
    return [f"{a.capitalize()} {b}" for a, b in zip(words[::2], words[1::2], strict=False)]


def dictionary_report(folder: Path, every: int, show: int) -> set[str]:
    """Print the dictionary sets' shares; return the whole list of ordinary words."""
    words = dictionary_words(folder)
    picked = sample(words, every)
    sets = [
        ("alone", picked),
        ("alone, as 'Word?'", [w.capitalize() + "?" for w in picked]),
        ("in a 2-3 word comment", in_comments(picked)),
        ("two dictionary words", pairs(picked)),
    ]
    for name, texts in sets:
        print(f"dictionary {name:35} {s21.summary(texts, 'publish', show)}")
    return set(words)


def split_foreign_one_words(english: set[str], show: int) -> None:
    """Hook for ``s21.dev_report``: the foreign one-word set, split by the dictionary."""
    original = s21.summary

    def summary(texts: list[str], want: str, n: int) -> str:
        line = original(texts, want, n)
        if want != "reject" or not texts or len(texts[0].split()) != 1:
            return line
        known = [t for t in texts if t in english]
        rest = [t for t in texts if t not in english]
        line += f"\n    of which ordinary English words {original(known, want, 0)}"
        line += f"\n    of which not English words      {original(rest, want, show)}"
        return line

    s21.summary = summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict", type=Path, default=Path("/usr/share/dict"))
    parser.add_argument("--every", type=int, default=20, help="sample one word in N")
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--no-dev", action="store_true", help="no dev fifth")
    parser.add_argument("--show", type=int, default=40, help="texts shown against their label")
    args = parser.parse_args(argv)
    if not all((args.dict / n).is_file() for n in _DICTS):
        print(f"no {' / '.join(_DICTS)} in {args.dict}: apt-get install wamerican wbritish")
        return 2
    print(f"language check {lang.LANGUAGE_MODEL_VERSION}")
    english = dictionary_report(args.dict, args.every, args.show)
    for name, texts in s21.ENGLISH.items():
        print(f"English {name:38} {s21.summary(texts, 'publish', args.show)}")
    for name, texts in s21.FOREIGN.items():
        want = "dialect" if name == "Swiss German" else "reject"
        print(f"foreign {name:38} {s21.summary(texts, want, args.show)}")
    if not args.no_dev:
        split_foreign_one_words(english, args.show)
        s21.dev_report(args.data, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
