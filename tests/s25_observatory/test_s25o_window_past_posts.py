"""``supporters`` and ``platforms`` measure nothing for a --from/--to wholly past the posts.

Their docstrings (and the README: "dates wholly outside the archive give silences,
supporters and platforms an empty result with a warning") say so, and so it was with
``--from`` after the last post alone; given ``--to`` too, the window was zero-filled:
``supporters --from 2017-01-01 --to 2017-03-01`` on a 2016 archive listed 2017-01,
2017-02 and 2017-03 with 0 posts and said "Trend of amplification_per_day: not tested
(2 full periods ...)" of months nobody collected. Now it is the empty result with its
note, as for one end given; a window inside the archive without a post still reads zeros.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from tests.s17_measure.conftest import ingest_rows

NOTHING = "the store holds no posts in the window: nothing to measure"
ROWS = [("2016-01-04", "placeholder https://t.co/abc"), ("2016-03-05", "placeholder")]


def _measured(store: Path, command: str, *options: str) -> dict[str, Any]:
    args = ["--store", str(store), command, "--of", "all", *options, "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.output)
    return found


@pytest.mark.parametrize("command", ["supporters", "platforms"])
@pytest.mark.parametrize("window", [("2017-01-01", "2017-03-01"), ("2015-01-01", "2015-02-01")])
def test_a_window_wholly_past_the_posts_is_empty(
    tmp_path: Path, command: str, window: tuple[str, str]
) -> None:
    store = ingest_rows(tmp_path, ROWS)
    found = _measured(store, command, "--from", window[0], "--to", window[1])
    assert found["rows"] == []
    assert found["total"] is None
    assert NOTHING in found["notes"]
    assert any("lies wholly outside the archive's coverage" in w for w in found["warnings"])
    assert all(t["periods"] == 0 for t in found["trend"].values())


@pytest.mark.parametrize("command", ["supporters", "platforms"])
def test_a_window_inside_the_archive_without_a_post_reads_zeros(
    tmp_path: Path, command: str
) -> None:
    store = ingest_rows(tmp_path, ROWS)
    found = _measured(store, command, "--from", "2016-02-01", "--to", "2016-02-29")
    assert [r["period"] for r in found["rows"]] == ["2016-02"]
    assert found["total"] is not None
    assert NOTHING not in found.get("notes", [])
