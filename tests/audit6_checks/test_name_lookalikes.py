"""A handle or a character's name spelt with lookalike letters or hidden joiners is no name.

Before: "Bruce Wаyne" (a Cyrillic а) was published, "Bаtman" and "Аnonymous" only held as
single words, and "Sniper\\u200dKing" (a zero-width joiner, allowed for Indic scripts) held:
the lists and handle rules compared the spelling, not what a reader sees. Now a name is also
judged as it reads, and lookalike letters inside a Latin word hold the name on their own.
Real names of any script keep their score.
"""

from __future__ import annotations

import pytest
from audit6_helpers import clause, decide

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.names import assess

REJECTED = {
    "Bruce W\u0430yne": "fantasy_name",  # Cyrillic а
    "B\u0430tman": "fantasy_name",
    "\u0410nonymous": "false_name",  # Cyrillic А
    "Sniper\u200dKing": "fantasy_name",  # zero-width joiner between two handle words
    "Luke Sky\u200bwalker": "fantasy_name",
    "Dar\u0442h V\u0430der": "fantasy_name",  # Cyrillic т and а
}
REAL = [
    "Conor O'Brien",
    "Jean-Luc Martin",
    "Mar\u00eda Jos\u00e9 Garc\u00eda",
    "\u674e\u5c0f\u9f8d",
    "Nguy\u1ec5n Th\u1ecb Lan",
    "Dr. J. R. Smith",
    "Bj\u00f8rn \u00d8deg\u00e5rd",
    "Micha\u0142 Kowalski",
    "\u0110or\u0111e \u0110okovi\u0107",
    "I\u015f\u0131k Y\u0131lmaz",
    "\u0410\u043d\u043d\u0430 \u041f\u0435\u0442\u0440\u043e\u0432\u0430",
    "\u0393\u03b9\u03ce\u03c1\u03b3\u03bf\u03c2 "
    "\u03a0\u03b1\u03c0\u03b1\u03b4\u03cc\u03c0\u03bf\u03c5\u03bb\u03bf\u03c2",
]


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_a_masked_handle_or_character_is_rejected(moderator: Moderator, name: str) -> None:
    decision = decide(moderator, "Thanks for the clear report.", name)
    assert decision.decision == "reject", [c.as_dict() for c in decision.clauses if c.fired]
    assert clause(decision, REJECTED[name])["fired"]


def test_lookalike_letters_in_a_plain_name_hold_it(moderator: Moderator) -> None:
    decision = decide(moderator, "Thanks for the clear report.", "Ana Silv\u0430")
    fantasy = clause(decision, "fantasy_name")
    assert decision.decision == "hold"
    assert fantasy["evidence"]["rule"] == "lookalike_letters"
    assert fantasy["evidence"]["detail"]["lookalike_letters"]["reads_as"] == "Ana Silva"


@pytest.mark.parametrize("name", REAL)
def test_real_names_of_any_script_still_publish(moderator: Moderator, name: str) -> None:
    result = assess(name)
    assert result.fantasy < 0.5 and result.false < 0.5, (name, result)
    assert "lookalike_letters" not in result.evidence
