"""The same store gives a byte-identical report once its generated-at time is fixed
(``ReportOptions.generated_at``, or ``SOURCE_DATE_EPOCH`` as reproducible builds set it);
without either, only the one ``Generated`` line differs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from report_audit import FIXED

from mutewatch.errors import UsageError
from mutewatch.show.report import ReportOptions, write_report


def test_fixed_generated_at_gives_byte_identical_reports(
    stores: dict[str, Path], tmp_path: Path
) -> None:
    first = write_report(stores["names"], tmp_path / "a.html", ReportOptions(generated_at=FIXED))
    second = write_report(stores["names"], tmp_path / "b.html", ReportOptions(generated_at=FIXED))
    assert first.html.read_bytes() == second.html.read_bytes()
    assert "Generated 2026-01-02 03:04 UTC." in first.html.read_text(encoding="utf-8")


def test_source_date_epoch_fixes_the_time(
    stores: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIXED.timestamp())))
    page = write_report(stores["one"], tmp_path / "r.html").html.read_text(encoding="utf-8")
    assert "Generated 2026-01-02 03:04 UTC." in page


def test_only_the_generated_line_differs(stores: dict[str, Path], tmp_path: Path) -> None:
    early = ReportOptions(generated_at=datetime(2020, 1, 1, tzinfo=UTC))
    a = write_report(stores["one"], tmp_path / "a.html", early).html.read_text(encoding="utf-8")
    b = write_report(stores["one"], tmp_path / "b.html", ReportOptions(generated_at=FIXED))
    lines = zip(a.splitlines(), b.html.read_text(encoding="utf-8").splitlines(), strict=True)
    differ = [(x, y) for x, y in lines if x != y]
    assert len(differ) == 1
    assert all(re.match(r'<p class="generated">Generated ', line) for line in differ[0])


def test_a_bad_source_date_epoch_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        ReportOptions().generated()


def test_generated_at_from_the_command_line_text() -> None:
    assert ReportOptions.from_strings(generated_at="2026-01-02T03:04:00Z").generated_at == FIXED
    assert ReportOptions.from_strings(generated_at="2026-01-02 03:04").generated_at == FIXED
    with pytest.raises(UsageError, match="ISO"):
        ReportOptions.from_strings(generated_at="yesterday")


def test_two_processes_with_other_hash_seeds_write_the_same_bytes(
    stores: dict[str, Path], tmp_path: Path
) -> None:
    """Set and dict order of strings differs between processes (PYTHONHASHSEED). The two
    processes run side by side, each writing its own file."""
    runs = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.html"
        env = dict(os.environ, PYTHONHASHSEED=seed, SOURCE_DATE_EPOCH=str(int(FIXED.timestamp())))
        cmd = [sys.executable, "-m", "mutewatch", "--store", str(stores["names"]), "report",
               "--out", str(out)]  # fmt: skip
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        runs.append((proc, out))
    for proc, _ in runs:
        said, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, said.decode(errors="replace")
    assert runs[0][1].read_bytes() == runs[1][1].read_bytes()
