"""An English comment with a sentence in another language goes to a human.

Before: "The council approved ... Der Bericht ist sehr gut geschrieben und informativ." was
published (language 0.07): the whole comment's call follows its longest part, so a German
sentence rode along an English one. Now each sentence of five words or more in a comment of
two or more is judged on its own, and a foreign one holds the comment (language 0.45, the
hold band) with the sentence as evidence. Pieces of links are not sentences.
"""

from __future__ import annotations

import pytest
from audit6_helpers import clause, decide

from mutewatch.moderate.checks import Moderator

ENGLISH = "The council approved the new budget for the tram line on Tuesday."
GERMAN = "Der Bericht ist sehr gut geschrieben und informativ."
SWISS = "Das isch en guete Bricht, merci vielmal für d Arbet."


@pytest.mark.parametrize("second", [GERMAN, SWISS])
def test_a_foreign_sentence_holds_an_english_comment(moderator: Moderator, second: str) -> None:
    text = f"{ENGLISH} {second}"
    decision = decide(moderator, text)
    language = clause(decision, "language")
    assert decision.decision == "hold", language
    span = language["evidence"]["span"]
    assert text[span["start"] : span["end"]] == second


@pytest.mark.parametrize(
    "text",
    [
        f"{ENGLISH} The mayor said the work starts in May. I hope it runs late.",
        f"{ENGLISH} Watch it at https://example.org/watch?v=IHMO91TvY2YDr.abc here.",
        f"{ENGLISH} Merci.",  # too short to judge alone
    ],
)
def test_english_comments_still_publish(moderator: Moderator, text: str) -> None:
    language = clause(decide(moderator, text), "language")
    assert not language["fired"], language
    assert "foreign_sentences" not in language["evidence"]


def test_a_swiss_german_comment_is_the_dialect_clause_alone(moderator: Moderator) -> None:
    text = f"{SWISS} Mir händ de Bricht geschter am Obig gläse."
    decision = decide(moderator, text)
    assert decision.decision == "reject"
    assert clause(decision, "dialect")["fired"]
    language = clause(decision, "language")
    assert not language["fired"] and "foreign_sentences" not in language["evidence"]
