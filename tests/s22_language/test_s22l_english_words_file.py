"""The shipped ordinary English words (data/english_words.npz) and the script that builds it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from mutewatch.moderate import language

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_english_words.py"
DICT = Path("/usr/share/dict")


def _lexicon() -> language._Lexicon:
    lex: language._Lexicon = language._get("lexicon")
    return lex


def test_the_file_holds_sorted_unique_hashes() -> None:
    d = _lexicon().dictionary
    # 64,604 words of 4+ letters and 665 of 3 (session 24); "codding" and "gnu" share a hash
    assert d.dtype == np.uint32 and len(d) == 65_268
    assert (np.diff(d.astype(np.int64)) > 0).all()


@pytest.mark.parametrize("word", ["browser", "exterior", "tram", "pardon", "colour", "color"])
def test_ordinary_words_are_in_it(word: str) -> None:
    assert _lexicon().in_dictionary(word)


@pytest.mark.parametrize("word", ["geneva", "danke", "mitarbeiter", "es", "con", "xqzv"])
def test_proper_nouns_short_entries_and_foreign_words_are_not(word: str) -> None:
    """'geneva' is only capitalised in SCOWL; 'con' is an entry but under four letters."""
    assert not _lexicon().in_dictionary(word)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_english_words", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_script_reproduces_the_shipped_file(tmp_path: Path) -> None:
    if not all((DICT / n).is_file() for n in ("american-english", "british-english")):
        pytest.skip("Debian's wamerican/wbritish are not installed (apt-get install them)")
    assert _script().main(["--out", str(tmp_path)]) == 0
    with np.load(tmp_path / language.ENGLISH_WORDS_FILE) as z:
        built = np.cumsum(z["delta"], dtype=np.uint64).astype(np.uint32)
    assert np.array_equal(built, _lexicon().dictionary)
