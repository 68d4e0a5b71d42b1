"""The report's figures are the numbers the measuring commands print with ``--json`` for the
same store: a reader who checks a chart against ``mutewatch output/supporters/platforms/
silences --json`` (or against the key findings above it) finds the same values."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from report_audit import figures, write


def measured(store: Path, *args: str) -> dict[str, Any]:
    """What ``mutewatch --store STORE ARGS --json`` prints."""
    from mutewatch.cli import main

    result = CliRunner().invoke(main, ["--store", str(store), *args, "--json"])
    assert result.exit_code == 0, result.output
    value: dict[str, Any] = json.loads(result.output)
    return value


@pytest.fixture(scope="module")
def report(stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = write(stores["mixed"], tmp_path_factory.mktemp("mixed") / "report.html")
    bucket = "week"  # about 125 days of posts: the charts go by week
    assert f"<td>time bucket of the charts</td><td>{bucket}</td>" in out.read_text("utf-8")
    return {"figures": figures(out), "bucket": bucket, "store": stores["mixed"]}


def _points(trace: dict[str, Any], key: str = "y") -> dict[str, Any]:
    """A trace's values by bucket start (YYYY-MM-DD)."""
    return {str(x)[:10]: v for x, v in zip(trace["x"], trace[key], strict=True)}


def test_output_and_heatmap_match_output_json(report: dict[str, Any]) -> None:
    by_outlet = measured(report["store"], "output", "--by", "outlet", "--every", report["bucket"])
    expected = {(r["period"], r["group"]): r["count"] for r in by_outlet["rows"] if r["count"]}
    shown = {
        (period, trace["name"]): count
        for trace in report["figures"]["output_by_outlet"]["data"]
        for period, count in _points(trace).items()
        if count
    }
    assert shown == expected
    active = Counter(period for period, _ in expected)
    (line,) = report["figures"]["active_outlets"]["data"]
    assert {p: n for p, n in _points(line).items() if n} == dict(active)
    monthly = measured(report["store"], "output", "--by", "outlet", "--every", "month")
    heat = report["figures"]["heatmap"]["data"][0]
    cells = {
        (month, outlet): heat["z"][i][j]
        for i, outlet in enumerate(heat["y"])
        for j, month in enumerate(heat["x"])
        if heat["z"][i][j]
    }
    rows = monthly["rows"]
    assert cells == {(r["period"][:7], r["group"]): r["count"] for r in rows if r["count"]}


def test_supporter_share_and_amplification_match_supporters_json(
    report: dict[str, Any],
) -> None:
    rows = measured(report["store"], "supporters", "--every", report["bucket"])["rows"]
    share, amplification = report["figures"]["supporters"]["data"]
    shown_share = {p: round(v, 4) for p, v in _points(share).items()}
    assert shown_share == {r["period"]: r["share"] for r in rows if r["posts"]}
    assert _points(amplification) == {r["period"]: r["amplification"] for r in rows if r["posts"]}
    assert any(r["amplification"] for r in rows)  # the store has forwards to count


def test_host_mix_and_distinct_hosts_match_platforms_json(report: dict[str, Any]) -> None:
    rows = measured(report["store"], "platforms", "--every", report["bucket"])["rows"]
    links: Counter[str] = Counter()
    for trace in report["figures"]["hosts"]["data"]:
        for period, n in _points(trace).items():
            links[period] += n
    assert dict(links) == {r["period"]: r["links"] for r in rows if r["links"]}
    (line,) = report["figures"]["distinct_hosts"]["data"]
    assert _points(line) == {r["period"]: r["hosts"] for r in rows if r["links"]}


def test_silences_match_silences_json(report: dict[str, Any]) -> None:
    net = measured(report["store"], "silences", "--scope", "network", "--min-hours", "12")
    outlet = measured(report["store"], "silences", "--scope", "outlet", "--min-hours", "48")
    expected = {(s["start"][:16].replace("T", " "), s["hours"]) for s in net["silences"]} | {
        (s["start"][:16].replace("T", " "), s["hours"]) for s in outlet["silences"]
    }
    shown = {
        (str(base)[:16].replace("T", " "), hours)
        for trace in report["figures"]["silences"]["data"]
        for base, hours in zip(trace["base"], trace["customdata"], strict=True)
    }
    assert shown == expected
