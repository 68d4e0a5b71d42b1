"""The checks and the decision engine, on neutral placeholder text."""

from __future__ import annotations

import json

import numpy as np
from moderate_helpers import needs_companions

from mutewatch.moderate.checks import (
    CommentInput,
    Features,
    Moderator,
    Topic,
    check_defamation,
    identity_mentions,
    person_names,
    spam_signals,
)
from mutewatch.moderate.models import embedder

KEYS = {"clause", "score", "threshold", "fired", "evidence"}


def _features(text: str, topic: Topic | None = None) -> Features:
    vec = embedder().embed([text])[0]
    return Features(CommentInput(id="x", text=text, author_name="Ana Silva"), vec, topic)


def test_decision_shape_and_every_clause_listed(text_moderator: Moderator) -> None:
    [d] = text_moderator.check([CommentInput("c1", "The budget report was clear.", "Ana Silva")])
    out = d.as_dict()
    assert set(out) == {"id", "decision", "clauses", "reason"}
    assert out["id"] == "c1"
    assert [c["clause"] for c in out["clauses"]] == [
        "defamatory", "racist", "personal", "irrelevant"
    ]  # fmt: skip
    assert all(set(c) == KEYS for c in out["clauses"])
    assert out["decision"] == "publish"
    json.dumps(out)  # plain JSON
    versions = d.as_dict(versions=True)
    assert versions["policy_version"] == text_moderator.policy.version
    assert {"embedding", "heads", "checks"} <= set(versions["model_versions"])


def test_same_input_same_decision(text_moderator: Moderator) -> None:
    comments = [
        CommentInput(str(i), t, "Ana Silva")
        for i, t in enumerate(["A calm remark about trains.", "Mayor John Smith stole the funds."])
    ]
    first = [d.as_dict(versions=True) for d in text_moderator.check(comments)]
    second = [d.as_dict(versions=True) for d in text_moderator.check(list(reversed(comments)))]
    assert first == list(reversed(second))


def test_defamation_needs_a_named_person_and_an_allegation() -> None:
    named = check_defamation(_features("Senator John Smith stole money from the charity."))
    assert named[0] >= 0.8
    assert named[1]["person"] == "Senator John Smith" and named[1]["allegation"] == "stole"
    assert named[1]["span"]["start"] == 0
    unnamed = check_defamation(_features("Somebody stole my bike last week."))
    assert unnamed[0] < 0.5
    none = check_defamation(_features("John Smith opened the new library today."))
    assert none[0] == 0.0


def test_defamation_is_held_not_rejected(text_moderator: Moderator) -> None:
    [d] = text_moderator.check(
        [CommentInput("d", "Mayor John Smith is a fraud who took bribes.", "Ana Silva")]
    )
    clause = next(c for c in d.clauses if c.clause == "defamatory")
    assert clause.fired and clause.evidence["action"] == "hold"
    assert d.decision in ("hold", "reject")


def test_person_names_skip_sentence_words() -> None:
    assert [p["name"] for p in person_names("The Mayor Anna Berg spoke.")] == ["Mayor Anna Berg"]
    assert person_names("This is fine. And so is that.") == []


def test_spam_signals() -> None:
    score, ev = spam_signals("Buy now at www.example-shop.com, promo code SAVE, click here")
    assert score > 0.9 and ev["links"]
    assert spam_signals("I read the article and disagree with its second point.")[0] == 0.0


def test_identity_mentions() -> None:
    assert identity_mentions("Muslims and Christians met; muslims again") == [
        "muslims", "christians"
    ]  # fmt: skip


def test_relevance_uses_article_and_thread(text_moderator: Moderator) -> None:
    e = embedder()
    article = e.embed(["City council votes on the new tram line budget and route."])[0]
    thread = e.embed(["The tram route should reach the hospital.", "Trams are cheaper."])
    topic = Topic("a1", article, thread)
    on = text_moderator.check(
        [CommentInput("1", "The tram line budget seems too small for that route.", "A B")],
        [topic],
    )[0]
    off = text_moderator.check(
        [CommentInput("2", "My favourite chocolate cake recipe uses three eggs.", "A B")], [topic]
    )[0]
    on_c = next(c for c in on.clauses if c.clause == "irrelevant")
    off_c = next(c for c in off.clauses if c.clause == "irrelevant")
    assert off_c.score > on_c.score
    assert not on_c.fired
    assert set(on_c.evidence["similarity"]) == {"article", "thread"}


def test_no_article_checks_only_spam(text_moderator: Moderator) -> None:
    [d] = text_moderator.check([CommentInput("1", "Cake recipes with three eggs.", "A B")])
    c = next(c for c in d.clauses if c.clause == "irrelevant")
    assert c.evidence["similarity"] is None and not c.fired


def test_embeddings_are_normalised_and_batched_consistently() -> None:
    e = embedder()
    texts = ["A short line.", "A much longer line about the weather in the mountains today."]
    batch = e.embed(texts)
    single = np.stack([e.embed([t])[0] for t in texts])
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    assert np.allclose(batch, single, atol=1e-4)
    para = e.embed(["The cat sat on the mat.", "A cat was sitting on a rug.", "Stocks fell."])
    assert para[0] @ para[1] > 0.5 > para[0] @ para[2]


@needs_companions
def test_full_policy_runs_all_eight_clauses(full_moderator: Moderator) -> None:
    [d] = full_moderator.check(
        [CommentInput("1", "I think the council made a sensible choice here.", "Maria Cantwell")]
    )
    assert len(d.clauses) == 8
    assert {"language", "names"} <= set(d.model_versions)
    lang = next(c for c in d.clauses if c.clause == "language")
    assert lang.evidence["language"] == "en" and not lang.fired


@needs_companions
def test_handles_and_other_languages_are_not_published(full_moderator: Moderator) -> None:
    decisions = full_moderator.check(
        [
            CommentInput("h", "I agree with the council.", "xX_sniper_Xx"),
            CommentInput("l", "Ich finde die Entscheidung des Rates vernünftig.", "Anna Berg"),
        ]
    )
    assert all(d.decision != "publish" for d in decisions)
