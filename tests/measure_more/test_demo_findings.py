"""Findings on the shared small demo (generated and ingested once per session): the planted
silence and the planted silenced share come back as sentences with their numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch.demo import DemoManifest
from mutewatch.measure.findings import findings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_findings(demo_store: Path) -> dict[str, Any]:
    return findings(demo_store)


def _kind(result: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(f for f in result["findings"] if f["kind"] == kind)


def test_demo_windows_default_to_2015_and_december_2017(demo_findings: dict[str, Any]) -> None:
    params = demo_findings["parameters"]
    assert params["baseline"] == {"from": "2015-01-01", "to": "2015-12-31"}
    assert params["period"] == {"from": "2017-12-01", "to": "2017-12-31"}


def test_demo_silenced_outlets_sentence(demo_findings: dict[str, Any], demo: DemoManifest) -> None:
    truth = demo.truth["outlet_summary"]
    item = _kind(demo_findings, "silenced_outlets")
    share = round(truth["silenced"] / truth["active_in_baseline"] * 100)
    new = [
        o
        for o in demo.truth["outlets"]
        if o["official"] and o["releases_2015"] == 0 and o["releases_2017_12"] > 0
    ]
    assert len(new) == 2  # the demo plants outlets that begin after 2015
    assert item["sentence"] == (
        f"{truth['silenced']} of {truth['active_in_baseline']} official outlets active in 2015 "
        f"({share}%) were almost totally silenced in December 2017 (output at most 10% of "
        "their 2015 rate). 2 official outlets active in December 2017 had no post in 2015 "
        "(new, not counted in that share)."
    )
    assert item["numbers"]["new_in_period"] == 2


def test_demo_longest_silence_sentence(demo_findings: dict[str, Any], demo: DemoManifest) -> None:
    truth = demo.truth["silence"]
    item = _kind(demo_findings, "longest_silence")
    assert item["sentence"].startswith(
        f"Official channels went silent for {truth['hours']:.1f} hours from 2017-11-08 09:00 UTC, "
        f"the longest break on record (previous longest {truth['previous_longest_hours']:.1f} "
        "hours"
    )
    assert item["numbers"]["coverage"] == "full"


def test_demo_decline_and_supporters(demo_findings: dict[str, Any]) -> None:
    decline = _kind(demo_findings, "decline")
    assert decline["numbers"]["change"] > 0.5
    assert decline["numbers"]["current_period"] == "2017-12"
    share = _kind(demo_findings, "supporter_share")["numbers"]
    assert share["period_share"] > share["baseline_share"]
