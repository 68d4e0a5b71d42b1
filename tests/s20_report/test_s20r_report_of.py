"""`report --of official|supporter|all` (and --include-forwards), as every measuring
command takes them: before, the report had neither, so a store ingested without an outlet
registry (no official outlet) had empty output, silence and host charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main

from .s20r_helpers import report_audit

ra = report_audit()
FIXED = "2026-01-02T03:04:00Z"


@pytest.fixture(scope="module")
def bare_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three accounts, no registry: no post is an official outlet's (ingest gives each
    account an outlet of its own, not official)."""
    rows = ra.posts(["acct_a", "acct_b", "acct_c"], 240, hours=9)
    for row in rows:
        row["forwarded_from"] = None
    return Path(ra.build_store(tmp_path_factory.mktemp("bare"), rows))


def _report(store: Path, out: Path, *extra: str) -> Path:
    args = ["--store", str(store), "report", "--generated-at", FIXED, "--out", str(out)]
    result = CliRunner().invoke(main, [*args, *extra])
    assert result.exit_code == 0, result.output
    return out


def _cli_json(store: Path, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["--store", str(store), *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _total(figure: dict[str, Any]) -> int:
    return sum(sum(t.get("y") or []) for t in figure["data"])


def test_of_all_charts_a_store_without_registry(bare_store: Path, tmp_path: Path) -> None:
    default = ra.figures(_report(bare_store, tmp_path / "default.html"))
    every = ra.figures(_report(bare_store, tmp_path / "all.html", "--of", "all"))
    # the default is unchanged: no official outlet, nothing charted
    assert _total(default["output_by_medium"]) == 0
    assert _total(default["hosts"]) == 0
    # --of all: every post, as `output --of all` and `platforms --of all` count them
    output = _cli_json(bare_store, "output", "--of", "all", "--every", "month")
    assert _total(every["output_by_medium"]) == sum(r["count"] for r in output["rows"]) == 240
    assert _total(every["output_by_outlet"]) == 240
    names = {t["name"] for t in every["output_by_outlet"]["data"]}
    assert names == {"acct_a", "acct_b", "acct_c"}  # ingest's outlet of each account
    assert _total(every["hosts"]) == 240  # one link a post
    assert max(every["active_outlets"]["data"][0]["y"]) == 3
    assert max(default["active_outlets"]["data"][0]["y"] or [0]) == 0


def test_of_all_finds_a_network_silence_with_its_coverage(tmp_path: Path) -> None:
    rows = ra.posts(["acct_a", "acct_b"], 200, hours=6)
    rows = [r for i, r in enumerate(rows) if not 100 <= i < 110]  # 66 hours without a post
    for row in rows:
        row["forwarded_from"] = None
    store = Path(ra.build_store(tmp_path / "gap", rows))
    page = _report(store, tmp_path / "r.html", "--of", "all").read_text("utf-8")
    silences = _cli_json(store, "silences", "--scope", "network", "--of", "all",
                         "--min-hours", "12")  # fmt: skip
    gaps = {round(s["hours"]): s for s in silences["silences"]}
    assert 66 in gaps  # the planted one (the others: the helper's 28-day months)
    figure = ra.figures(tmp_path / "r.html")["silences"]
    labels = [y for t in figure["data"] for y in t.get("y") or []]
    assert "network: all channels" in labels
    # the table carries the coverage the silences measurement (--of all) gives each
    # network gap: blank when the report looked them up among official releases
    table = page.split("<h3>Unprecedented silences (else the latest)</h3>")[1].split("</table>")[0]
    rows = [r.split("</tr>")[0] for r in table.split("<td>network: all channels</td>")[1:]]
    assert rows
    for row in rows:
        hours = round(float(row.split("</td>")[2].removeprefix("<td>")))
        assert f"<td>{gaps[hours]['coverage']}</td>" in row, row


def test_parameters_echo_of_and_forwards(bare_store: Path, tmp_path: Path) -> None:
    page = _report(bare_store, tmp_path / "s.html", "--of", "supporter", "--include-forwards")
    text = page.read_text("utf-8")
    assert "<td>of (--of: the posts counted)</td><td>supporter</td>" in text
    assert "<td>include forwards (--include-forwards)</td><td>True</td>" in text
    # no registry: every post is a supporter's (as `output --of supporter` counts them)
    assert _total(ra.figures(page)["output_by_medium"]) == 240
    default = _report(bare_store, tmp_path / "d.html").read_text("utf-8")
    assert "<td>official</td>" in default
    assert "<td>include forwards (--include-forwards)</td><td>False</td>" in default


def test_findings_follow_of(bare_store: Path, tmp_path: Path) -> None:
    from mutewatch.show.report import ReportOptions, load_findings

    found = load_findings(bare_store, ReportOptions(of="all", include_forwards=True))
    assert found["parameters"].get("of") == "all"
    assert found["parameters"].get("include_forwards") is True


def test_bad_of_is_refused(bare_store: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(bare_store), "report", "--of", "some", "--out",
               str(tmp_path / "x.html")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "'some' is not one of 'official', 'supporter', 'all'" in result.output
    assert not (tmp_path / "x.html").exists()
