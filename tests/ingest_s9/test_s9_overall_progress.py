"""Ingesting many files shows how far the whole run is: an overall line (files done of
all, records read by the files done) above the per-file bars. Before, only each file's own
bar was drawn, with no count of files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from mutewatch.cli import foundation
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body"}


def _files(tmp_path: Path) -> list[Path]:
    paths = []
    for n, rows in enumerate((2, 3, 4)):
        path = tmp_path / f"part{n}.csv"
        lines = [f"acc{n},2020-01-0{n + 1}T10:{i:02d}:00,item {i}" for i in range(rows)]
        path.write_text("user,when,body\n" + "\n".join(lines) + "\n")
        paths.append(path)
    return paths


def test_the_library_reports_files_and_records(tmp_path: Path) -> None:
    heard: list[tuple[int, int, int]] = []
    options = IngestOptions(platform="forum", mapping=dict(MAP))
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, _files(tmp_path), options, overall=lambda *a: heard.append(a))
    assert heard == [(0, 3, 0), (1, 3, 2), (2, 3, 5), (3, 3, 9)]
    assert report.read == 9


def test_the_cli_draws_the_overall_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(foundation, "console", Console(file=screen, force_terminal=True))
    options = IngestOptions(platform="forum", mapping=dict(MAP))
    with Store.open(tmp_path / "s.duckdb") as store:
        foundation.run_ingest(store, _files(tmp_path), options)
    drawn = screen.getvalue()
    assert "files 3/3, 9 records read" in drawn
    assert "part2.csv" in drawn
