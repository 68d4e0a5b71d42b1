"""Why findings has no decline, on a store with no official post (the Fifth Tribe CSV of the
README's ingest example, read with the default --of official): the reason named every month
from 2015-01 to 2016-04 as held "only in part", though February 2015 to March 2016 are full
months of the record; they hold no counted post, which is the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def test_the_reason_for_no_decline_does_not_call_full_months_partial(
    fifth_tribe_ingested: Path, tmp_path: Path
) -> None:
    store = tmp_path / "fifth.duckdb"
    shutil.copy(fifth_tribe_ingested, store)
    result = CliRunner().invoke(main, ["--store", str(store), "findings", "--json"])
    assert result.exit_code == 0, result.output
    skipped = {s["kind"]: s["reason"] for s in json.loads(result.output)["skipped"]}
    reason = skipped["decline"]
    assert "only in part" not in reason, reason
    assert "no counted post" in reason and "2015-02 to 2016-04" in reason, reason
    assert "--of official" in reason, reason
