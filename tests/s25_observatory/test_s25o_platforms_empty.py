"""``platforms`` in text on a store or window without a post: it said nothing and crashed.

The JSON of an empty window has ``total: null`` (as ``supporters``' has) and a note, but the
text read ``result["total"]`` as a dict: a traceback (exit 1) after the table's header, on an
empty store and for a ``--from`` after the archive's last post alike. Now it prints the note
(as ``supporters`` does), an empty table and the untested trends, and exits 0.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main
from tests.s17_measure.conftest import ingest_rows

NOTHING = "Note: the store holds no posts in the window: nothing to measure"


def _platforms(store: Path, *options: str) -> tuple[int, str]:
    args = ["--store", str(store), "platforms", "--of", "all", *options]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_an_empty_store_says_nothing_to_measure(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, [])
    code, text = _platforms(store)
    assert code == 0, text
    assert NOTHING in text
    assert "Trend of distinct hosts: not tested (0 full periods" in text
    code, out = _platforms(store, "--json")
    assert code == 0
    assert json.loads(out)["total"] is None


def test_a_window_after_the_archive_says_nothing_to_measure(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, [("2016-01-04", "placeholder https://t.co/abc")])
    code, text = _platforms(store, "--from", "2017-01-01")
    assert code == 0, text
    assert "Warning: --from 2017-01-01 lies wholly outside the archive's coverage" in text
    assert NOTHING in text
    code, text = _platforms(store)  # the archive itself still reads as before
    assert code == 0, text
    assert NOTHING not in text
    assert "the host counted is the shortener's." in text
