"""An insult written backwards behind a right-to-left override is read as a reader sees it.

Before: "You are an \\u202etoidi\\u202c." displays "You are an idiot." but was published: the
view dropped the override and read "toidi". Now the view puts an override's run in display
order, and the evidence span still covers the characters as submitted.
"""

from __future__ import annotations

from audit6_helpers import clause, decide

from mutewatch.moderate.checks import Moderator

REVERSED = "You are an \u202etoidi\u202c."


def test_a_reversed_insult_is_rejected(moderator: Moderator) -> None:
    decision = decide(moderator, REVERSED)
    personal = clause(decision, "personal")
    assert decision.decision == "reject", personal
    span = personal["evidence"]["span"]
    assert REVERSED[span["start"] : span["end"]] == span["text"]
    assert "toidi" in span["text"] and span["read_as"] == "You are an idiot"


def test_text_after_the_override_is_read_in_display_order(moderator: Moderator) -> None:
    text = "Fine. \u202etoidi na era uoY\u202c Thanks."
    personal = clause(decide(moderator, text), "personal")
    assert personal["fired"]
    assert personal["evidence"]["span"]["text"] == "toidi na era uoY"
