"""A copy of an earlier comment on the same article (the same text but for case, spacing
and invisible characters) gets no thread similarity from its original, and one of six words
or more is held under ``irrelevant`` with ``duplicate_of`` naming the first comment; short
stock replies repeated are judged as the first was. On the old code a copy of a published
comment scored thread similarity 1.0 against it and was published."""

from __future__ import annotations

from typing import Any

from s21d_helpers import ON_TOPIC, Api

SHORT = "Yes, the tram, finally."  # a short on-topic reply, published
OTHER = "A stop at the hospital entrance would help the night staff."


def _clause(answer: dict[str, Any], name: str = "irrelevant") -> dict[str, Any]:
    return next(c for c in answer["clauses"] if c["clause"] == name)


def _post(api: Api, text: str, author: str = "Ana Silva", article: str = "a1") -> dict[str, Any]:
    r = api.comment({"article_id": article, "author_name": author, "text": text})
    assert r.status_code == 201, r.text
    answer: dict[str, Any] = r.json()
    return answer


def test_a_copy_of_a_published_comment_is_held_naming_the_original(api: Api) -> None:
    assert len(ON_TOPIC.split()) >= 6  # checks.COPY_MIN_WORDS
    first = _post(api, ON_TOPIC)
    assert first["decision"] == "publish", first
    _post(api, OTHER, "Bo Lund")
    copy = "  " + ON_TOPIC.upper().replace(" ", " \u200b\n ") + " "
    held = _post(api, copy, "Cy Moss")  # another author, another case, spacing
    clause = _clause(held)
    assert held["decision"] == "hold" and clause["fired"], held
    assert clause["evidence"]["duplicate_of"] == first["id"]
    # no credit from its own original: the thread similarity is the other comment's
    assert clause["evidence"]["similarity"]["thread"] < 0.9
    again = _post(api, ON_TOPIC, "Di Park")  # still the first comment it copies
    assert _clause(again)["evidence"]["duplicate_of"] == first["id"]
    # another article's comment with that text is no copy there
    elsewhere = _post(api, ON_TOPIC, article="b1")
    assert "duplicate_of" not in _clause(elsewhere)["evidence"]


def test_a_copy_of_a_held_comment_is_held_too(api: Api) -> None:
    long = "Councillor John Smith took bribes from the tram builders last year."
    first = _post(api, long)
    assert first["decision"] == "hold"
    copy = _post(api, long, "Bo Lund")
    assert _clause(copy)["evidence"]["duplicate_of"] == first["id"]
    assert _clause(copy)["fired"]


def test_a_short_stock_reply_repeated_is_judged_as_the_first_was(api: Api) -> None:
    assert len(SHORT.split()) < 6
    _post(api, ON_TOPIC)
    first = _post(api, SHORT)
    assert first["decision"] == "publish", first
    second = _post(api, SHORT, "Bo Lund")
    one, two = _clause(first), _clause(second)
    assert "duplicate_of" not in two["evidence"]
    assert two["fired"] == one["fired"] and second["decision"] == first["decision"]
    # the earlier copy in the thread counts for nothing: the same similarity as the first's
    assert two["evidence"]["similarity"] == one["evidence"]["similarity"]
    assert two["score"] == one["score"]
