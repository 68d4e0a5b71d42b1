"""The speed-ups of the moderation path keep its results: same vectors, same decisions.

Covers the embedder's truncation, its memory of recent texts, background embedding during
the language/name checks, vectors bound as NumPy arrays in the store, and the frozen
start-up objects of the service.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest

from mutewatch.moderate.checks import CommentInput, Moderator
from mutewatch.moderate.models import MAX_TOKENS, Embedder, embedder
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import DirectAccess, ModerationService

WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa")
ARTICLE = {
    "id": "a1",
    "title": "City council approves the new tram line",
    "body": "The council voted to fund a tram line from the station to the hospital.",
}


def _placeholder(n_words: int, seed: int = 0) -> str:
    return " ".join(WORDS[(i * 7 + seed) % len(WORDS)] for i in range(n_words))


@pytest.fixture(scope="module")
def fresh() -> Embedder:
    """An embedder of its own, so its memory of recent texts starts empty."""
    return Embedder(threads=2)


def test_text_beyond_max_tokens_is_cut(fresh: Embedder) -> None:
    long = _placeholder(3 * MAX_TOKENS)
    longer = long + " " + _placeholder(200, seed=3)
    a, b = fresh.embed([long, longer])
    assert np.allclose(a, b, atol=1e-6)
    short = _placeholder(MAX_TOKENS // 4)
    c = fresh.embed([short])[0]
    assert float(a @ c) < 0.999  # a text under the cut is embedded as itself


def test_recent_texts_come_back_identical_and_in_order(fresh: Embedder) -> None:
    fresh.forget()
    texts = [_placeholder(5 + i, seed=i) for i in range(11)]
    first = fresh.embed(texts)
    again = fresh.embed([texts[3], texts[0], texts[3]])
    assert np.array_equal(again, first[[3, 0, 3]])
    fresh.forget()
    cold = fresh.embed([texts[3]])[0]
    assert np.allclose(cold, first[3], atol=0.02)  # batch neighbours shift int8 scales a little
    norms = np.linalg.norm(first, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_embed_async_equals_embed(fresh: Embedder) -> None:
    texts = [_placeholder(9, seed=s) for s in range(4)]
    fresh.forget()
    direct = fresh.embed(texts)
    fresh.forget()
    background = fresh.embed_async(texts).result(timeout=60)
    assert np.allclose(direct, background, atol=1e-6)


def test_empty_list(fresh: Embedder) -> None:
    assert fresh.embed([]).shape == (0, 384)


def test_prepare_overlaps_but_gives_the_same_vectors() -> None:
    policy = load_policy()
    no_names = tuple(c for c in policy.clauses if c.check not in {"fantasy_name", "false_name"})
    moderator = Moderator(replace(policy, clauses=no_names))
    comments = [CommentInput(str(i), _placeholder(6 + i, seed=i), "Ana Silva") for i in range(5)]
    embedder().forget()
    prepared = moderator.prepare(comments)
    expected = embedder().embed([c.text for c in comments])
    assert all(np.array_equal(f.vector, v) for f, v in zip(prepared, expected, strict=True))
    assert all(f.language is not None for f in prepared)


def test_service_stores_the_decision_vector_and_freezes_startup_objects(
    tmp_path: Path,
) -> None:
    policy = load_policy()
    keep = {"defamatory", "irrelevant", "racist", "personal"}
    text_policy = replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in keep))
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    svc = ModerationService(DirectAccess(con), text_policy)
    svc.add_article(ARTICLE, actor="tester")
    out = svc.submit_comment(
        {"article_id": "a1", "author_name": "Ana Silva", "text": "The tram line is overdue."}
    )
    assert gc.get_freeze_count() > 0
    stored = con.execute(
        "SELECT embedding FROM mod_comments WHERE comment_id = ?", [out["id"]]
    ).fetchone()
    article = con.execute("SELECT embedding FROM mod_articles").fetchone()
    assert stored is not None and article is not None
    vector = np.asarray(stored[0], dtype=np.float32)
    assert vector.shape == (384,)
    expected = embedder().embed(["The tram line is overdue."])[0]
    assert np.array_equal(vector, expected)
    assert abs(float(np.linalg.norm(np.asarray(article[0], dtype=np.float32))) - 1.0) < 1e-5
    svc.close()


def test_topic_reads_article_thread_and_parent_in_one_query(tmp_path: Path) -> None:
    from mutewatch.errors import NotFoundError
    from mutewatch.moderate.service import THREAD_SIZE, _topic

    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    DirectAccess(con)
    unit = np.eye(384, dtype=np.float32)
    con.execute("INSERT INTO mod_articles VALUES ('a1', 't', 'b', ?, now(), now())", [unit[0]])
    con.execute("INSERT INTO mod_articles VALUES ('a2', 't', 'b', ?, now(), now())", [unit[1]])
    for i in range(THREAD_SIZE + 5):
        status = "held" if i == 0 else "published"
        article = "a2" if i == 1 else "a1"
        con.execute(
            "INSERT INTO mod_comments VALUES (?, ?, NULL, 'Ana', NULL, 'x', 1, ?, 'publish', ?,"
            " TIMESTAMP '2026-01-01' + to_seconds(?), now())",
            [f"c{i}", article, status, unit[2 + i], i],
        )
    topic = _topic(con, "a1", "c0")
    assert np.array_equal(topic.article, unit[0])
    assert topic.parent is None  # a held parent is no topic: replies to held spam are judged
    published = _topic(con, "a1", "c2").parent  # against the article and thread only
    assert published is not None and np.array_equal(published, unit[4])
    assert topic.thread.shape == (THREAD_SIZE, 384)
    newest = {int(np.argmax(v)) - 2 for v in topic.thread}
    assert newest == set(range(5, THREAD_SIZE + 5))  # the latest 50 published of a1 only
    assert _topic(con, "a1", None).parent is None
    with pytest.raises(NotFoundError):
        _topic(con, "nope", None)


def test_heads_fitted_on_another_embedding_are_refused(tmp_path: Path) -> None:
    import json

    from mutewatch.errors import EngineError
    from mutewatch.moderate.models import EMBEDDING_TAG, HEADS_FILE, Heads

    data = json.loads(HEADS_FILE.read_text(encoding="utf-8"))
    data["meta"]["embedding_tag"] = EMBEDDING_TAG
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data), encoding="utf-8")
    assert "racist" in Heads(good).names()
    data["meta"]["embedding_tag"] = "all-MiniLM-L6-v2-onnx-int8-256tok"
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(EngineError, match="256tok"):
        Heads(stale)
