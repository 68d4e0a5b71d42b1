"""Similarity alone holds a comment for a human; only spam signals reject it. A short
generic reaction to the article ("Good piece.") is not off-topic (checks-10)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def _decide(store: str, text: str) -> dict[str, object]:
    line = json.dumps({"id": "1", "article_id": "a1", "author_name": "Ana Silva", "text": text})
    result = CliRunner().invoke(main, ["--store", store, "moderate", "check"], input=line + "\n")
    assert result.exit_code == 0, result.output
    decision: dict[str, object] = json.loads(result.stdout.splitlines()[0])
    return decision


def test_offtopic_comment_is_held_and_spam_is_rejected(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    body = tmp_path / "article.txt"
    body.write_text("A city council debated the budget for schools and roads on Tuesday.")
    added = CliRunner().invoke(
        main,
        ["--store", store, "moderate", "articles", "add", "--id", "a1", "--title", "Budget",
         "--body-file", str(body)],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert _decide(store, "Go Lakers!")["decision"] == "hold"
    assert _decide(store, "Good piece.")["decision"] == "publish"  # a reaction (checks-10)
    spam = "Buy cheap watches now, best price, click here http://shop.example/deal today"
    assert _decide(store, spam)["decision"] == "reject"
    on_topic = _decide(store, "The council should spend more on schools than on roads.")
    assert on_topic["decision"] == "publish"
