"""An unknown ``--outlet`` names up to three close outlets by name, not the first three in
the order the store holds its outlets: unregistered outlets are inserted in the order of
the accounts table, which follows DuckDB's hash aggregation, so the same accounts written
in another order gave another hint ('chan03', 'chan05', 'chan01' or 'chan11', 'chan08',
'chan00')."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def test_the_hint_for_an_unknown_outlet_names_the_closest_by_name(tmp_path: Path) -> None:
    for seed in range(3):
        names = [f"chan{n:02d}" for n in range(12)]
        random.Random(seed).shuffle(names)
        rows = [f"{a},2016-01-0{1 + i % 9} 10:00,post" for i, a in enumerate(names)]
        archive = tmp_path / f"posts{seed}.csv"
        archive.write_text("\n".join(["user,date,text", *rows]) + "\n", encoding="utf-8")
        store = str(tmp_path / f"s{seed}.duckdb")
        ingest = ["--store", store, "ingest", str(archive), "--platform", "forum"]
        result = CliRunner().invoke(main, [*ingest, "--map", "account=user", "--map", "time=date"])
        assert result.exit_code == 0, result.output
        asked = ["--store", store, "output", "--outlet", "chan", "--json"]
        result = CliRunner().invoke(main, asked)
        assert result.exit_code != 0
        message = json.loads(result.output)["error"]["message"]
        assert message.endswith("'chan' (did you mean 'chan00', 'chan01', 'chan02'?)"), message
