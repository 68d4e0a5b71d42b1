"""A comment repeating a comment of the article's published thread (the same text but for
case, spacing and invisible characters: the same embedding) gets no thread similarity from
it, and one of six words or more is held under ``irrelevant`` with ``duplicate_of`` naming
the earliest; short stock replies repeated are judged as the first was; another article's
comment is no copy. Found from the thread's vectors, in memory: the real service over a
real DuckDB file. On the old code a copy scored thread similarity 1.0 against its original
and was published, however often it came."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from s21d_helpers import ON_TOPIC, Api, built_api

from mutewatch.moderate.checks import Moderator

SHORT = "Yes, the tram, finally."  # a short on-topic reply, published
OTHER = "A stop at the hospital entrance would help the night staff."
MIN_WORDS = 6  # checks.COPY_MIN_WORDS (not imported: the tests run on the old code too)


def _clause(answer: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in answer["clauses"] if c["clause"] == "irrelevant")


def _post(api: Api, text: str, author: str = "Ana Silva", **more: str) -> dict[str, Any]:
    body = {"article_id": "a1", "author_name": author, "text": text, **more}
    r = api.comment(body)
    assert r.status_code == 201, r.text
    answer: dict[str, Any] = r.json()
    return answer


def _published(api: Api, text: str, author: str = "Ana Silva") -> str:
    answer = _post(api, text, author)
    assert answer["decision"] == "publish", answer
    assert "duplicate_of" not in _clause(answer)["evidence"]
    return str(answer["id"])


def test_a_repeated_comment_is_held_naming_the_original(api: Api) -> None:
    assert len(ON_TOPIC.split()) >= MIN_WORDS
    first = _published(api, ON_TOPIC)
    _published(api, OTHER, "Bo Lund")
    held = _post(api, ON_TOPIC, "Cy Moss")  # another author, the same text
    clause = _clause(held)
    assert held["decision"] == "hold" and clause["fired"], held
    assert clause["evidence"]["duplicate_of"] == first
    # no credit from its own original: the thread similarity is the other comment's
    assert clause["evidence"]["similarity"]["thread"] < 0.9
    again = _post(api, ON_TOPIC, "Di Park")  # still the comment it copies
    assert again["decision"] == "hold"
    assert _clause(again)["evidence"]["duplicate_of"] == first


def test_a_case_and_spacing_variant_is_a_copy(api: Api) -> None:
    first = _published(api, ON_TOPIC)
    variant = "  " + ON_TOPIC.upper().replace(" ", " \u200b\n\u00a0 ") + "\t"
    held = _post(api, variant, "Bo Lund")
    assert held["decision"] == "hold", held
    assert _clause(held)["evidence"]["duplicate_of"] == first


def test_a_short_stock_reply_repeated_is_judged_as_the_first_was(api: Api) -> None:
    assert len(SHORT.split()) < MIN_WORDS
    _published(api, ON_TOPIC)
    first = _post(api, SHORT)
    assert first["decision"] == "publish", first
    second = _post(api, SHORT, "Bo Lund")  # its copy is in the thread now
    one, two = _clause(first), _clause(second)
    assert "duplicate_of" not in two["evidence"]
    assert second["decision"] == first["decision"] and two["fired"] == one["fired"]
    # the thread similarity ignores the copy: the same as the first's (1.0 on the old code)
    assert two["evidence"]["similarity"] == one["evidence"]["similarity"]
    assert two["score"] == one["score"]


def test_a_copy_on_another_article_is_no_copy(api: Api) -> None:
    _published(api, ON_TOPIC)
    elsewhere = _post(api, ON_TOPIC, article_id="b1")
    assert "duplicate_of" not in _clause(elsewhere)["evidence"]


def test_a_reply_copying_its_parent_is_held(api: Api) -> None:
    parent = _published(api, ON_TOPIC)
    reply = _post(api, ON_TOPIC.lower(), "Bo Lund", parent_id=parent)
    clause = _clause(reply)
    assert reply["decision"] == "hold" and clause["evidence"]["duplicate_of"] == parent
    assert "parent" not in clause["evidence"]["similarity"]  # no credit from its original


def test_the_thread_read_from_the_store_names_the_copy(
    tmp_path: Path, moderator: Moderator
) -> None:
    """A new service over the store (no cached thread) reads the thread's ids with it."""
    with built_api(tmp_path, moderator) as api:
        first = _published(api, ON_TOPIC)
        _published(api, OTHER, "Bo Lund")
    with built_api(tmp_path, moderator, fresh=False) as api:
        held = _post(api, ON_TOPIC, "Cy Moss")
        assert held["decision"] == "hold" and _clause(held)["evidence"]["duplicate_of"] == first
