"""How often the defamation check holds with and without checks.CASELESS_COMMON_FIRST.

Usage::

    python scripts/caseless_report_s8.py [--data ../shared/data]

As ``scripts/build_truecase.py --dev``: the word-case sets are built from three of the four
non-evaluation fifths of the English rows, and the check runs on the fourth, as written, all
in lower case and all in capitals, with the rule off (checks-4) and on (checks-5). The texts
newly held are printed (cut short) so each can be judged. Only non-evaluation rows are read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_truecase import _holds, count, english_rows, fifth, sets, write  # noqa: E402

from mutewatch.moderate import checks  # noqa: E402
from mutewatch.moderate import datasets as ds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    args = parser.parse_args()
    texts = english_rows(args.data)
    train = [t for t in texts if fifth(t) != 4]
    test = [t for t in texts if fifth(t) == 4]
    saved = checks.CASELESS_COMMON_FIRST
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "truecase_words.npz"
        write(*sets(*count(train)), path=path)
        checks.use_truecase(path)
        try:
            for case, form in (("as written", str), ("all lower case", str.lower),
                               ("all capitals", str.upper)):  # fmt: skip
                held = {}
                for rule in (False, True):
                    checks.CASELESS_COMMON_FIRST = rule
                    held[rule] = {t for t in test if _holds(checks, form(t))}
                new = held[True] - held[False]
                print(f"{case}: {len(held[False])} -> {len(held[True])} of {len(test)} held,"
                      f" {len(new)} newly, {len(held[False] - held[True])} no longer")  # fmt: skip
                for t in sorted(new)[:20]:
                    print("    newly held:", repr(form(t)[:160]))
            for rule in (False, True):
                checks.CASELESS_COMMON_FIRST = rule
                checks.use_truecase(None)
                both = [t for t in test if _holds(checks, t)]
                checks.use_truecase(path)
                same = [t for t in both if _holds(checks, t.lower())]
                print(f"rule {'on' if rule else 'off'}: held as written (capitals only) and"
                      f" still held in lower case: {len(same)} of {len(both)}")  # fmt: skip
        finally:
            checks.CASELESS_COMMON_FIRST = saved
            checks.use_truecase(checks.TRUECASE_FILE)


if __name__ == "__main__":
    main()
