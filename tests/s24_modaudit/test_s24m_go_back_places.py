"""An order to go back to a place or origin is an attack on national origin; travel talk is not.

Found (session 24 audit, ``mutewatch moderate check``): the racist lexicon's expulsion rule
knew "go back to your country" (and a group word sent "back"), but not a place: "Go back to
Africa" was published (racist 0.78), as were "go back where you came from" (0.66) and "send
them back to Mexico" (0.65). Now an order or advice to "you" to go back to a country or
continent, to where someone "came from" or "belongs", or to send "them" back there is a
racist hit (0.9, as "go back to your country"); one's own trips, a past trip and going back
to a thing ("the article", "the old system") are not (guards). "If you don't like it," and
"why don't you" no longer read as counter-speech before such an order.
"""

from __future__ import annotations

import pytest

from mutewatch.moderate.checks import Moderator
from s24_modaudit.test_s24m_bare_mentions import _decide, moderator

__all__ = ["moderator"]  # the fixture used here


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Go back to Africa", "national origin: 'go back to <place>'"),
        ("Why don't you go back to Africa?", "national origin: 'go back to <place>'"),
        ("go back where you came from", "national origin: 'go back where you came from'"),
        ("send them back to Mexico", "national origin: 'send them back to <place>'"),
        (
            "If you don't like it, go back to your country.",
            "national origin: 'go back to your country'",
        ),
    ],
)
def test_an_order_to_go_back_to_a_place_is_racist(
    moderator: Moderator, text: str, rule: str
) -> None:
    decision, clauses = _decide(moderator, text)
    racist = clauses["racist"]
    assert racist.fired and decision != "publish", (text, decision, racist.score)
    assert racist.evidence["lexicon"]["rule"] == rule
    assert "back" in racist.evidence["span"]["text"]


@pytest.mark.parametrize(
    "text",
    [
        "I want to go back to Africa next year",
        "We went back to Mexico for the holidays.",
        "Go back to the article and read the second paragraph.",
        "We should go back to the old system.",
        "My parents go back to India every winter.",
        "Stop telling people to go back where they came from.",
    ],
)
def test_travel_and_going_back_to_things_are_not(moderator: Moderator, text: str) -> None:
    decision, clauses = _decide(moderator, text)
    assert decision == "publish", (text, decision)
    assert not clauses["racist"].fired
    assert "lexicon" not in clauses["racist"].evidence


def test_the_checks_version_names_the_change() -> None:
    from mutewatch.moderate._engine import CHECKS_VERSION

    assert int(CHECKS_VERSION.removeprefix("checks-")) >= 9  # checks-9 or a later change


def test_an_order_to_go_back_explains_no_insult_away() -> None:
    # an attack on a group caps the personal head below the hold band (that is racist); an
    # order to go back is said to a person, so a head-only insult beside it stays personal
    from mutewatch.moderate._lexicon import lexicon_findings, personal_score

    assert personal_score(0.85, lexicon_findings("Go back to Africa"), {}) == 0.85
    assert personal_score(0.85, lexicon_findings("Muslims are vermin"), {}) == 0.6
