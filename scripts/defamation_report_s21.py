"""What session 21's defamation follow-ups change on the non-evaluation rows, per dataset.

Usage::

    python scripts/defamation_report_s21.py [--data ../shared/data] [--all] [--show 40]

Session 21 reads an allegation whose sentence names nobody as made against the person named
just before it, when its subject is "he"/"she" ("I know John Smith from the council. He took
bribes for years.") or missing ("John Smith? Took bribes.", a name alone on its line and
"- took bribes" on the next): ``_defamation.FOLLOW_UPS``. For the Fox News and SFU comments
(``--all``: also ETHOS, Davidson, Jigsaw and the English Leipzig sentences) this prints how
many non-evaluation texts the defamatory clause holds (the check alone, score >= 0.6) with
the switch off and on, how many are newly held or no longer held, and each newly held text
with its evidence (the person as written, the pronoun, the allegation's sentence) so it can
be judged. Then the synthetic follow-ups below (made-up names), held or not either way. Only
non-evaluation rows are read; the check needs no model.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from mutewatch.moderate import _defamation, checks
from mutewatch.moderate import datasets as ds

HOLD = 0.6
"""The defamatory clause's threshold in the default policy."""
SYNTHETIC_HELD = (
    "Dana Whitlock? Took bribes.",
    "Remember Dana Whitlock? Took bribes for years.",
    "Dana Whitlock\n- took bribes from the council",
    "Dana Whitlock? Embezzled the tram fund.",
    "I know Dana Whitlock from the council. He took bribes for years.",
    "Mary Okafor runs the shelter. She stole the donations.",
    "Mary Okafor runs the shelter. She's a crook.",
    "Mary Okafor runs the shelter. She is kind to all. She stole the donations.",
    "Mayor Whitlock spoke at length. And he has been taking kickbacks.",
)
"""Follow-ups the session-21 rule holds (it published each before)."""
SYNTHETIC_NOT_HELD = (
    "Dana Whitlock runs the shelter. She never stole anything.",
    "Dana Whitlock runs the shelter. He took no bribes.",
    "He took bribes.",
    "I moved to New York. He took bribes.",
    "I read the Toronto Star. He took bribes.",
    "Dana Whitlock's brother runs the shelter. He stole the donations.",
    "Dana Whitlock hired a new accountant. He stole the money.",
    "Dana Whitlock campaigned for us. He fought corruption.",
    "Mary Okafor runs the shelter. She was the victim of fraud.",
    "Mary Okafor runs the shelter. They stole the donations.",
    "I agree with Dana Whitlock. Criminal justice reform is overdue.",
    "In the novel, Dana Whitlock runs a shelter. He stole the donations.",
    "Dana Whitlock runs the shelter. Did he take bribes?",
    "Dana Whitlock runs the shelter. He is a fraud investigator.",
)
"""Texts it must not hold: negated, no person named, someone else nearer, no allegation."""


def datasets(data: Path, everything: bool) -> dict[str, list[str]]:
    """The non-evaluation texts of each dataset, each text once."""
    return ds.english_training_texts(
        data, ds.ENGLISH_DATASETS if everything else ds.ENGLISH_COMMENTS
    )


def scored(text: str, follow_ups: bool) -> tuple[float, dict[str, Any]]:
    """The defamation check's (score, evidence) of ``text`` with ``FOLLOW_UPS`` as given."""
    saved = _defamation.FOLLOW_UPS
    _defamation.FOLLOW_UPS = follow_ups
    try:
        f = checks.Features(checks.CommentInput("t", text, ""), np.zeros(384, np.float32), None)
        return checks.check_defamation(f)
    finally:
        _defamation.FOLLOW_UPS = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--all", action="store_true", help="also the other English datasets")
    parser.add_argument("--show", type=int, default=40, help="newly held texts printed")
    args = parser.parse_args()
    for name, texts in datasets(args.data, args.all).items():
        before = {t for t in texts if scored(t, False)[0] >= HOLD}
        after = {t: ev for t in texts if (s := scored(t, True))[0] >= HOLD for ev in [s[1]]}
        new, lost = sorted(set(after) - before), sorted(before - set(after))
        n = len(texts)
        print(
            f"{name} ({n} texts): held {len(before)} ({len(before) / n:.2%}) without follow-ups, "
            f"{len(after)} ({len(after) / n:.2%}) with; newly {len(new)}, no longer {len(lost)}"
        )
        for t in new[: args.show]:
            ev = after[t]
            print(f"    newly held: {t[:300]!r}")
            print(
                f"        person {ev['person']!r}, pronoun {ev.get('pronoun')!r}, "
                f"allegation {ev['allegation']!r}, sentence {ev['span']['text'][:160]!r}"
            )
        for t in lost[: args.show]:
            print(f"    no longer held: {t[:160]!r}")
    for label, texts, want in (
        ("synthetic follow-ups", SYNTHETIC_HELD, True),
        ("synthetic non-allegations", SYNTHETIC_NOT_HELD, False),
    ):
        off = sum(scored(t, False)[0] >= HOLD for t in texts)
        on = [t for t in texts if scored(t, True)[0] >= HOLD]
        print(f"{label} ({len(texts)}): held {off} without follow-ups, {len(on)} with")
        for t in texts:
            if (t in on) != want:
                print(f"    {'missed' if want else 'held'}: {t!r}")


if __name__ == "__main__":
    main()
