"""A findings window with text after its last date is refused, not cut to its first ten
characters: `--period 2017-12-01-2017-12-31` (a dash typed for `..`) was read as the one
day 2017-12-01, and its findings printed as those of December; `2017/12` was December 2017."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main


@pytest.mark.xfail(
    strict=True,
    reason="measure/findings.py _parse_day reads date.fromisoformat(text[:10]) (the rest of "
    "the text is dropped) and YYYY-MM as text[:4], text[5:7] (any character between)",
)
@pytest.mark.parametrize(
    ("option", "window"),
    [
        ("--period", "2017-12-01-2017-12-31"),
        ("--baseline", "2015-01-01..2015-12-31x"),
        ("--period", "2017/12"),  # read as 2017-12: the separator was never looked at
    ],
)
def test_a_window_with_trailing_text_is_refused(demo_copy: Path, option: str, window: str) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(demo_copy), "findings", option, window, "--json"]
    )
    assert result.exit_code == 2, result.output
    error = json.loads(result.output)["error"]
    assert window in error["message"], error
