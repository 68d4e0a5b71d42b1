"""An archive named twice in one ingest (a file, and the folder holding it) is read once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.demo import write_export
from mutewatch.demo_html import write_html_export

from .test_html_review import CHAT


def _ingest(store: Path, *paths: Path) -> dict[str, object]:
    result = CliRunner().invoke(main, ["--store", str(store), "ingest", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.output)
    return report


def _sources(report: dict[str, object]) -> int:
    files = report["files"]
    assert isinstance(files, list)
    return len(files)


@pytest.mark.parametrize("export", ["json", "html"])
def test_a_file_and_its_folder_are_one_source(tmp_path: Path, export: str) -> None:
    folder = tmp_path / "exp"
    if export == "json":
        named = write_export(folder / "result.json", [CHAT])
    else:
        named = write_html_export(folder, CHAT)[0]
    once = _ingest(tmp_path / "once.duckdb", folder)
    twice = _ingest(tmp_path / "twice.duckdb", named, folder, Path(f"{folder}/."))
    assert _sources(twice) == _sources(once) == 1
    assert twice["read"] == once["read"] == 3
    assert twice["duplicates"] == 0
