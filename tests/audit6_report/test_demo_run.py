"""``mutewatch demo`` at a small scale: it says where it wrote the exports, the store and
the report, the report it names exists and is self-contained, its store holds the posts
its manifest expects, and it runs in seconds. (One demo run for all of these: the check of
the store's posts was test_cli_foundation's test_demo_command, a demo run of its own.)"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the ingest's readers)."""
    return sum(os.times()[:4])


@pytest.mark.slow  # about 35 s on the loaded 2 cores: the ingest of 49 small files is 20 s
def test_demo_says_where_it_wrote_everything(tmp_path: Path) -> None:
    from mutewatch.cli import main

    store, folder = tmp_path / "demo.duckdb", tmp_path / "demo"
    started = _cpu()  # CPU, not wall time: a loaded machine does not slow it
    result = CliRunner().invoke(
        main, ["--store", str(store), "demo", "--dir", str(folder), "--scale", "0.03"]
    )
    seconds = _cpu() - started
    assert result.exit_code == 0, result.output
    said = result.output
    assert f"Store {store}:" in said
    report = folder / "report.html"
    assert f"Report: {report}" in said
    assert (folder / "manifest.json").is_file() and (folder / "outlets.yaml").is_file()
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page, re.IGNORECASE)
    assert "Findings:" in said and said.count("\n- ") >= 3
    assert seconds < 120, f"the small demo took {seconds:.0f} s of CPU"
    status = CliRunner().invoke(main, ["--store", str(store), "status", "--json"])
    assert status.exit_code == 0, status.output
    counts = json.loads(status.output)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert counts["posts"] == manifest["expected"]["posts"]
    assert counts["official_posts"] > 0 and counts["supporter_posts"] > 0
