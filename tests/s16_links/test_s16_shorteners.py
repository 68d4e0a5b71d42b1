"""Link shorteners (t.co, bit.ly, ...) are a host class of their own, ``shortener``.

Before, a shortened link was class ``other`` and counted as a place content is uploaded to:
on the Fifth Tribe tweets every link with a host is a t.co link, and `platforms` and
`findings` said links "pointed to 1 distinct host" without a word on the shortener hiding
where the content is. Now ``platforms`` counts the shortened links (``shortened_links``,
``shortened_share``, ``shortener_hosts``) and both say what they mean. Stores written
before the class existed get their links reclassified when the derived tables are rebuilt.
A link naming no host (a cut URL, class other) no longer counts as a kind of platform: on
the tweets it would have made two kinds, t.co's and the cuts'. No URL is ever fetched
here: the links are only parsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest.links import HOST_CLASSES, classes_digest, classify_host, host_class_sql
from mutewatch.measure import derived
from mutewatch.measure.registry import run_measurement

# the well-known shorteners, as the class must hold them (the list is HOST_CLASSES')
SHORTENERS = ["t.co", "bit.ly", "goo.gl", "tinyurl.com", "ow.ly", "fb.me", "short.example"]
# hosts that look like shorteners and are not: no dot before the suffix, or another class
NOT_SHORTENERS = {
    "notbit.ly": "other",
    "xt.co": "other",
    "t.com": "other",
    "bit.ly.example": "other",
    "t.me": "telegram",
    "youtu.be": "video",
    "files.example": "file_host",
    "": "other",
}

# (day, text): January is the baseline, March the period
ROWS = [
    ("2016-01-05", "placeholder one https://files.example/y"),
    ("2016-01-12", "placeholder two https://social.example/a"),
    ("2016-01-19", "placeholder three https://t.co/abc"),
    ("2016-03-02", "placeholder four https://t.co/abc https://bit.ly/x"),
    ("2016-03-09", "placeholder five https://t.co/def https://files.example/y"),
    ("2016-03-16", "placeholder six https://go.bit.ly/z https://notbit.ly/q"),
    ("2016-03-23", "placeholder seven https://t.co/ghi"),
]
PERIOD = {"baseline": "2016-01-01..2016-01-31", "period": "2016-03-01..2016-03-31"}


def _ingest(folder: Path, rows: list[tuple[str, str]]) -> Path:
    """A store of ``rows`` ingested as README.md shows it for a CSV of tweets."""
    path = folder / "rows.csv"
    text = "".join(f'outlet_alpha,{day} 10:00:00,"{body}"\n' for day, body in rows)
    path.write_text("user,when,body\n" + text, encoding="utf-8")
    store = folder / "store.duckdb"
    args = ["--store", str(store), "ingest", str(path), "--format", "csv"]
    args += ["--platform", "twitter", "--map", "account=user", "--map", "time=when"]
    result = CliRunner().invoke(main, [*args, "--map", "text=body"])
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ingest(tmp_path_factory.mktemp("shorteners"), ROWS)


def _sql_classes(hosts: list[str]) -> dict[str, str]:
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE h (host VARCHAR)")
        con.executemany("INSERT INTO h VALUES (?)", [[h] for h in hosts])
        rows = con.execute(f"SELECT host, {host_class_sql('host')} FROM h").fetchall()
    finally:
        con.close()
    return {str(h): str(c) for h, c in rows}


def test_shorteners_and_their_subdomains_are_class_shortener_in_python_and_sql() -> None:
    assert set(SHORTENERS) <= set(HOST_CLASSES["shortener"])
    listed = list(HOST_CLASSES["shortener"])
    hosts = listed + [f"sub.{h}" for h in listed]
    assert {h: classify_host(h) for h in hosts} == dict.fromkeys(hosts, "shortener")
    assert _sql_classes(hosts) == dict.fromkeys(hosts, "shortener")


def test_look_alikes_keep_their_class_in_python_and_sql() -> None:
    assert {h: classify_host(h or None) for h in NOT_SHORTENERS} == NOT_SHORTENERS
    assert _sql_classes(list(NOT_SHORTENERS)) == NOT_SHORTENERS


def _total(store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement("platforms", store, of="all", **options)["total"]
    return result


def test_platforms_counts_the_shortened_links(store: Path) -> None:
    total = _total(store)
    assert total["links"] == 10
    assert total["by_class"] == {"file_host": 2, "other": 1, "shortener": 6, "social": 1}
    assert total["shortened_links"] == 6
    assert total["shortened_share"] == 0.6
    assert total["shortener_hosts"] == [
        {"host": "t.co", "links": 4},
        {"host": "bit.ly", "links": 1},
        {"host": "go.bit.ly", "links": 1},
    ]


def test_platforms_text_says_what_shortened_links_hide(store: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(store), "platforms", "--of", "all"])
    assert result.exit_code == 0, result.output
    assert (
        "6 of 10 links (60.0%) go through link shorteners (t.co, bit.ly, go.bit.ly), whose "
        "destination mutewatch cannot tell without following them, which it never does: "
        "3 of the 6 hosts counted are shorteners." in result.output
    )


def test_findings_sentence_gives_the_shortened_share(store: Path) -> None:
    result = run_measurement("findings", store, of="all", **PERIOD)
    (hosts,) = [f for f in result["findings"] if f["kind"] == "platform_hosts"]
    assert hosts["sentence"].endswith(
        " 5 of 7 links in 2016-03-01 to 2016-03-23 (71.4%) go through link shorteners (t.co, "
        "bit.ly, "
        "go.bit.ly), whose destination mutewatch cannot tell without following them, which "
        "it never does: 3 of the 5 hosts counted are shorteners "
        "(in 2016-01-05 to 2016-01-31: 1 of 3, 33.3%)."
    )
    assert hosts["numbers"]["period_shortened_links"] == 5
    assert hosts["numbers"]["baseline_shortened_links"] == 1
    assert hosts["numbers"]["period_shortener_hosts"][0] == {"host": "t.co", "links": 3}


def test_without_shortened_links_the_output_keeps_its_shape(tmp_path: Path) -> None:
    plain = [
        (d, t.replace("t.co", "video.example").replace("bit.ly", "paste.example")) for d, t in ROWS
    ]
    store = _ingest(tmp_path, plain)
    total = _total(store)
    assert "shortened_links" not in total and "shortener_hosts" not in total
    result = run_measurement("findings", store, of="all", **PERIOD)
    (hosts,) = [f for f in result["findings"] if f["kind"] == "platform_hosts"]
    assert "shorten" not in hosts["sentence"]
    assert "period_shortened_links" not in hosts["numbers"]


def old_store(folder: Path) -> Path:
    """The tweets of ``ROWS`` as a store written before ``shortener`` existed: its links
    stored as other, and derived tables of format 3 built from them."""
    store = _ingest(folder, ROWS)
    con = duckdb.connect(str(store))
    try:
        derived.refresh(con)
        con.execute("UPDATE links SET host_class = 'other' WHERE host_class = 'shortener'")
        # the lists' digest as done, so this refresh builds the tables from the old classes
        con.execute(
            "UPDATE measure_state SET value = ? WHERE key = 'host_classes'", [classes_digest()]
        )
        derived.refresh(con)  # as the old code built them: every shortened link other
        (old,) = con.execute("SELECT value FROM measure_state WHERE key = 'signature'").fetchall()[
            0
        ]
        con.execute(
            "UPDATE measure_state SET value = ? WHERE key = 'signature'",
            ["3|" + old.split("|", 1)[1]],  # the format before the class
        )
        con.execute("DELETE FROM measure_state WHERE key = 'host_classes'")
        assert _stored_classes(con) == {"file_host": 2, "other": 7, "social": 1}
    finally:
        con.close()
    return store


def test_an_older_store_gets_its_shortened_links_reclassified(tmp_path: Path) -> None:
    """A store written before the class held t.co and bit.ly as other, with derived tables
    built from them: measuring it moves its stored links into the class and rebuilds the
    tables with them (measurements read the current class either way: tests/s17_measure)."""
    store = old_store(tmp_path)
    total = _total(store)
    assert total["by_class"]["shortener"] == 6
    assert total["shortened_links"] == 6
    con = duckdb.connect(str(store), read_only=True)
    try:
        assert _stored_classes(con) == {"file_host": 2, "other": 1, "shortener": 6, "social": 1}
    finally:
        con.close()


def _stored_classes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute("SELECT host_class, count(*) FROM links GROUP BY ALL").fetchall()
    return {str(cls): int(n) for cls, n in rows}


def test_a_link_naming_no_host_is_no_kind_of_platform(tmp_path: Path) -> None:
    """A URL cut short in its host ("https://t.c…", as truncated tweets show them) is class
    other but names no place: beside file-host links it made two kinds of platform."""
    rows = [
        ("2016-01-05", "placeholder one https://files.example/y"),
        ("2016-01-06", "placeholder two https://files.example/z and then https://t.c…"),
    ]
    result = run_measurement("platforms", _ingest(tmp_path, rows), of="all")
    assert result["total"]["by_class"] == {"file_host": 2, "other": 1}
    assert result["total"]["host_classes"] == 1
    assert [r["host_classes"] for r in result["rows"]] == [1]
