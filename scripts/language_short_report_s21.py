"""Very short comments through the language and dialect clauses: what publishes, holds, rejects.

Usage::

    python scripts/language_short_report_s21.py [--data ../shared/data] [--no-dev] [--show N]

Three kinds of text, each decided by ``moderate.language.detect`` and the default policy's
``language`` (reject 0.5, hold 0.4 on ``1 - english - dialect``) and ``dialect`` (reject 0.5)
clauses, as ``checks.check_language`` / ``check_dialect`` score them:

- short English comments readers write, written here by category (interjections, internet
  slang and abbreviations, loanwords English dictionaries list, stock replies): each should
  publish;
- short comments in other languages and in Swiss German, written here: each should be
  rejected (``dialect`` for Swiss German);
- (unless ``--no-dev``) the dev fifth of the non-evaluation rows that
  ``scripts/train_language.py --dev`` holds out, with the word counts rebuilt without it:
  every distinct word of its word pairs and Swiss German utterances as a one-word comment,
  and its texts of at most ``language.SHORT_WORDS`` words. Only non-evaluation rows are read.

For each set it prints the published / held / rejected shares and the share rejected as
dialect, and (``--show``) the texts that came out against their label.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_language import is_dev, lexicon_texts, text_group, write_lexicon  # noqa: E402

from mutewatch.moderate import datasets as ds  # noqa: E402
from mutewatch.moderate import language as lang  # noqa: E402
from mutewatch.moderate.policy import load_policy  # noqa: E402

ENGLISH: dict[str, list[str]] = {
    "interjections": [
        "Wow",
        "Yikes",
        "Oops",
        "Ugh",
        "Meh",
        "Hmm",
        "Huh?",
        "Whoa",
        "Phew",
        "Ouch",
        "Duh",
        "Yay",
        "Hooray",
        "Boo",
        "Bah",
        "Eh?",
        "Oh no",
        "Oh well",
        "Oh dear",
        "Uh oh",
        "Ha!",
        "Haha",
        "Hahaha",
        "Jeez",
        "Gosh",
        "Golly",
        "Damn",
        "Dang",
        "Darn",
        "Yuck",
        "Ew",
        "Bingo",
        "Whatever",
        "Ahem",
        "Shh",
        "Psst",
        "Aww",
        "Woohoo",
        "Hurray",
        "Alas",
    ],
    "slang and abbreviations": [
        "gg",
        "GG",
        "lol",
        "LOL",
        "lmao",
        "lmfao",
        "rofl",
        "smh",
        "SMH",
        "imo",
        "IMO",
        "imho",
        "tbh",
        "fwiw",
        "ikr",
        "omg",
        "OMG",
        "wtf",
        "+1",
        "ok",
        "OK",
        "k",
        "yes",
        "nope",
        "thanks",
        "thx",
        "ty",
        "tyvm",
        "np",
        "yw",
        "ngl",
        "idk",
        "idc",
        "btw",
        "fyi",
        "afaik",
        "iirc",
        "tl;dr",
        "TL;DR",
        "tldr",
        "jk",
        "brb",
        "ftw",
        "ffs",
        "omfg",
        "iykyk",
        "tfw",
        "ymmv",
        "irl",
        "nvm",
        "ftfy",
        "sus",
        "W",
        "L",
        "based",
        "facts",
        "yup",
        "yep",
        "nah",
        "mhm",
        "uh huh",
        "yass",
        "bruh",
        "dude",
        "lmaooo",
        "welp",
        "meh",
        "ok boomer",
        "big if true",
        "this ^",
        "^ this",
        "same",
        "rip",
    ],
    "loanwords in English dictionaries": [
        "Touché",
        "touche",
        "Bravo",
        "Déjà vu",
        "deja vu",
        "Cliché",
        "cliche",
        "Naïve",
        "naive",
        "Café",
        "Fiancé",
        "Voilà",
        "voila",
        "Amen",
        "Hallelujah",
        "Alleluia",
        "Kudos",
        "Encore",
        "Gesundheit",
        "Kaput",
        "Hubris",
        "Ennui",
        "Chutzpah",
        "Schadenfreude",
        "Zeitgeist",
        "Gravitas",
        "Olé",
        "Bon voyage",
        "Bon appétit",
        "Bon appetit",
        "C'est la vie",
        "Mazel tov",
        "Fait accompli",
        "Bravo!",
        "Encore!",
        "Touché.",
        "Such hubris",
        "Pure schadenfreude",
        "Total cliché",
        "So naive",
        "Déjà vu again",
    ],
    "stock replies": [
        "Well said",
        "So true",
        "Spot on",
        "Nailed it",
        "Hear hear",
        "Hear, hear!",
        "Agreed",
        "Exactly",
        "Exactly this",
        "This.",
        "Well put",
        "Good point",
        "Great article",
        "Nice one",
        "Thank you",
        "Thanks!",
        "Thanks a lot",
        "Much appreciated",
        "Love it",
        "Couldn't agree more",
        "Not really",
        "Fair enough",
        "True that",
        "Too true",
        "Me too",
        "Same here",
        "Right on",
        "Good read",
        "Great read",
        "Excellent piece",
        "Totally agree",
        "Absolutely",
        "Well done",
        "Good job",
        "Cheers",
        "Sad but true",
        "No way",
        "Oh please",
        "Give me a break",
        "Preach",
        "Word.",
        "Says who?",
        "Yes indeed",
        "Nope, wrong",
    ],
}

FOREIGN: dict[str, list[str]] = {
    "German": [
        "Danke",
        "Danke schön",
        "Vielen Dank",
        "Genau",
        "Stimmt",
        "Ja",
        "Nein",
        "Sehr gut",
        "Hallo",
        "Tschüss",
        "Quatsch",
        "Richtig so",
        "Na und",
        "Gut gemacht",
        "Bitte",
        "Leider wahr",
        "Mahlzeit",
        "Servus",
        "Alles klar",
        "Toller Artikel",
    ],
    "French": [
        "Merci",
        "Merci beaucoup",
        "Oui",
        "Non merci",
        "Bonjour",
        "Très bien",
        "Bravo à vous",
        "C'est vrai",
        "Exactement",
        "Au revoir",
        "D'accord",
        "Salut",
        "Super article",
        "Tout à fait",
        "Bien dit",
    ],
    "Spanish, Italian, Portuguese": [
        "Gracias",
        "Muchas gracias",
        "Hola",
        "Sí",
        "Claro",
        "Exacto",
        "Muy bien",
        "Adiós",
        "Grazie",
        "Grazie mille",
        "Ciao",
        "Esatto",
        "Molto bene",
        "Obrigado",
        "Olá",
        "Sim",
        "Verdade",
        "Muito bom",
    ],
    "Dutch, Nordic, Finnish, Polish, Turkish": [
        "Bedankt",
        "Dank je",
        "Inderdaad",
        "Klopt",
        "Tack",
        "Tack så mycket",
        "Hej",
        "Takk",
        "Kiitos",
        "Kyllä",
        "Dzięki",
        "Dziękuję",
        "Dokładnie",
        "Teşekkürler",
        "Evet",
        "Tamam",
    ],
    "other scripts": ["Спасибо", "Да", "Согласен", "Ευχαριστώ", "شكرا", "ありがとう", "谢谢"],
    "Swiss German": [
        "Grüezi",
        "Grüezi mitenand",
        "Merci vielmal",
        "Genau so isch es",
        "Isch so",
        "Stimmt scho",
        "Hoi zäme",
        "Guet gseit",
        "Nöd schlecht",
        "Gäll",
        "Uf Wiederluege",
        "Das isch huere guet",
        "Scho rächt",
        "Chasch vergässe",
        "Ebe",
        "Sali zäme",
    ],
}


def decide(r: lang.LanguageResult, language: tuple[float, float], dialect: float) -> str:
    """publish / hold / reject / dialect under the two clauses' thresholds."""
    reject, hold = language
    if r.dialect >= dialect:
        return "dialect"
    score = 0.0 if r.evidence.get("no_letters") else max(0.0, 1.0 - r.english - r.dialect)
    if score >= reject:
        return "reject"
    return "hold" if score >= hold else "publish"


def thresholds() -> tuple[tuple[float, float], float]:
    """The default policy's language (reject, hold) and dialect thresholds."""
    by = {c.clause: c for c in load_policy().clauses}
    lc = by["language"]
    return (lc.threshold, lc.hold_threshold or lc.threshold), by["dialect"].threshold


def summary(texts: Iterable[str], want: str, show: int) -> str:
    """One line of shares, and up to ``show`` texts that came out against ``want``."""
    lt, dt = thresholds()
    outcomes = [(t, decide(lang.detect(t), lt, dt)) for t in texts]
    n = max(len(outcomes), 1)
    share = {k: sum(o == k for _, o in outcomes) / n for k in ("publish", "hold", "reject")}
    share["dialect"] = sum(o == "dialect" for _, o in outcomes) / n
    line = (
        f"n={len(outcomes):5}  published {share['publish']:.4f}  held {share['hold']:.4f}"
        f"  rejected {share['reject'] + share['dialect']:.4f}  (as dialect {share['dialect']:.4f})"
    )
    wrong = [(t, o) for t, o in outcomes if (o == "publish") != (want == "publish")]
    if want == "dialect":
        wrong = [(t, o) for t, o in outcomes if o != "dialect"]
    for t, o in wrong[:show]:
        r = lang.detect(t)
        rule = r.evidence.get("short_text", {}).get("rule", "-")
        line += (
            f"\n      {o:8} {t!r:34} {r.language:4} en={r.english:.3f} di={r.dialect:.3f} {rule}"
        )
    return line


def one_words(texts: Iterable[str]) -> list[str]:
    """The distinct normalised words of ``texts``, each as a one-word comment."""
    return sorted({w for t in texts for w in lang.normalise(t).split()})


def dev_report(data: Path, show: int) -> None:
    """The dev fifth of the non-evaluation rows, word counts rebuilt without it."""
    by_lang = lexicon_texts(data)
    dev = {c: [t for t in ts if is_dev(text_group(t))] for c, ts in by_lang.items()}
    train = {c: [t for t in ts if not is_dev(text_group(t))] for c, ts in by_lang.items()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / lang.LEXICON_FILE
        write_lexicon(train, path)
        lang._CACHE["lexicon"] = lang._load_lexicon(path)
        try:
            gsw = lang.DIALECT_CODE
            pairs = {c: [t for t in ts if len(t.split()) == 2] for c, ts in dev.items()}
            other_pairs = [t for c, ts in pairs.items() if c not in ("en", gsw) for t in ts]

            def short(texts: list[str]) -> list[str]:
                return [t for t in texts if 0 < len(lang.normalise(t).split()) <= lang.SHORT_WORDS]

            other = [t for c, ts in dev.items() if c not in ("en", gsw) for t in ts]
            sets = [
                ("one word, English word pairs", one_words(pairs["en"]), "publish"),
                ("one word, other languages' word pairs", one_words(other_pairs), "reject"),
                ("one word, Swiss German utterances", one_words(dev[gsw]), "dialect"),
                ("English word pairs", short(pairs["en"]), "publish"),
                ("other languages, <= 3 words", short(other), "reject"),
                ("Swiss German, <= 3 words", short(dev[gsw]), "dialect"),
            ]
            for name, texts, want in sets:
                print(f"dev {name:40} {summary(texts, want, show)}")
        finally:
            lang._CACHE.pop("lexicon", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    parser.add_argument("--no-dev", action="store_true", help="only the written sets")
    parser.add_argument("--show", type=int, default=40, help="texts shown against their label")
    args = parser.parse_args(argv)
    print(f"language check {lang.LANGUAGE_MODEL_VERSION}")
    for name, texts in ENGLISH.items():
        print(f"English {name:38} {summary(texts, 'publish', args.show)}")
    for name, texts in FOREIGN.items():
        want = "dialect" if name == "Swiss German" else "reject"
        print(f"foreign {name:38} {summary(texts, want, args.show)}")
    if not args.no_dev:
        dev_report(args.data, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
