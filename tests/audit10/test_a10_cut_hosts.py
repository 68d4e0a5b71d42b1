"""A URL cut short inside its host ("https://t.c…", as truncated tweets show them) names
no place. Read as a host, every cut was another distinct host: on the Fifth Tribe tweets
`platforms` counted 6 hosts where there is one (t.co), and `findings` stated that links
pointed to more and more hosts (Kendall tau +0.57) though only the cuts multiplied."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure import derived
from mutewatch.measure.registry import run_measurement
from mutewatch.store import Store

REPO = Path(__file__).resolve().parents[2]
TWEETS = REPO.parent / "shared" / "data" / "fifth_tribe_tweets.csv"

# (day, text): one whole link per day, and from day 3 on, links cut inside their host
ROWS = [
    (1, "placeholder one https://t.co/AbCdEf"),
    (2, "placeholder two https://t.co/GhIjKl"),
    (3, "placeholder three https://t.co/MnOpQr and then https://t.c…"),
    (4, "placeholder four https://t.co/StUvWx and then https://…"),
    (5, "placeholder five https://t.co/YzAbCd and then https://t.…"),
    (6, "placeholder six https://t.co/EfGhIj and then https://t.co…"),
]


def _ingest(folder: Path) -> Path:
    path = folder / "rows.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "when", "body"])
        for day, text in ROWS:
            writer.writerow(["acct_a", f"2016-01-{day:02d} 10:00:00", text])
    store = folder / "store.duckdb"
    with Store.open(store) as opened:
        options = IngestOptions(
            platform="twitter", mapping={"account": "user", "time": "when", "text": "body"}
        )
        ingest(opened, [path], options)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ingest(tmp_path_factory.mktemp("cut_hosts"))


def test_cut_hosts_are_stored_as_no_host(store: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    try:
        hosts = con.execute("SELECT host, count(*) FROM links GROUP BY ALL").fetchall()
    finally:
        con.close()
    assert dict(hosts) == {"t.co": 6, "": 4}  # as a URL without a host


def test_platforms_count_one_host(store: Path) -> None:
    result = run_measurement("platforms", store, of="all", every="day")
    assert [r["hosts"] for r in result["rows"]] == [1, 1, 1, 1, 1, 1]
    assert [r["links"] for r in result["rows"]] == [1, 1, 2, 2, 2, 2]
    assert result["total"]["hosts"] == 1
    assert result["trend"]["hosts"]["direction"] != "rising"


def test_an_older_store_with_cut_hosts_reads_them_as_no_host(tmp_path: Path) -> None:
    """Stores ingested before the fix hold the cut hosts: measurements leave them out."""
    path = _ingest(tmp_path)
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE links SET host = regexp_extract(url, '://([^/]*)', 1) WHERE host = ''")
        assert con.execute("SELECT count(DISTINCT host) FROM links").fetchone() == (5,)
        derived.refresh(con)
    finally:
        con.close()
    result = run_measurement("platforms", path, of="all")
    assert result["total"]["hosts"] == 1
    assert [h["host"] for h in result["rows"][0]["top_hosts"]] == ["t.co"]


@pytest.mark.slow
def test_fifth_tribe_links_point_to_one_host(tmp_path: Path) -> None:
    if not TWEETS.exists():
        pytest.skip(f"research data not found at {TWEETS} (see ../shared/data/README.md)")
    store = tmp_path / "store.duckdb"
    with Store.open(store) as opened:
        options = IngestOptions(
            platform="twitter",
            mapping={"account": "username", "time": "time", "text": "tweets"},
            time_format="%m/%d/%Y %H:%M",
        )
        ingest(opened, [TWEETS], options)
    result = run_measurement("platforms", store, of="all")
    assert result["total"]["hosts"] == 1
    assert max(r["hosts"] for r in result["rows"]) == 1


def test_report_distinct_hosts_chart_matches_platforms(tmp_path: Path) -> None:
    from mutewatch.outlets import load_registry
    from mutewatch.show.charts import NO_HOST, Filters, hosts

    path = _ingest(tmp_path)
    registry = tmp_path / "outlets.yaml"
    registry.write_text(
        "outlets:\n  - name: Outlet One\n    official: true\n    accounts:\n"
        "      - {platform: twitter, id: acct_a}\n"
    )
    with Store.open(path) as opened:
        load_registry(opened, registry)
        _, distinct, top = hosts(opened, Filters(), "day")
    (line,) = distinct.data
    shown = {str(x)[:10]: int(y) for x, y in zip(line.x, line.y, strict=True)}
    result = run_measurement("platforms", path, every="day")
    assert shown == {r["start"]: r["hosts"] for r in result["rows"] if r["links"]}
    # the top-hosts table names the cut links as no host, not as '' or 't.c…'
    assert {r["host"] for r in top} == {"t.co", NO_HOST}
