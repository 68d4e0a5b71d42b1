"""``output --by host`` reads a host cut short in an older store ("https://t.c…" stored with
host ``t.c…``) as no host, as ``platforms`` and the report do (``derived.readable_host``).

Stores ingested before session 15 hold the cut hosts; ``platforms`` counted one host, t.co,
while ``output --by host`` listed every cut as a host of its own beside it (``t.c…``,
``t…``), so the two commands disagreed on where the same links point. No URL is fetched
here: the links are only parsed.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.measure.registry import run_measurement
from tests.s17_measure.conftest import ingest_rows

ROWS = [
    ("2016-01-01", "placeholder https://t.co/abc"),
    ("2016-01-02", "placeholder https://t.c…"),
    ("2016-01-03", "placeholder https://t…"),
    ("2016-01-04", "placeholder https://t.co/def https://t.c…"),
]


def _older_store(folder: Path) -> Path:
    store = ingest_rows(folder, ROWS)
    con = duckdb.connect(str(store))
    try:  # as ingest stored them before: the URL's text up to the path, cut and all
        con.execute("UPDATE links SET host = regexp_extract(url, '://([^/]*)', 1) WHERE host = ''")
        hosts = con.execute("SELECT DISTINCT host FROM links ORDER BY host").fetchall()
    finally:
        con.close()
    assert {h for (h,) in hosts} == {"t.c…", "t.co", "t…"}
    return store


def test_output_by_host_reads_cut_hosts_as_no_host(tmp_path: Path) -> None:
    store = _older_store(tmp_path)
    result = run_measurement("output", store, of="all", by="host", every="month")
    counts = {r["group"]: r["count"] for r in result["rows"]}
    assert counts == {"t.co": 2, "": 3}
    platforms = run_measurement("platforms", store, of="all")["total"]
    assert platforms["hosts"] == 1 == len([g for g in counts if g])
    text = CliRunner().invoke(
        main, ["--store", str(store), "output", "--of", "all", "--by", "host", "--every", "month"]
    )
    assert "(no host)  3" in text.output and "t.c…" not in text.output
    as_json = CliRunner().invoke(
        main, ["--store", str(store), "output", "--of", "all", "--by", "host", "--json"]
    )
    assert {r["group"] for r in json.loads(as_json.output)["rows"]} == {"t.co", ""}
