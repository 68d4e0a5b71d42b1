"""The thread a comment is judged against (the article's latest published comments) is the
same whatever order its comments lie in the store: comments of one ``created_at`` (an
import gives many the same) are taken by their number, the latest stored first. By
``created_at`` alone, ties were cut where the rows happened to lie: the same comments
stored in reverse order made another thread, and so another relevance score."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from mutewatch.moderate._features import CommentInput, Features
from mutewatch.moderate._relevance import topic_similarity
from mutewatch.moderate.service import THREAD_SIZE, VECTOR_PARAM, ModerationService

AT = datetime(2026, 3, 2, 9, 30)


def unit(n: int) -> npt.NDArray[np.float32]:
    """A vector that names comment ``n`` (its one non-zero coordinate)."""
    vector = np.zeros(384, dtype=np.float32)
    vector[n] = 1.0
    return vector


def store(path: Path, numbers: Iterable[int], at: dict[int, datetime] | None = None) -> None:
    """A store with article ``a1`` and published comments ``c<n>`` on it, stored in the
    order of ``numbers``, each at ``at[n]`` (else all at ``AT``)."""
    svc = ModerationService.open(path)
    try:
        con = svc.access.read(lambda c: c)
        article = f"INSERT INTO mod_articles VALUES ('a1', 'Trams', 'Rails.', {VECTOR_PARAM}, ?, ?)"
        con.execute(article, [unit(0), AT, AT])
        for n in numbers:
            when = (at or {}).get(n, AT)
            con.execute(
                "INSERT INTO mod_comments VALUES (?, 'a1', NULL, 'Ana Silva', NULL, 'Fine.', 1,"
                f" 'published', 'publish', {VECTOR_PARAM}, ?, ?)",
                [f"c{n}", unit(n), when, when],
            )
    finally:
        svc.close()


def thread(path: Path) -> list[int]:
    """The numbers of the comments in article a1's thread, ascending."""
    svc = ModerationService.open(path)
    try:
        return sorted(int(np.argmax(v)) for v in svc.topic("a1").thread)
    finally:
        svc.close()


def test_tied_comments_make_one_thread_whatever_order_they_were_stored_in(
    tmp_path: Path,
) -> None:
    store(tmp_path / "forward.duckdb", range(1, 121))
    store(tmp_path / "backward.duckdb", range(120, 0, -1))
    latest = list(range(121 - THREAD_SIZE, 121))  # c71..c120: the last ones stored
    assert thread(tmp_path / "forward.duckdb") == latest  # was c1..c50
    assert thread(tmp_path / "backward.duckdb") == latest


def test_a_later_time_comes_before_a_higher_number(tmp_path: Path) -> None:
    at = {n: AT - timedelta(minutes=1) for n in range(60, 121)}  # c60..c120 are older
    at[7] = AT + timedelta(minutes=1)  # c7 is the newest of all
    store(tmp_path / "mixed.duckdb", range(1, 121), at)
    tied = list(range(11, 60))  # c1..c59 at AT: the 49 of them numbered highest
    assert thread(tmp_path / "mixed.duckdb") == sorted([7, *tied])


def test_the_relevance_of_a_comment_does_not_depend_on_the_stored_order(
    tmp_path: Path,
) -> None:
    store(tmp_path / "forward.duckdb", range(1, 121))
    store(tmp_path / "backward.duckdb", range(120, 0, -1))
    comment = CommentInput("x", "Like comment 5.", "Bo Berg", "a1")
    scores = []
    for name in ("forward.duckdb", "backward.duckdb"):
        svc = ModerationService.open(tmp_path / name)
        try:
            scores.append(topic_similarity(Features(comment, unit(5), svc.topic("a1"))))
        finally:
            svc.close()
    assert scores[0] == scores[1]  # c5 was in the forward store's thread only
