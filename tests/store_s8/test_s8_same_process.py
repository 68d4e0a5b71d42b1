"""A store held open in this process in the other mode is busy, not an internal error.

Found when `moderate stats` ran beside an in-process server whose writer held the store:
DuckDB refused the read-only open with "different configuration than existing connections",
which surfaced as an internal error instead of the busy store the CLI waits out."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from mutewatch.errors import StoreBusyError
from mutewatch.store import Store


def test_read_only_open_beside_this_process_writer_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    busy = pytest.raises(StoreBusyError, match="open in this process in another mode")
    with Store.open(path), busy:
        Store.open(path, read_only=True)


def test_cli_waits_for_this_process_writer_then_reads(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mutewatch.cli import main
    from mutewatch.moderate.service import ModerationService

    path = tmp_path / "s.duckdb"
    ModerationService.open(path).close()
    writer = Store.open(path)
    threading.Timer(0.5, writer.close).start()
    result = CliRunner().invoke(main, ["--store", str(path), "moderate", "stats", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["submitted"] == 0


def test_cli_that_does_not_wait_says_busy(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mutewatch.cli import main

    path = tmp_path / "s.duckdb"
    with Store.open(path):
        result = CliRunner().invoke(main, ["--store", str(path), "status"])
    assert result.exit_code == StoreBusyError.exit_code, result.output
    assert "open in this process in another mode" in result.output
