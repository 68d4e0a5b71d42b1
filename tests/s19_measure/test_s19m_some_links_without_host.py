"""``platforms`` says how many of a host class's links name no host where only some do.

A class made only of links cut short in their host ("https://t.c…") already read
"other 7 (no host)"; a class holding such links beside links naming a host read
"other 10", as if all ten pointed somewhere. The text now reads "other 3 (1 without a
host)", and each class entry of the JSON (a period's ``by_class``, the window's
``host_classes``) gives ``links_without_host``, as ``findings`` names its
``*_links_without_host`` numbers. No URL is fetched here: links are only parsed.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.s17_measure.conftest import ingest_rows
from tests.s18_platforms.test_s18p_no_host_class import _platforms

ROWS = [
    # 2016-01: class other only cut links (no host); 2016-02: other mixed
    ("2016-01-04", "placeholder https://t.co/abc https://t.c…"),
    ("2016-02-04", "placeholder https://example.org/page https://t.c…"),
    ("2016-02-05", "placeholder https://example.net/page https://t.co/def"),
    ("2016-03-04", "placeholder https://example.org/other"),
]


def _by_class(text: str, period: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith(period))
    return line.split(None, 4)[4]


def test_a_mixed_class_says_how_many_links_name_no_host(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, ROWS)
    text = _platforms(store)
    assert _by_class(text, "2016-01") == "other 1 (no host), shortener 1"
    assert _by_class(text, "2016-02") == "other 3 (1 without a host), shortener 1"
    assert _by_class(text, "2016-03") == "other 1"
    assert "(N without a host): N of the class's links name no host" in text


def test_each_class_entry_counts_its_links_without_a_host(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, ROWS)
    result = json.loads(_platforms(store, "--json"))
    rows = {r["period"]: r for r in result["rows"]}
    assert rows["2016-01"]["by_class"]["other"] == {
        "links": 1,
        "hosts": 0,
        "links_without_host": 1,
    }
    assert rows["2016-02"]["by_class"]["other"] == {
        "links": 3,
        "hosts": 2,
        "links_without_host": 1,
    }
    assert rows["2016-02"]["by_class"]["shortener"]["links_without_host"] == 0
    assert rows["2016-03"]["by_class"]["other"]["links_without_host"] == 0
    classes = result["host_classes"]
    assert classes["other"]["links_without_host"] == 2
    assert classes["shortener"]["links_without_host"] == 0
    assert set(classes["other"]) >= {"first", "last", "gone"}  # the keys it had


def test_without_cut_links_the_text_has_no_such_words(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, [(d, t.replace(" https://t.c…", "")) for d, t in ROWS])
    text = _platforms(store)
    assert "without a host" not in text and "(no host)" not in text
    assert _by_class(text, "2016-02") == "other 2, shortener 1"
