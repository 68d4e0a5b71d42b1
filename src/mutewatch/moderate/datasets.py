"""Readers of the labelled moderation data in ``../shared/data/moderation`` and its split.

A row is an *evaluation row* when the SHA-1 of its text, read as a hexadecimal integer, is
divisible by 5 (see ``../shared/data/README.md``). Training and tuning use only the other
rows; ``moderate evaluate`` reports on the evaluation rows.

Library use::

    from mutewatch.moderate.datasets import default_data_dir, fox_news, is_evaluation
    rows = [r for r in fox_news(default_data_dir()) if not is_evaluation(r.text)]
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mutewatch.errors import InputError

csv.field_size_limit(10_000_000)


def is_evaluation(text: str) -> bool:
    """True when ``text`` is an evaluation row under the project's split rule."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 5 == 0


def default_data_dir() -> Path:
    """``$MUTEWATCH_DATA`` or ``../shared/data`` beside the repository root."""
    env = os.environ.get("MUTEWATCH_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[3]
    return (repo / ".." / "shared" / "data").resolve()


@dataclass(frozen=True)
class Row:
    """One labelled text. ``labels`` maps label names to floats; ``group`` is e.g. the article."""

    text: str
    labels: dict[str, float] = field(default_factory=dict)
    group: str = ""
    context: str = ""


def _need(path: Path) -> Path:
    if not path.exists():
        raise InputError(
            f"the moderation data file {path} is missing",
            hint="pass --data DIR pointing at the shared data folder (it holds moderation/)",
        )
    return path


def ethos(data: Path) -> list[Row]:
    """ETHOS binary comments with ``hate`` and, for hateful ones, the target categories."""
    base = data / "moderation"
    multi: dict[str, dict[str, str]] = {}
    with _need(base / "ethos_multi_label.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            multi[_spaced(rec["comment"])] = rec
    rows = []
    with _need(base / "ethos_binary.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            text = rec["comment"]
            hate = float(rec["isHate"]) >= 0.5
            targets = multi.get(_spaced(text), {})
            racial = any(
                float(targets.get(k, 0) or 0) >= 0.5
                for k in ("race", "national_origin", "religion")
            )
            labels = {"hate": float(hate), "racist": float(hate and racial)}
            rows.append(Row(text=text, labels=labels, group="ethos"))
    return rows


def davidson(data: Path) -> list[Row]:
    """Davidson tweets: ``hate`` (class 0), ``offensive`` (class 1), else neither."""
    rows = []
    with _need(data / "moderation" / "davidson_labeled_data.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            cls = int(rec["class"])
            labels = {"hate": float(cls == 0), "offensive": float(cls == 1)}
            rows.append(Row(text=rec["tweet"], labels=labels, group="davidson"))
    return rows


def fox_news(data: Path) -> list[Row]:
    """Fox News comments: ``hateful`` label; group is the article title, context its lead."""
    rows = []
    path = _need(data / "moderation" / "fox_news_comments.json")
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {number} is not JSON: {exc}") from exc
            rows.append(
                Row(
                    text=rec["text"],
                    labels={"hateful": float(rec["label"])},
                    group=rec["title"],
                    context=rec.get("meta", ""),
                )
            )
    return rows


def sfu(data: Path) -> list[Row]:
    """SFU Globe and Mail comments: ``toxic`` (popular answer 3-4); group is the title."""
    rows = []
    path = _need(data / "moderation" / "sfu_constructiveness_toxicity.csv")
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            level = int(rec["is_toxic_popular_answer_1"] or 1)
            title = rec["title"].removesuffix(" - The Globe and Mail")
            rows.append(Row(text=rec["comment"], labels={"toxic": float(level >= 3)}, group=title))
    return rows


def jigsaw(data: Path) -> list[Row]:
    """The Jigsaw sample with its six labels."""
    rows = []
    with _need(data / "moderation" / "jigsaw_sample.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            labels = {
                k: float(rec[k])
                for k in ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
            }
            rows.append(Row(text=rec["comment_text"], labels=labels, group="jigsaw"))
    return rows


def _spaced(text: str) -> str:
    """``text`` with its white space runs as single spaces: 23 hateful comments of ETHOS's
    two files differ only by a no-break space, and lost their targets in an exact join."""
    return " ".join(text.split())


def langid(data: Path, kind: str) -> list[Row]:
    """Language-ID texts of one kind (``sentences`` or ``word-pairs``); group is the code."""
    folder = data / "moderation" / "langid" / kind
    _need(folder)
    rows = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():  # the text as it stands: the split rule hashes it so
                rows.append(Row(text=line, group=path.stem))
    return rows


def swiss_german(data: Path) -> list[Row]:
    """GDI 2019 Swiss German utterances; group is the dialect (BE/BS/LU/ZH)."""
    path = _need(data / "moderation" / "dialect" / "swiss_german_gdi2019_dev.txt")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, dialect = line.partition("\t")
        if text.strip():
            rows.append(Row(text=text, group=dialect.strip()))
    return rows


def names(data: Path) -> list[Row]:
    """Real (US legislators) and fictional (Star Wars) names; label ``fictional``."""
    base = data / "moderation" / "names"
    rows = []
    with _need(base / "real_names_us_legislators.csv").open(encoding="utf-8") as fh:
        rows += [Row(text=r["full"], labels={"fictional": 0.0}) for r in csv.DictReader(fh)]
    with _need(base / "fictional_names_starwars.csv").open(encoding="utf-8") as fh:
        rows += [Row(text=r["name"], labels={"fictional": 1.0}) for r in csv.DictReader(fh)]
    return rows


def split(rows: list[Row], evaluation: bool) -> list[Row]:
    """Only the evaluation rows (``evaluation=True``) or only the others."""
    return [r for r in rows if is_evaluation(r.text) == evaluation]


def iter_texts(rows: list[Row]) -> Iterator[str]:
    """The texts of rows, in order."""
    return (r.text for r in rows)


ENGLISH_COMMENTS = ("Fox News", "SFU")
"""The news-comment datasets of :func:`english_training_texts`."""
ENGLISH_DATASETS = (*ENGLISH_COMMENTS, "ETHOS", "Davidson", "Jigsaw", "Leipzig English sentences")
"""Every English dataset of :func:`english_training_texts`, news comments first."""


def english_training_texts(
    data: Path, which: tuple[str, ...] = ENGLISH_DATASETS
) -> dict[str, list[str]]:
    """The non-evaluation texts of each English dataset named in ``which``, each text once,
    in file order (the development side of the split, for reports that weigh a rule)."""
    readers: dict[str, Callable[[Path], list[Row]]] = {
        "Fox News": fox_news,
        "SFU": sfu,
        "ETHOS": ethos,
        "Davidson": davidson,
        "Jigsaw": jigsaw,
        "Leipzig English sentences": lambda d: [
            r for r in langid(d, "sentences") if r.group == "en"
        ],
    }
    unknown = [name for name in which if name not in readers]
    if unknown:
        raise ValueError(f"no English dataset {unknown[0]!r}: use one of {', '.join(readers)}")
    out = {}
    for name in which:
        texts = dict.fromkeys(r.text for r in readers[name](data))
        out[name] = [t for t in texts if not is_evaluation(t)]
    return out
