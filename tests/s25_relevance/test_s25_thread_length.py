"""The irrelevant clause's hold means the same at any thread length (checks-11).

Found (session 25): the off-topic probability was one calibration fitted against each
article's whole thread, and the thread similarity (mean of the top 3) falls with the thread's
length, so an article's own comments were held 16% of the time on the service's full thread
(latest 50) but 48% on a 10-comment thread and 61% on a new article (Fox News, non-evaluation
rows): a young article flooded the queue. Now a thread shorter than 50 has its own intercept
(weights/relevance_bands.json, scripts/fit_relevance_bands.py), fitted so that own comments are
held no more often than on the full thread; from 50 on, heads.json's calibration as before.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from mutewatch.moderate import _relevance
from mutewatch.moderate.models import RELEVANCE_BANDS_FILE, heads
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import THREAD_SIZE, ModerationService

HOLD = 0.752  # the irrelevant clause's hold_threshold in the shipped policy
_ids = itertools.count()
TRAM = {
    "title": "Council approves new tram line",
    "body": "The city council voted on Tuesday to approve a new tram line linking the central"
    " station to the hospital. Construction starts next spring.",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> ModerationService:
    path = tmp_path_factory.mktemp("young") / "s.duckdb"
    return ModerationService.open(path, load_policy())


@pytest.mark.parametrize(
    "text",
    [
        # on topic for a tram line to the hospital; similarity to the article 0.10-0.17: held at
        # 0.77-0.87 before (checks-10 held up to a similarity of 0.18 on a new article)
        "Who is paying for it? My taxes are high enough already.",
        "Nurses on the night shift need this badly.",
        "The construction noise next to my flat will be unbearable.",
        "I hope they finish on time for once.",
    ],
)
def test_an_on_topic_comment_on_a_new_article_is_published(
    service: ModerationService, text: str
) -> None:
    article = {**TRAM, "id": f"tram-{next(_ids)}"}  # a new article: no published thread
    service.add_article(article, "x")
    record = {"article_id": article["id"], "author_name": "Sam Lee", "text": text}
    result = service.submit_comment(record, "v")
    [irrelevant] = [c for c in result["clauses"] if c["clause"] == "irrelevant"]
    assert irrelevant["score"] < HOLD, (text, irrelevant["score"])
    assert result["decision"] == "publish", (text, result["decision"])


def test_the_full_thread_keeps_the_heads_calibration() -> None:
    """From ``THREAD_SIZE`` comments on (the service's full thread, evaluate's whole one),
    nothing changes: the benchmark's figures hold."""
    cal = heads().meta["relevance"]
    for similarity in (-0.1, 0.0, 0.1, 0.18, 0.3):
        z = float(cal["slope"]) * similarity + float(cal["intercept"])
        shipped = 1.0 / (1.0 + float(np.exp(-z)))
        for length in (None, THREAD_SIZE, 208):
            assert _relevance.offtopic_probability(similarity, length) == pytest.approx(shipped)


def test_a_shorter_thread_reads_a_similarity_as_less_off_topic() -> None:
    full = _relevance.offtopic_probability(0.1, THREAD_SIZE)
    for length in (0, 1, 3, 5, 10, 20, 35, 49):
        assert _relevance.offtopic_probability(0.1, length) < full, length


def test_the_bands_were_fitted_on_the_shipped_calibration_and_passed_their_bar() -> None:
    """A refit of heads.json's relevance calibration needs scripts/fit_relevance_bands.py
    again: the short threads' intercepts are fitted against it."""
    bands = json.loads(RELEVANCE_BANDS_FILE.read_text(encoding="utf-8"))
    cal = heads().meta["relevance"]
    assert bands["heads_relevance"] == {"slope": cal["slope"], "intercept": cal["intercept"]}
    assert bands["bar_passed"] is True
    assert bands["anchors"][-1] == {"length": THREAD_SIZE, "intercept": cal["intercept"]}
    for corpus in ("fox_news", "sfu"):
        rates = bands["cross_validated"][corpus]
        full = rates[str(THREAD_SIZE)]["own_held"]
        for band in ("0", "1-4", "5-19", "20-49"):
            assert rates[band]["own_held"] <= full + 0.01, (corpus, band)
            assert rates[band]["own_held_shipped"] > rates[band]["own_held"], (corpus, band)


def test_the_calibration_file_is_a_model_version() -> None:
    from mutewatch.moderate.checks import CHECKS_VERSION, Moderator

    versions = Moderator(load_policy()).model_versions
    assert versions["relevance_bands"] == _relevance.thread_calibration().version
    assert versions["checks"] == CHECKS_VERSION == "checks-11"
