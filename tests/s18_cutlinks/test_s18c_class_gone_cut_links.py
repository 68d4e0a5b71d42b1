"""``findings``' host_class_gone counts only links that name a host.

A link cut short in its host ("https://t.c…", as the Fifth Tribe tweets hold from 2015-09)
is class other with no host. Counted, cut links in the period hid that other sites were
gone, and a baseline of cut links alone made "No links to other sites" a finding. No URL
is fetched here: links are only parsed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mutewatch.cli import main
from tests.s17_measure.conftest import ingest_rows

JAN = [f"2016-01-{d:02d}" for d in range(1, 29)]
FEB = [f"2016-02-{d:02d}" for d in range(1, 29)]


def _gone(store: Path) -> list[dict[str, Any]]:
    args = ["--store", str(store), "findings", "--of", "all"]
    args += ["--baseline", "2016-01", "--period", "2016-02", "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return [f for f in json.loads(result.output)["findings"] if f["kind"] == "host_class_gone"]


def test_cut_links_in_the_period_do_not_hide_a_class_gone(tmp_path: Path) -> None:
    rows = [(d, "placeholder https://example.org/page https://t.co/abc") for d in JAN]
    rows += [(d, "placeholder https://t.co/def https://t.c…") for d in FEB]
    gone = _gone(ingest_rows(tmp_path, rows))
    assert [f["numbers"]["host_class"] for f in gone] == ["other"]
    numbers = gone[0]["numbers"]
    assert numbers["baseline_links"] == 28 and numbers["baseline_share"] == 0.5
    assert numbers["expected_if_unchanged"] == 14.0  # half of February's 28 readable links
    assert numbers["baseline_links_without_host"] == 0
    assert numbers["period_links_without_host"] == 28
    assert numbers["last_seen"].startswith("2016-01-28")  # not a cut link of February
    sentence = gone[0]["sentence"]
    assert sentence.startswith("No links to other sites in ")
    assert "(50% of its links naming a host;" in sentence
    assert "Left out: 0 links in January 2016 and 28 in " in sentence
    assert "that name no host" in sentence
    assert "left out" in gone[0]["method"]


def test_a_baseline_of_cut_links_alone_is_no_class_gone(tmp_path: Path) -> None:
    rows = [(d, "placeholder https://t.co/abc https://t.c…") for d in JAN]
    rows += [(d, "placeholder https://t.co/def") for d in FEB]
    assert _gone(ingest_rows(tmp_path, rows)) == []


def test_without_cut_links_the_finding_reads_as_it_did(tmp_path: Path) -> None:
    rows = [(d, "placeholder https://example.org/page https://t.co/abc") for d in JAN]
    rows += [(d, "placeholder https://t.co/def") for d in FEB]
    gone = _gone(ingest_rows(tmp_path, rows))
    assert len(gone) == 1
    assert gone[0]["sentence"].endswith(
        "against 28 in January 2016 (50% of its links; about 14 expected had that share "
        "held); last seen 2016-01-28."
    )
    assert "baseline_links_without_host" not in gone[0]["numbers"]
    assert gone[0]["method"].endswith("the latest link of that class within --from/--to.")
