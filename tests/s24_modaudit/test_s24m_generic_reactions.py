"""A short generic reaction to the article or to the comment it answers is on topic.

Found (session 24, ``ModerationService.submit_comment`` on an article about a council tram
line): similarity alone held "Thanks!" (irrelevant 0.89), "Agreed." (0.93), "Well said."
(0.94), "I agree with this decision." (0.78) and "This is a waste of money." (0.86) as
off-topic: nothing in a thanks ties it to the article. Now a comment of at most
``REACTION_MAX_WORDS`` words close to one of the hand-written ``GENERIC_REACTIONS`` has its
off-topic probability scaled under the hold band (evidence ``reaction``); a short comment
about something else and a longer comment that opens with thanks are held as before on a
full thread (guards; checks-11: on a young article they are published, the thread-length
calibration's trade-off).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mutewatch.moderate import _relevance
from mutewatch.moderate._features import CommentInput, Features, Topic
from mutewatch.moderate.models import embedder
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import THREAD_SIZE, ModerationService

HOLD = 0.752  # the irrelevant clause's hold_threshold in the shipped policy
TRAM_ARTICLE = (
    "Council approves new tram line. The city council voted on Tuesday to approve a new tram"
    " line linking the central station to the hospital. Construction starts next spring."
)
TRAM_THREAD = (
    "The tram should also stop at the university.",
    "Trams are quieter than buses.",
    "Buses would have done the same job for a fraction of the cost.",
    "The new line will take years to build.",
    "The council should publish the full cost of the line.",
)
"""Published comments on the tram article, repeated into a full thread."""
_ids = itertools.count()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> ModerationService:
    path: Path = tmp_path_factory.mktemp("reactions") / "s.duckdb"
    return ModerationService.open(path, load_policy())


def _article(service: ModerationService) -> str:
    """A fresh article (no published thread to lean on)."""
    article_id = f"tram-{next(_ids)}"
    service.add_article(
        {
            "id": article_id,
            "title": "Council approves new tram line",
            "body": "The city council voted on Tuesday to approve a new tram line linking the "
            "central station to the hospital. Construction starts next spring.",
        },
        "x",
    )
    return article_id


def _submit(service: ModerationService, text: str, **extra: str) -> tuple[str, dict[str, Any]]:
    article_id = extra.pop("article_id", None) or _article(service)
    record = {"article_id": article_id, "author_name": "Sam Lee", "text": text, **extra}
    result = service.submit_comment(record, "v")
    [irrelevant] = [c for c in result["clauses"] if c["clause"] == "irrelevant"]
    return result["decision"], irrelevant


@pytest.mark.parametrize(
    "text",
    [
        "Thanks!",
        "Agreed.",
        "ok",
        "Great article, thanks!",
        "Well said.",
        "I agree with this decision.",
        "About time!",
        "This is a waste of money.",
        # not in the bank as written
        "Couldn't agree more!",
        "Totally agreed.",
        "What a waste of money.",
        "Excellent article.",
    ],
)
def test_a_short_generic_reaction_to_the_article_is_published(
    service: ModerationService, text: str
) -> None:
    decision, irrelevant = _submit(service, text)
    assert irrelevant["score"] < HOLD, (text, irrelevant["score"])
    assert irrelevant["evidence"]["reaction"]["like"] in _relevance.GENERIC_REACTIONS
    assert decision == "publish", (text, decision)


def test_a_reply_reacting_to_its_parent_is_published(service: ModerationService) -> None:
    article_id = _article(service)
    record = {
        "article_id": article_id,
        "author_name": "Ana Silva",
        "text": "The new line should also stop at the university: many students commute there.",
    }
    parent = service.submit_comment(record, "v")
    assert parent["decision"] == "publish"
    for text in ("Good point.", "I don't think so.", "Exactly right!"):
        decision, irrelevant = _submit(service, text, article_id=article_id, parent_id=parent["id"])
        assert irrelevant["score"] < HOLD, (text, irrelevant["score"])
        assert decision == "publish", (text, decision)


@pytest.mark.parametrize(
    "text",
    [
        "Go Lakers!",
        "Happy birthday Sarah!",
        "Love this song.",
        "My cat is asleep.",
        "Great recipe, thanks!",
        "Anyone watching the game tonight?",
        # more than REACTION_MAX_WORDS words: the thanks does not make the rest on topic
        "Thanks! By the way, does anyone know a good pizza place near the harbour?",
    ],
)
def test_short_off_topic_comments_are_still_held(text: str) -> None:
    """On the service's full thread (``THREAD_SIZE`` published comments; checks-11: on a
    young article similarity alone holds no more of its own comments than there, so such
    chatter is published until the thread grows: the policy's trade-off)."""
    vectors = embedder().embed([TRAM_ARTICLE, *TRAM_THREAD, text])
    thread = np.resize(vectors[1:-1], (THREAD_SIZE, vectors.shape[1]))
    topic = Topic("tram", vectors[0], thread)
    score, evidence = _relevance.check_relevance(
        Features(CommentInput(id="c", text=text, author_name="Sam Lee"), vectors[-1], topic)
    )
    assert "reaction" not in evidence, (text, evidence)
    assert score >= HOLD, (text, score)


def test_the_reaction_rule_embeds_no_more_than_the_comment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bank is embedded once per process; a comment's own vector is all a check uses."""
    vectors = embedder().embed(["Council approves new tram line", "Well said."])
    _relevance.check_relevance(  # warm: the bank is embedded here at the latest
        Features(CommentInput(id="w", text="Agreed.", author_name=""), vectors[1], None)
    )
    calls: list[int] = []
    real = type(embedder()).embed
    monkeypatch.setattr(
        type(embedder()), "embed", lambda self, texts: calls.append(len(texts)) or real(self, texts)
    )
    topic = Topic("a", vectors[0], np.zeros((0, vectors.shape[1]), dtype=np.float32))
    score, evidence = _relevance.check_relevance(
        Features(CommentInput(id="c", text="Well said.", author_name=""), vectors[1], topic)
    )
    assert calls == []
    assert evidence["reaction"] == {"like": "Well said.", "similarity": 1.0}
    assert score < HOLD
