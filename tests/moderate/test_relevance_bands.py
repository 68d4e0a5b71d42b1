"""Similarity alone holds a comment for a human; only spam signals reject it. A short
generic reaction to the article ("Good piece.") is not off-topic (checks-10). On a new article
similarity holds no more of its own comments than on a full thread (checks-11), so an
off-topic remark is held once the article has its thread."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.moderate._features import CommentInput, Features, Topic
from mutewatch.moderate._relevance import check_relevance
from mutewatch.moderate.models import embedder
from mutewatch.moderate.service import THREAD_SIZE

HOLD = 0.752  # the irrelevant clause's hold_threshold in the shipped policy
BUDGET = "Budget. A city council debated the budget for schools and roads on Tuesday."
BUDGET_THREAD = (
    "Schools need the money more than roads do.",
    "The council raised taxes again and the roads are still a mess.",
    "Why does the budget keep growing every year?",
)


def _decide(store: str, text: str) -> dict[str, object]:
    line = json.dumps({"id": "1", "article_id": "a1", "author_name": "Ana Silva", "text": text})
    result = CliRunner().invoke(main, ["--store", store, "moderate", "check"], input=line + "\n")
    assert result.exit_code == 0, result.output
    decision: dict[str, object] = json.loads(result.stdout.splitlines()[0])
    return decision


def test_spam_is_rejected_and_on_topic_comments_published(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    body = tmp_path / "article.txt"
    body.write_text("A city council debated the budget for schools and roads on Tuesday.")
    added = CliRunner().invoke(
        main,
        ["--store", store, "moderate", "articles", "add", "--id", "a1", "--title", "Budget",
         "--body-file", str(body)],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert _decide(store, "Good piece.")["decision"] == "publish"  # a reaction (checks-10)
    spam = "Buy cheap watches now, best price, click here http://shop.example/deal today"
    assert _decide(store, spam)["decision"] == "reject"
    on_topic = _decide(store, "The council should spend more on schools than on roads.")
    assert on_topic["decision"] == "publish"
    # on topic in other words: held on the new article before checks-11
    assert _decide(store, "Potholes on my street have been there for years.")["decision"] == (
        "publish"
    )


def test_an_offtopic_comment_is_held_not_rejected_on_a_full_thread() -> None:
    vectors = embedder().embed([BUDGET, *BUDGET_THREAD, "Go Lakers!"])
    thread = np.resize(vectors[1:-1], (THREAD_SIZE, vectors.shape[1]))
    comment = CommentInput(id="c", text="Go Lakers!", author_name="Ana Silva")
    score, _ = check_relevance(Features(comment, vectors[-1], Topic("a1", vectors[0], thread)))
    assert HOLD <= score < 0.95  # held for a human: similarity alone never rejects
