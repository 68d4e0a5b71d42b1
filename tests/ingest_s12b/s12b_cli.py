"""The real ``mutewatch ingest`` and ``mutewatch quarantine`` commands, run in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mutewatch.cli import main

MAP = {"account": "who", "time": "when", "text": "body"}


def ingest_cli(store: Path, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Ingest ``path`` as forum rows mapped by MAP: the --json counts and the quarantine."""
    maps = [arg for field, column in MAP.items() for arg in ("--map", f"{field}={column}")]
    args = ["--store", str(store), "ingest", str(path), "--platform", "forum", "--json", *maps]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    shown = CliRunner().invoke(main, ["--store", str(store), "quarantine", "--json"])
    return json.loads(result.output), json.loads(shown.output)["quarantined"]
