"""benchmarks/moderate.py's workload: the service parts (HTTP, the service in process, the
store side by side) sent every comment to one article (the Texas article's title with a
made-up one-line body) on an empty thread, though 122 of the first 200 Fox News comments
were written on another article; 178 of 200 were held as ``irrelevant``, so the figures were
the hold path's on a thread of at most 16 comments. Each comment now goes to the article it
was written on (title and lead), whose thread holds some of its other comments first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from benchhelpers import benchmark

moderate = benchmark("moderate")
FOX = Path("moderation") / "fox_news_comments.json"


def test_each_comment_goes_to_its_own_article_with_a_seeded_thread(
    shared_data: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mutewatch.moderate import datasets as ds

    fox = shared_data(*FOX.parts)
    monkeypatch.setenv("MUTEWATCH_DATA", str(fox.parents[1]))
    work = moderate._workload(200)
    assert work.source == moderate._texts(3)[1]
    assert len(work.texts) == len(work.article_of) == 200
    titles = {a["id"]: a["title"] for a in work.articles}
    written_on: dict[str, set[str]] = {}
    for row in ds.fox_news(fox.parents[1]):
        written_on.setdefault(row.text, set()).add(row.group)
    # every measured comment on the article it was written on, the articles in turn
    assert all(titles[a] in written_on[t] for t, a in zip(work.texts, work.article_of, strict=True))
    assert Counter(work.article_of) == dict.fromkeys(titles, 20)
    assert "bench" not in titles and all(a["body"].strip() for a in work.articles)
    # a thread of the article's own other comments, never one of the measured texts
    seeded = Counter(a for a, _ in work.seeds)
    assert set(seeded) == set(titles) and max(seeded.values()) == moderate.SEED_THREAD
    assert all(titles[a] in written_on[t] for a, t in work.seeds)
    assert not {t for _, t in work.seeds} & set(work.texts)


def test_placeholders_keep_the_one_article_and_no_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTEWATCH_DATA", str(tmp_path))
    work = moderate._workload(60, placeholders=True)
    assert work.texts == moderate._texts(60, placeholders=True)[0]
    assert work.articles == [moderate.ARTICLE] and set(work.article_of) == {"bench"}
    assert work.seeds == []


def test_seeding_approves_the_held_and_leaves_the_rejected_out() -> None:
    work = moderate.Workload([], [], [], [("a", "one"), ("a", "two"), ("b", "three")], {})
    answers = {"one": "publish", "two": "hold", "three": "reject"}
    sent: list[dict[str, Any]] = []
    approved: list[str] = []

    def submit(body: dict[str, Any]) -> dict[str, Any]:
        sent.append(body)
        return {"id": f"c-{body['text']}", "decision": answers[body["text"]]}

    assert moderate._seed(work, submit, approved.append) == {"published": 2, "left_out": 1}
    assert [(b["article_id"], b["text"]) for b in sent] == work.seeds
    assert approved == ["c-two"]


def test_the_batch_texts_are_spread_over_the_whole_file(
    shared_data: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-process batch takes every k-th comment of the file, so its lengths are the
    file's (30.5 words a comment for 200, 25.7 for all 1,528): not the articles' first
    comments (39.0), nor the file's (20.7)."""
    fox = shared_data(*FOX.parts)
    monkeypatch.setenv("MUTEWATCH_DATA", str(fox.parents[1]))
    whole = [r.text for r in moderate.ds.fox_news(fox.parents[1]) if r.text.strip()]
    picked = moderate.batch_texts(200)
    assert len(picked) == 200 and picked[0] == whole[0]
    assert picked == whole[:: len(whole) // 200][:200] or picked[-1] in whole[-8:]
    assert moderate.batch_texts(len(whole) + 1)[-1] == whole[0] + " (1)"  # cycles past it

    def words(texts: list[str]) -> float:
        return sum(len(t.split()) for t in texts) / len(texts)

    assert abs(words(picked) - words(whole)) < 0.25 * words(whole)  # a sample of 200: 30.5
    assert words(moderate._workload(200).texts) > 1.3 * words(whole)  # why it is not those
