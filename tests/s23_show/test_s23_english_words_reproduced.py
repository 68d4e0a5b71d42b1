"""scripts/check_reproduction.py rebuilds english_words.npz with build_english_words.py (from
Debian's wamerican and wbritish) and compares it with the shipped file; it did not cover the
file at all. Without the word lists it says so and skips that file (exit 0), and it needs
no research data for it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DICT = Path("/usr/share/dict")


def _script() -> ModuleType:
    name = "_s23_check_reproduction"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "check_reproduction.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_without_the_word_lists_english_is_skipped_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "dict"
    empty.mkdir()
    args = ["--only", "english", "--dict", str(empty), "--data", str(tmp_path / "no-data")]
    assert _script().main(args) == 0
    out = capsys.readouterr().out
    assert f"english: skipped: no american-english / british-english in {empty}" in out
    assert "apt-get install -y wamerican wbritish" in out


@pytest.mark.skipif(
    not all((DICT / n).is_file() for n in ("american-english", "british-english")),
    reason="apt-get install -y wamerican wbritish to rebuild english_words.npz",
)
def test_english_words_is_rebuilt_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep = tmp_path / "rebuilt"
    args = ["--only", "english", "--keep", str(keep), "--data", str(tmp_path / "no-data")]
    assert _script().main(args) == 0
    out = capsys.readouterr().out
    assert "english_words.npz: identical" in out and "-> reproduced" in out
    shipped = ROOT / "src" / "mutewatch" / "moderate" / "data" / "english_words.npz"
    assert (keep / "english_words.npz").read_bytes() == shipped.read_bytes()
