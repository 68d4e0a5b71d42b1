"""Report how the name check does: evaluation rows, held-out names, Faker names of 80+ locales.

Usage::

    python scripts/build_names_report.py [--data ../shared/data] [--faker-per-locale 40] [--json]

Prints, as one JSON object with ``--json``:

- ``evaluation``: ``names.evaluate()`` on the evaluation rows of ../shared/data (US legislators
  published; Star Wars names not published, with and without the hand-written Star Wars list);
- ``held_out``: the held-out sets of ``tests/moderate_names/names_heldout.py`` (real names of
  15 naming traditions must publish; handles, joke names and characters must not);
- ``faker``: when the ``faker`` package is importable (``pip install faker``; measurement only,
  never a dependency of the check), ``Faker(locale).name()`` for every person locale with a
  fixed seed: a larger held-out multicultural set (the check's lists were written without it),
  with the publish rate per locale. Names in non-Latin scripts are included.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mutewatch.moderate import names

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261129


def published(name: str) -> bool:
    """True when the check publishes ``name`` (both scores below the hold threshold)."""
    r = names.assess(name)
    return bool(max(r.fantasy, r.false) < names.HOLD)


def rejected(name: str) -> bool:
    """True when the check rejects ``name``."""
    r = names.assess(name)
    return bool(max(r.fantasy, r.false) >= names.REJECT)


def share(flags: list[bool]) -> float:
    return round(sum(flags) / max(len(flags), 1), 4)


def held_out() -> dict[str, Any]:
    """Figures on the hand-written held-out sets."""
    sys.path.insert(0, str(ROOT / "tests" / "moderate_names"))
    from names_heldout import NOT_REAL, REAL, REAL_BY_CULTURE

    return {
        "real": {"n": len(REAL), "published": share([published(n) for n in REAL])},
        "real_rejected": [n for n in REAL if rejected(n)],
        "real_not_published": [n for n in REAL if not published(n)],
        "per_tradition": {
            k: share([published(n) for n in v]) for k, v in sorted(REAL_BY_CULTURE.items())
        },
        "not_real": {
            "n": len(NOT_REAL),
            "not_published": share([not published(n) for n in NOT_REAL]),
        },
    }


def faker_names(per_locale: int) -> dict[str, list[str]] | None:
    """``per_locale`` Faker names for every person locale, or None without faker."""
    try:
        import faker
    except ImportError:
        return None
    base = Path(faker.__file__).parent / "providers" / "person"
    out: dict[str, list[str]] = {}
    for loc in sorted(p.name for p in base.iterdir() if p.is_dir() and p.name[0] != "_"):
        fake = faker.Faker(loc)
        fake.seed_instance(SEED)
        out[loc] = [fake.name() for _ in range(per_locale)]
    return out


def faker_report(per_locale: int) -> dict[str, Any]:
    """Publish rates on Faker names, overall and per locale."""
    generated = faker_names(per_locale)
    if generated is None:
        return {"skipped": "faker is not installed (pip install faker)"}
    per = {loc: share([published(n) for n in ns]) for loc, ns in generated.items()}
    every = [n for ns in generated.values() for n in ns]
    return {
        "n": len(every),
        "locales": len(generated),
        "published": share([published(n) for n in every]),
        "rejected": sum(rejected(n) for n in every),
        "locales_below_0.8": {
            k: v for k, v in sorted(per.items(), key=lambda kv: kv[1]) if v < 0.8
        },
        "per_locale": per,
    }


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--faker-per-locale", type=int, default=40)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    report: dict[str, Any] = {"model_version": names.NAMES_MODEL_VERSION}
    try:
        report["evaluation"] = names.evaluate(args.data)
    except Exception as exc:  # noqa: BLE001 - no research data beside this checkout
        report["evaluation"] = {"skipped": str(exc)}
    report["held_out"] = held_out()
    report["faker"] = faker_report(args.faker_per_locale)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    ev, ho, fk = report["evaluation"], report["held_out"], report["faker"]
    if "real" in ev:
        print(f"evaluation: real published {ev['real']['published']:.3f} (n={ev['real']['n']}), "
              f"fictional not published {ev['fictional']['not_published']:.3f} "
              f"(without the Star Wars list "
              f"{ev['fictional']['not_published_without_star_wars_list']:.3f}, "
              f"n={ev['fictional']['n']})")  # fmt: skip
    print(f"held-out real published {ho['real']['published']:.3f} (n={ho['real']['n']}), "
          f"not-real not published {ho['not_real']['not_published']:.3f}")  # fmt: skip
    if "published" in fk:
        low = fk["locales_below_0.8"]
        print(f"faker: {fk['published']:.3f} of {fk['n']} names in {fk['locales']} locales "
              f"published, {fk['rejected']} rejected; below 0.8: {low}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
