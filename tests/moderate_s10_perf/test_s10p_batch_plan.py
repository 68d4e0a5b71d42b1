"""The embedder's batch plan: a long comment is not padded together with its short sentences.

A comment of 128 word pieces with two short sentences that name a group was embedded as one
batch of three, all padded to 128 (three times the CPU of the comment alone: the server's
slowest requests). The plan cuts batches where padding costs more than another call; the
vectors, and so every decision, stay the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mutewatch.moderate.models import BATCH_SIZE, Embedder, plan_batches

WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa")


def _placeholder(n_words: int, seed: int = 0) -> str:
    return " ".join(WORDS[(i * 3 + seed) % len(WORDS)] for i in range(n_words))


@pytest.fixture(scope="module")
def fresh() -> Embedder:
    """An embedder of its own with two sessions (its memory of recent texts starts empty)."""
    return Embedder(threads=2)


def _spy(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The token counts of the texts of every batch the embedder runs."""
    seen: list[list[int]] = []
    run = embedder._embed_batch

    def spied(token_ids: list[list[int]]) -> Any:
        seen.append(sorted(len(t) for t in token_ids))
        return run(token_ids)

    monkeypatch.setattr(embedder, "_embed_batch", spied)
    return seen


def test_long_comment_is_not_padded_with_its_sentences(
    fresh: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh.forget()
    texts = [_placeholder(200), _placeholder(6, 1), _placeholder(9, 2), _placeholder(30, 3)]
    seen = _spy(fresh, monkeypatch)
    fresh.embed(texts)
    longest = max(max(batch) for batch in seen)
    assert [batch for batch in seen if longest in batch] == [[longest]]
    assert sorted(n for batch in seen for n in batch) == sorted(
        len(fresh._tokenizer.encode(t).ids) for t in texts
    )


def test_vectors_do_not_depend_on_the_plan(fresh: Embedder) -> None:
    texts = [_placeholder(n, seed) for seed, n in enumerate((200, 6, 9, 30, 2, 60, 14))]
    fresh.forget()
    together = fresh.embed(texts)
    for i, text in enumerate(texts):
        fresh.forget()
        assert np.array_equal(fresh.embed([text])[0], together[i])


def test_plan_covers_every_text_once_in_order() -> None:
    lengths = sorted([3, 3, 4, 9, 9, 10, 12, 40, 41, 41, 90, 128, 128, 128, 128])
    for most in range(1, BATCH_SIZE + 1):
        runs = plan_batches(lengths, most)
        assert [i for run in runs for i in run] == list(range(len(lengths)))
        assert all(1 <= len(run) <= most for run in runs)
    assert plan_batches([], 2) == []


def test_plan_cost_is_never_above_equal_halves() -> None:
    """The old cut (equal consecutive runs of ``most``) is one of the plans weighed."""

    def cost(runs: list[list[int]], lengths: list[int]) -> int:
        return sum(len(r) * lengths[r[-1]] + 10 for r in runs)

    rng = np.random.default_rng(7)
    for _ in range(200):
        lengths = sorted(int(x) for x in rng.integers(2, 129, size=int(rng.integers(1, 20))))
        most = int(rng.integers(1, BATCH_SIZE + 1))
        halves = [list(range(s, min(s + most, len(lengths)))) for s in range(0, len(lengths), most)]
        assert cost(plan_batches(lengths, most), lengths) <= cost(halves, lengths)
