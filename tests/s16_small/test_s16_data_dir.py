"""The language and name evaluations find the research data where ``moderate evaluate`` does:
``$MUTEWATCH_DATA`` first, then ``../shared/data`` beside the checkout. Both used to look only
beside the checkout, so called from a worktree or an installed copy they missed data that the
environment named."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from mutewatch.moderate import datasets, language, names


def _evaluation(text: str) -> bool:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 5 == 0


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])


def test_names_evaluation_reads_the_data_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = [f"Maria Example{i}" for i in range(40)]
    fictional = [f"Zorblax{i} Quuxar" for i in range(40)]
    _write(tmp_path / "moderation/names/real_names_us_legislators.csv",
           ["first", "last", "full"], [[n.split()[0], n.split()[1], n] for n in real])  # fmt: skip
    _write(tmp_path / "moderation/names/fictional_names_starwars.csv",
           ["name"], [[n] for n in fictional])  # fmt: skip
    monkeypatch.setenv("MUTEWATCH_DATA", str(tmp_path))

    result = names.evaluate()

    assert result["real"]["n"] == sum(map(_evaluation, real)) > 0
    assert result["fictional"]["n"] == sum(map(_evaluation, fictional)) > 0


def test_language_evaluation_looks_where_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTEWATCH_DATA", str(tmp_path / "elsewhere"))
    assert language.default_data_dir() == datasets.default_data_dir() == tmp_path / "elsewhere"
    with pytest.raises(Exception, match="elsewhere"):
        language.evaluation_rows()
