"""``platforms``' text marks a host class whose links name no host: "other 7 (no host)".

Found on the Fifth Tribe tweets: 2015-09 read "classes 1" beside "other 7, shortener 125",
two classes listed and one counted. The seven links were cut short in their host
("https://t.c…"): class other, no host, so no kind of platform (``host_classes``); the
text did not say so. The JSON is unchanged (session 19 adds ``links_without_host``). No
URL is fetched here: links are only parsed.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main
from tests.s17_measure.conftest import ingest_rows

ROWS = [
    ("2016-01-04", "placeholder https://t.co/abc"),
    ("2016-01-05", "placeholder https://t.co/def https://t.c…"),
    ("2016-02-04", "placeholder https://t.co/ghi"),
    ("2016-02-05", "placeholder https://example.org/page https://t.c…"),
]


def _platforms(store: Path, *options: str) -> str:
    args = ["--store", str(store), "platforms", "--of", "all", *options]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def _line(text: str, period: str) -> list[str]:
    return next(line for line in text.splitlines() if line.startswith(period)).split(None, 4)


def test_a_class_of_links_without_a_host_is_marked_as_such(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, ROWS)
    text = _platforms(store)
    # January: the cut link is the only one of class other; the class is not counted
    # (both months are starred: the archive covers 2016-01-04..2016-02-05, part of each)
    assert _line(text, "2016-01") == ["2016-01*", "3", "1", "1", "other 1 (no host), shortener 2"]
    # February: other names a host (example.org) too; the class is counted, its links listed
    # with how many name no host (session 19)
    other = "other 2 (1 without a host), shortener 1"
    assert _line(text, "2016-02") == ["2016-02*", "3", "2", "2", other]
    assert text.count("(no host)") == 2  # the row and the note saying what it means
    assert "(no host): the class's links name no host" in text
    rows = {r["period"]: r for r in json.loads(_platforms(store, "--json"))["rows"]}
    assert rows["2016-01"]["host_classes"] == 1
    assert rows["2016-01"]["by_class"] == {
        "other": {"links": 1, "hosts": 0, "links_without_host": 1},
        "shortener": {"links": 2, "hosts": 1, "links_without_host": 0},
    }
    assert rows["2016-02"]["by_class"]["other"] == {"links": 2, "hosts": 1, "links_without_host": 1}


def test_without_such_a_class_the_text_is_as_it_was(tmp_path: Path) -> None:
    store = ingest_rows(tmp_path, [r for r in ROWS if "t.c…" not in r[1]])
    text = _platforms(store)
    assert "(no host)" not in text
    assert _line(text, "2016-01") == ["2016-01*", "1", "1", "1", "shortener 1"]
