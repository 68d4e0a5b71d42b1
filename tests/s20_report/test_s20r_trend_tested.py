"""The trends of `supporters` and `platforms`: ``tested`` beside ``direction``. With fewer
than 3 full periods the JSON's ``direction`` read "flat" while the text said "not tested";
``tested`` (false then) tells the two apart, and the text follows it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.measure.trend import monotone_trend

from .s20r_helpers import report_audit

ra = report_audit()


@pytest.mark.parametrize(
    ("values", "tested", "direction"),
    [
        ([], False, "flat"),
        ([3.0, 5.0], False, "flat"),
        ([1.0, None, 4.0], False, "flat"),  # None left out: 2 values
        ([2.0, 2.0, 2.0], True, "flat"),  # tested: equal values, no trend
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], True, "rising"),
        ([1.0, 3.0, 2.0], True, "flat"),
    ],
)
def test_tested_beside_direction(values: list[float | None], tested: bool, direction: str) -> None:
    t = monotone_trend(values)
    assert t["tested"] is tested
    assert t["direction"] == direction


def _run(store: Path, *args: str) -> tuple[dict[str, Any], str]:
    runner = CliRunner()
    given = ["--store", str(store), *args]
    as_json = runner.invoke(main, [*given, "--json"])
    text = runner.invoke(main, given)
    assert as_json.exit_code == 0 and text.exit_code == 0, as_json.output + text.output
    return json.loads(as_json.output), text.output


def _mixed(base: Path, keep_days: int) -> Path:
    rows = [r for r in ra.mixed_rows() if int(r["time"][5:7]) <= keep_days]
    outlets = [("Outlet One", True, "off1"), ("Outlet Two", True, "off2"),
               ("Channel Three", False, "sup1"), ("Channel Four", False, "sup2")]  # fmt: skip
    return Path(ra.build_store(base, rows, outlets))


@pytest.mark.parametrize("command", ["supporters", "platforms"])
def test_text_and_json_agree(command: str, tmp_path: Path) -> None:
    short = _mixed(tmp_path / "short", 1)  # January alone: one month, not tested
    data, text = _run(short, command, "--every", "month")
    assert data["trend"], data
    for name, t in data["trend"].items():
        assert t["tested"] is False, name
        assert t["direction"] == "flat"  # kept as it was
    assert "not tested" in text
    longer = _mixed(tmp_path / "long", 5)  # five months: tested
    data, text = _run(longer, command, "--every", "week")
    for name, t in data["trend"].items():
        assert t["tested"] is True, name
        assert t["periods"] >= 3
    assert "not tested" not in text
