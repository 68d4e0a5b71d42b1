"""`moderate evaluate` on the evaluation rows of the shared data (slow: embeds ~3k texts)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from moderate_helpers import DATA, companions_present, needs_data

from mutewatch.moderate import datasets as ds
from mutewatch.moderate.evaluate import binary_metrics, evaluate


def test_split_rule_matches_the_readme() -> None:
    import hashlib

    for text in ("a", "b", "hello world", "Grüezi mitenand"):
        expected = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 5 == 0
        assert ds.is_evaluation(text) is expected


def test_binary_metrics() -> None:
    m = binary_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [False, False, False, True])
    assert m["roc_auc"] == 0.75
    assert (m["precision"], m["recall"], m["f1"]) == (1.0, 0.5, 0.6667)


@pytest.fixture(scope="module")
def report(remembered_detect: Callable[[], AbstractContextManager[None]]) -> dict[str, Any]:
    if not (DATA / "moderation").exists():
        pytest.skip(f"the shared research data is missing at {DATA}")
    parts = ("toxicity", "relevance") + (("language", "names") if companions_present() else ())
    with remembered_detect():  # the language texts are those of test_language_check
        return evaluate(DATA, parts=parts)


def _target(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in report["targets"] if t["target"] == name)


@needs_data
@pytest.mark.slow
def test_toxicity_targets(report: dict[str, Any]) -> None:
    tox = report["toxicity"]
    assert tox["ethos_racist"]["roc_auc"] >= 0.85
    assert tox["fox_hateful"]["roc_auc"] >= 0.75
    assert _target(report, "Fox News margin over baseline")["met"]
    assert report["identity_mentions_fpr"]["n"] > 20
    assert report["identity_mentions_fpr"]["racist_rejected_rate"] <= 0.10


@needs_data
@pytest.mark.slow
def test_relevance_targets(report: dict[str, Any]) -> None:
    assert report["relevance"]["fox_news"]["roc_auc"] >= 0.85
    assert report["relevance"]["sfu"]["roc_auc"] >= 0.85


@needs_data
@pytest.mark.slow
@pytest.mark.skipif(not companions_present(), reason="language / names modules not landed")
def test_language_and_name_targets(report: dict[str, Any]) -> None:
    assert report["language"]["sentences"]["accuracy_english_vs_other"] >= 0.99
    assert report["language"]["swiss_german"]["not_published"] >= 0.95
    assert report["names"]["real_published"] >= 0.97
