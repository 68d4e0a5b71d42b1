"""What checks-6's defamation rules change on the non-evaluation rows, per dataset.

Usage::

    python scripts/defamation_report_s9.py [--data ../shared/data] [--show 20]

checks-6 reads a crime noun predicated of a name as an allegation ("John Smith is a
swindler", "will smith is a thief": checks.PLAIN_ALLEGATIONS) and skips allegations that are
negated, conditional or about fiction, and lone capitalised words writers keep in lower case
("Everyone is a thief": checks.ALLEGATION_FRAMES). For each dataset (Fox News, SFU, ETHOS,
Davidson, Jigsaw, English Leipzig sentences) this prints how many non-evaluation texts the
defamatory clause holds (score >= 0.6) under checks-5 and under each rule, and how many are
newly held or no longer held, as written and all in lower case. The changed texts are printed
(cut short) so each can be judged. Only non-evaluation rows are read; the check needs no model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from mutewatch.moderate import checks
from mutewatch.moderate import datasets as ds

HOLD = 0.6
"""The defamatory clause's threshold in the default policy."""
VARIANTS = {
    "checks-5": (False, False),
    "plain allegations": (True, False),
    "frames": (False, True),
    "checks-6": (True, True),
}
"""(checks.PLAIN_ALLEGATIONS, checks.ALLEGATION_FRAMES) of each variant."""


def datasets(data: Path) -> dict[str, list[str]]:
    """The non-evaluation texts of each English dataset, each text once."""
    return ds.english_training_texts(data)


def holds(text: str) -> bool:
    """Whether the defamatory clause holds ``text`` (the check alone, no embedding)."""
    f = checks.Features(checks.CommentInput("t", text, ""), np.zeros(384, np.float32), None)
    return checks.check_defamation(f)[0] >= HOLD


def held_by_variant(texts: list[str]) -> dict[str, set[str]]:
    """The texts each variant holds."""
    saved = checks.PLAIN_ALLEGATIONS, checks.ALLEGATION_FRAMES
    out: dict[str, set[str]] = {}
    try:
        for name, (plain, frames) in VARIANTS.items():
            checks.PLAIN_ALLEGATIONS, checks.ALLEGATION_FRAMES = plain, frames
            out[name] = {t for t in texts if holds(t)}
    finally:
        checks.PLAIN_ALLEGATIONS, checks.ALLEGATION_FRAMES = saved
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--show", type=int, default=20, help="changed texts printed per line")
    args = parser.parse_args()
    for name, texts in datasets(args.data).items():
        for case, form in (("as written", str), ("all lower case", str.lower)):
            forms = [form(t) for t in texts]
            held = held_by_variant(forms)
            base = held["checks-5"]
            for variant, now in held.items():
                if variant == "checks-5":
                    print(f"{name} ({case}, {len(forms)} texts): checks-5 holds {len(base)}")
                    continue
                new, lost = sorted(now - base), sorted(base - now)
                print(f"  {variant}: holds {len(now)}; newly {len(new)}, no longer {len(lost)}")
                if variant == "checks-6":
                    for t in new[: args.show]:
                        print("      newly held:", repr(t[:160]))
                    for t in lost[: args.show]:
                        print("      no longer held:", repr(t[:160]))


if __name__ == "__main__":
    main()
