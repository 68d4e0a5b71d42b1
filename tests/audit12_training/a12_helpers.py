"""Audit of the moderation training pipeline: the evaluation split, read from the files.

The split rule of ../shared/data/README.md is applied here to each text *exactly as it
stands in the file* (csv/json decoded, no stripping), by readers written for this folder,
not by ``mutewatch.moderate.datasets``, so a reader of the package that changes a text
before hashing it cannot hide an evaluation row from these tests.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"
MODERATION = DATA / "moderation"
PACKAGE_DATA = REPO / "src" / "mutewatch" / "moderate" / "data"
WEIGHTS = REPO / "src" / "mutewatch" / "moderate" / "weights"

csv.field_size_limit(10_000_000)


def is_evaluation(text: str) -> bool:
    """The README's rule, word for word."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 5 == 0


@dataclass(frozen=True)
class FileTexts:
    """Every text of the labelled moderation files, as it stands in each file."""

    by_file: dict[str, list[str]]

    def evaluation(self) -> set[str]:
        """The evaluation texts of every file."""
        return {t for texts in self.by_file.values() for t in texts if is_evaluation(t)}

    def evaluation_of(self, *names: str) -> set[str]:
        """The evaluation texts of the named files (keys of ``by_file``)."""
        return {t for n in names for t in self.by_file[n] if is_evaluation(t)}


def _csv_column(path: Path, column: str, delimiter: str = ",") -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [rec[column] for rec in csv.DictReader(fh, delimiter=delimiter)]


def read_file_texts() -> FileTexts:
    """The texts of each labelled file; skips the test when the shared data is missing."""
    if not MODERATION.is_dir():
        pytest.skip(f"research data not found at {MODERATION} (see ../shared/data/README.md)")
    m = MODERATION
    by_file: dict[str, list[str]] = {
        "davidson": _csv_column(m / "davidson_labeled_data.csv", "tweet"),
        "ethos_binary": _csv_column(m / "ethos_binary.csv", "comment", ";"),
        "ethos_multi": _csv_column(m / "ethos_multi_label.csv", "comment", ";"),
        "sfu": _csv_column(m / "sfu_constructiveness_toxicity.csv", "comment"),
        "jigsaw": _csv_column(m / "jigsaw_sample.csv", "comment_text"),
        "legislators": _csv_column(m / "names" / "real_names_us_legislators.csv", "full"),
        "starwars": _csv_column(m / "names" / "fictional_names_starwars.csv", "name"),
    }
    with (m / "fox_news_comments.json").open(encoding="utf-8") as fh:
        by_file["fox"] = [json.loads(line)["text"] for line in fh if line.strip()]
    gdi = (m / "dialect" / "swiss_german_gdi2019_dev.txt").read_text(encoding="utf-8")
    by_file["gdi"] = [line.split("\t")[0] for line in gdi.splitlines() if line.strip()]
    for kind in ("sentences", "word-pairs"):
        for path in sorted((m / "langid" / kind).glob("*.txt")):
            lines = path.read_text(encoding="utf-8").splitlines()
            by_file[f"langid/{kind}/{path.stem}"] = [line for line in lines if line.strip()]
    return FileTexts(by_file)


def load_script(name: str) -> ModuleType:
    """Import ``scripts/<name>.py`` as a module (the scripts folder is not a package)."""
    key = f"_audit12_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module
