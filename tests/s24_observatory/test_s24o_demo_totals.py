"""`mutewatch demo` holds its ingest to the totals its own generator wrote.

The demo printed whatever its ingest reported and never compared it with the manifest's
``expected`` (read, new, duplicates, quarantined, skipped), so an importer that lost,
doubled or misfiled records still gave a demo that looked right. Now the demo fails
loudly, naming each count that differs, and a demo run again in its folder (every file
read again: nothing new, every post a duplicate) still passes. Synthetic demo only.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mutewatch.demo
from mutewatch.cli import foundation, main
from mutewatch.demo import DemoManifest, check_ingest_totals
from mutewatch.errors import MutewatchError
from mutewatch.ingest import IngestReport

SCALE = "0.02"


def _demo(tmp_path: Path, *extra: str) -> Any:
    return CliRunner().invoke(
        main,
        ["--store", str(tmp_path / "demo.duckdb"), "demo", "--dir", str(tmp_path / "d")]
        + ["--scale", SCALE, *extra],
    )


def test_the_demo_passes_its_own_check_and_again_in_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foundation, "DEMO_HOOKS", [])  # findings and report: tested elsewhere
    first = _demo(tmp_path)
    assert first.exit_code == 0, first.output
    again = _demo(tmp_path)  # the same files, read again into the same store
    assert again.exit_code == 0, again.output


def test_a_demo_whose_ingest_differs_from_its_manifest_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foundation, "DEMO_HOOKS", [])
    real = mutewatch.demo.generate

    def off_by_one(*args: Any, **kwargs: Any) -> DemoManifest:
        manifest = real(*args, **kwargs)
        manifest.truth["expected"]["skipped"] += 1  # as if the importer lost a record
        return manifest

    monkeypatch.setattr(mutewatch.demo, "generate", off_by_one)
    result = _demo(tmp_path)
    # old code: exit 0, the demo summarised as if nothing were wrong
    assert result.exit_code != 0
    assert "does not match what the generator wrote" in result.output
    assert "skipped" in result.output and "expected" in result.output


def test_check_ingest_totals_names_every_count_that_differs(
    demo: DemoManifest, demo_ingest: tuple[Path, IngestReport]
) -> None:
    _, report = demo_ingest
    check_ingest_totals(demo, report)  # the manifest's own figures pass
    truth = copy.deepcopy(demo.truth)
    truth["expected"]["new"] += 2
    truth["expected"]["quarantined"] -= 1
    wrong = DemoManifest(demo.root, demo.exports, demo.registry, demo.path, truth)
    with pytest.raises(MutewatchError) as caught:
        check_ingest_totals(wrong, report)
    message = str(caught.value)
    assert f"new {report.new:,} (expected {report.new + 2:,})" in message
    assert f"quarantined {report.quarantined:,} (expected {report.quarantined - 1:,})" in message
    assert "duplicates" not in message and "skipped" not in message
