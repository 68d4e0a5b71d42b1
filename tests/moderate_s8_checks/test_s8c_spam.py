"""Commercial solicitation is spam under ``irrelevant``, with or without an article.

Before: the spam signals were links, contact details and a list of sales phrases worth 0.35
each, so "Buy cheap watches at my shop, visit now!!!" ("cheap" alone) scored 0.35 and, with
no article to compare it with, was published. A sales pitch (a call to action opening a
clause, with the seller's own shop or an offer; easy money; a crypto offer) now scores 0.85
(held), and 0.96 (rejected) when it pushes a link or a phone number; the evidence names the
pitch's span. A comment that discusses buying or selling has no pitch and passes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.moderate.checks import (
    SOLICITATION_PUSH_SCORE,
    SOLICITATION_SCORE,
    Decision,
    spam_signals,
)

Decide = Callable[[str, str], tuple[Decision, dict[str, object]]]
"""The ``decide`` fixture (conftest.py)."""

EXAMPLE = "Buy cheap watches at my shop, visit now!!!"
PITCHES = [
    "Order today: 50% off all items, free shipping.",
    "Visit my store for the best prices in town.",
    "Click here for 70% off placeholder bags.",
    "I earn $300 a day working from home, ask me how.",
    "Double your bitcoin in a week with our team.",
    "The weather was mild. Book now, limited offer: tickets from $49.",
]
PUSHED = [
    "Contact us at +1 555 123 4567 for cheap loans.",
    "Check out my blog at www.example.com",
    "Get yours today, shipping from the east coast at shop-example.com",
]
NEWS = [
    "Wow, watches cost that much? For half that you can buy a used one that runs for years.",
    "Shop owners say discounts have not helped sales this winter.",
    "Call your senator today about the sale of public land.",
    "Call me old-fashioned, but the deal looks bad for workers.",
    "Buy American, not cheap imports.",
    "The company will sell the plant and buy back shares at the lowest price in years.",
    "People earn $15 per hour at the warehouse and cannot pay rent.",
    "Order was restored after the sale of the company.",
    "Visit the museum if you want to see the original letters.",
]


def test_the_issue_example_is_held_without_an_article(decide: Decide) -> None:
    decision, clause = decide(EXAMPLE, "irrelevant")
    assert decision.decision == "hold"
    assert clause["fired"] and clause["score"] == SOLICITATION_SCORE
    evidence = clause["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["similarity"] is None
    assert evidence["span"] == {"start": 0, "end": 40, "text": EXAMPLE[:40]}
    kinds = {s["kind"]: s["text"] for s in evidence["solicitation"]["signals"]}
    assert kinds == {"own": "my shop", "call to action": "Buy", "offer": "cheap"}


def test_the_cli_holds_the_issue_example(tmp_path: Path) -> None:
    line = json.dumps({"id": "1", "author_name": "Maria Lopez", "text": EXAMPLE})
    store = str(tmp_path / "s.duckdb")
    result = CliRunner().invoke(main, ["--store", store, "moderate", "check"], input=line + "\n")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.splitlines()[0])
    assert out["decision"] == "hold"
    [irrelevant] = [c for c in out["clauses"] if c["clause"] == "irrelevant"]
    assert irrelevant["fired"] and irrelevant["evidence"]["span"]["text"].startswith("Buy cheap")


@pytest.mark.parametrize("text", PITCHES)
def test_a_sales_pitch_is_held(text: str) -> None:
    score, evidence = spam_signals(text)
    assert score == SOLICITATION_SCORE
    span = evidence["solicitation"]["span"]
    assert text[span["start"] : span["end"]] == span["text"]
    assert "weather" not in span["text"]  # the pitch's sentence, not the padding


@pytest.mark.parametrize("text", PUSHED)
def test_a_pitch_pushing_a_link_or_number_is_rejected(text: str) -> None:
    score, evidence = spam_signals(text)
    assert score == SOLICITATION_PUSH_SCORE
    kinds = {s["kind"] for s in evidence["solicitation"]["signals"]}
    assert kinds & {"link", "contact"}


def test_the_span_of_a_pitch_with_a_link_covers_the_link() -> None:
    _, evidence = spam_signals("Check out my blog at www.example.com")
    assert evidence["solicitation"]["span"]["text"] == "Check out my blog at www.example.com"


def test_a_hidden_space_does_not_hide_the_pitch() -> None:
    score, evidence = spam_signals("B\u200buy cheap watches at my sh\u200bop!")
    assert score == SOLICITATION_SCORE
    assert evidence["solicitation"]["span"]["text"].startswith("B\u200buy")


@pytest.mark.parametrize("text", NEWS)
def test_buying_and_selling_in_the_news_pass(decide: Decide, text: str) -> None:
    score, evidence = spam_signals(text)
    assert "solicitation" not in evidence and score < 0.752
    _, clause = decide(text, "irrelevant")
    assert not clause["fired"]
