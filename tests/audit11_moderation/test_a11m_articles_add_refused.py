"""``moderate articles add`` refuses a bad article before it opens the store: no store file
is created, and an existing store is left as it was.

Found: the store was opened (created, with the moderation tables) before the article's
fields were checked, so ``articles add --id a1 --title T --body-file empty.txt`` with a
mistyped ``--store`` (or none, in the wrong folder) exited 3 and left a new
``mutewatch.duckdb`` behind.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TITLE_OK = "School budget"


def _add(store: Path, body: Path, *, title: str = TITLE_OK, article: str = "a1") -> Any:
    return subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(store), "moderate", "articles",
         "add", "--id", article, "--title", title, "--body-file", str(body)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "title", "article", "said"),
    [
        ("", TITLE_OK, "a1", "the article field `body` is empty"),
        ("The council voted on the budget.", "   ", "a1", "the article field `title` is empty"),
        ("The council voted on the budget.", TITLE_OK, "x" * 201, "the article field `id` has"),
    ],
)
def test_a_refused_article_creates_no_store(
    tmp_path: Path, body: str, title: str, article: str, said: str
) -> None:
    text = tmp_path / "body.txt"
    text.write_text(body, encoding="utf-8")
    store = tmp_path / "typo.duckdb"
    run = _add(store, text, title=title, article=article)
    assert run.returncode == 3, run.stderr
    assert said in run.stderr
    assert not store.exists()
    assert list(tmp_path.iterdir()) == [text]


def test_a_good_article_is_still_added(tmp_path: Path) -> None:
    text = tmp_path / "body.txt"
    text.write_text("The council voted on the school budget.", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    run = _add(store, text)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"added article a1 in {store}"
